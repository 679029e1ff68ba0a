namespace MiningLulc.Tests.Features;

public class FeatureSchemaTests
{
    [Theory]
    [InlineData("full", "3a993de588cd5330")]
    [InlineData("published", "c7a53053a8194a5d")]
    [InlineData("spectral", "2396f959055a5ca5")]
    public void SchemaV1HashesArePinned(string set, string hash)
    {
        // Saved models record these (the values of schema v1, before v2 appended features): a set of v1 features
        // keeps its hash and its version whatever the schema has grown to, so models trained on v1 still load.
        Assert.Equal(2, FeatureSchema.Version);
        Assert.Equal(1, FeatureSet.ByName(set).SchemaVersion);
        Assert.Equal(hash, FeatureSet.ByName(set).Hash);
    }

    [Fact]
    public void ASetWithAV2FeatureHashesAsV2()
    {
        var v1 = FeatureSet.Full;
        var plusOne = new FeatureSet("full", [.. v1.Names, "dh_std31"]);
        Assert.Equal(2, plusOne.SchemaVersion);
        Assert.NotEqual(v1.Hash, plusOne.Hash);
        Assert.Equal(2, FeatureSet.Full2.SchemaVersion);
        Assert.Equal(FeatureSchema.Count, FeatureSet.Full2.Names.Count);
        // Pinned as the v1 hashes are: models of v2 sets record these.
        Assert.Equal("99a233b2fc85663b", FeatureSet.Full2.Hash);
        Assert.Equal("768bd9cbf9ab6282", FeatureSet.FullContext.Hash);
        Assert.Equal("f61bb50dc234a63f", FeatureSet.FullSite.Hash);
        Assert.Equal(1, FeatureSchema.IntroducedIn("B08_std3"));
        Assert.Equal(2, FeatureSchema.IntroducedIn("dh_mean15"));
        Assert.Equal(2, FeatureSchema.IntroducedIn("B12_site"));
        Assert.Equal(FeatureSchema.Version, new FeatureSet("x", ["x"]).SchemaVersion); // a made-up column: the current version
    }

    [Fact]
    public void ContextAndSiteGroupsAreKnownPerSet()
    {
        Assert.Equal(2, FeatureSet.Full.ContextPixels);
        Assert.Equal(0, FeatureSet.Published.ContextPixels);
        Assert.Equal(15, FeatureSet.FullContext.ContextPixels);
        Assert.Equal(2, FeatureSet.FullSite.ContextPixels);
        Assert.False(FeatureSet.Full.NeedsContext || FeatureSet.Full.NeedsSiteMedians);
        Assert.True(FeatureSet.FullContext.NeedsContext && !FeatureSet.FullContext.NeedsSiteMedians);
        Assert.True(!FeatureSet.FullSite.NeedsContext && FeatureSet.FullSite.NeedsSiteMedians);
        Assert.Equal(3, new FeatureSet("x", ["B08_std7"]).ContextPixels);
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
            (FeatureSchema.DhMean15, "dh_mean15"), (FeatureSchema.DhStd31, "dh_std31"), (FeatureSchema.NirStd7, "B08_std7"),
            (FeatureSchema.B02Site, "B02_site"), (FeatureSchema.B02Site + 9, "B12_site"),
        ];
        foreach (var (index, name) in planes) Assert.Equal(index, FeatureSchema.IndexOf(name));
    }
}
