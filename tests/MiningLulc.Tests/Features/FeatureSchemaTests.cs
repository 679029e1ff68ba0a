namespace MiningLulc.Tests.Features;

public class FeatureSchemaTests
{
    [Theory]
    [InlineData("full", "3a993de588cd5330")]
    [InlineData("published", "c7a53053a8194a5d")]
    [InlineData("spectral", "2396f959055a5ca5")]
    public void SchemaV1HashesArePinned(string set, string hash)
    {
        // Saved models record these: a change here must come with a new schema version and a note in its history.
        Assert.Equal(1, FeatureSchema.Version);
        Assert.Equal(hash, FeatureSet.ByName(set).Hash);
    }

    [Fact]
    public void PlaneIndicesFollowTheNames()
    {
        Assert.Equal(FeatureSchema.Count, FeatureSchema.Names.Count);
        (int Index, string Name)[] planes =
        [
            (FeatureSchema.B02, "B02"), (FeatureSchema.B8A, "B8A"), (FeatureSchema.B12, "B12"), (FeatureSchema.Dh, "dh"),
            (FeatureSchema.Ndvi, "NDVI"), (FeatureSchema.Bsi, "BSI"), (FeatureSchema.Ndre, "NDRE"), (FeatureSchema.DhMean3, "dh_mean3"),
            (FeatureSchema.DhStd5, "dh_std5"), (FeatureSchema.DhGrad, "dh_grad"), (FeatureSchema.NirStd3, "B08_std3"),
        ];
        foreach (var (index, name) in planes) Assert.Equal(index, FeatureSchema.IndexOf(name));
    }
}
