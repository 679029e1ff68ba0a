using MiningLulc.Features;

namespace MiningLulc.Tests.Features;

public class ScalarFeaturesTests
{
    [SharedFileFact(AuthorSample.RelativePath)]
    public void IndicesMatchTheAuthorsOwnValuesOnTheirRealSamples()
    {
        var samples = AuthorSample.Load();
        Assert.Equal(490, samples.Count);
        foreach (var s in samples)
        {
            var b = s.Bands;
            Assert.Equal(s.Mndwi, ScalarFeatures.NormalizedDifference(b[1], b[8]), 5);
            Assert.Equal(s.Ndbi, ScalarFeatures.NormalizedDifference(b[8], b[6]), 5);
            Assert.Equal(s.Ndvi, ScalarFeatures.NormalizedDifference(b[6], b[2]), 5);
            Assert.Equal(s.Bsi, ScalarFeatures.Bsi(b[0], b[2], b[6], b[8]), 5);
        }
    }

    [Theory]
    [InlineData(3f, 1f, 0.5f)]
    [InlineData(0f, 0f, 0f)]            // zero denominator: defined as 0
    [InlineData(5f, -5f, 0f)]
    [InlineData(float.NaN, 1f, float.NaN)]
    public void NormalizedDifferenceIsDefinedEverywhere(float a, float b, float expected) =>
        Assert.Equal(expected, ScalarFeatures.NormalizedDifference(a, b));

    [Fact]
    public void FocalStatisticsUseOnlyValidPixels()
    {
        // 3x3 synthetic plane with one void: mean/std over the 8 valid values at the centre.
        float[] dh = [1, 2, 3, 4, float.NaN, 6, 7, 8, 9];
        var mean = new float[9];
        var std = new float[9];
        ScalarFeatures.FocalMeanStd(dh, 3, 3, 1, mean, std);
        Assert.Equal(5f, mean[4], 5);
        Assert.Equal((float)Math.Sqrt(new[] { 1, 2, 3, 4, 6, 7, 8, 9 }.Select(v => (v - 5.0) * (v - 5.0)).Average()), std[4], 5);
        Assert.Equal((1 + 2 + 4) / 3f, mean[0], 5); // corner: 3 valid neighbours inside the grid
        var allVoid = Enumerable.Repeat(float.NaN, 9).ToArray();
        ScalarFeatures.FocalMeanStd(allVoid, 3, 3, 1, mean, std);
        Assert.True(float.IsNaN(mean[4]) && float.IsNaN(std[4]));
    }

    [Fact]
    public void GradientIsInMetresPerMetre()
    {
        // A plane rising 1 m per column on a 7.6 m x 10 m (geographic-like) grid: slope 1/7.6.
        const int w = 5, h = 4;
        var dh = new float[w * h];
        for (var r = 0; r < h; r++) for (var c = 0; c < w; c++) dh[r * w + c] = c;
        var g = new float[w * h];
        ScalarFeatures.Gradient(dh, w, h, 7.6, 10, g);
        Assert.Equal(1 / 7.6f, g[1 * w + 2], 5);
        Assert.True(float.IsNaN(g[0]));
    }

    [Fact]
    public void SchemaHashChangesWhenTheListChanges()
    {
        Assert.NotEqual(FeatureSet.Full.Hash, FeatureSet.Published.Hash);
        var reordered = new FeatureSet("x", FeatureSet.Published.Names.Reverse().ToList());
        Assert.NotEqual(FeatureSet.Published.Hash, reordered.Hash);
        Assert.Equal(FeatureSet.Published.Hash, new FeatureSet("other name", FeatureSet.Published.Names).Hash);
        Assert.Equal(15, FeatureSet.Published.Names.Count);
        Assert.Equal(["B02", "B03", "B04", "B05", "B06", "B07", "B08", "B8A", "B11", "B12", "dh", "MNDWI", "NDBI", "NDVI", "BSI"], FeatureSet.Published.Names);
    }
}
