using MiningLulc.Align;
using MiningLulc.Catalog;
using MiningLulc.Features;
using MiningLulc.Geo;
using MiningLulc.Pipeline;

namespace MiningLulc.Tests.Features;

/// <summary>
/// The features schema v2 appended: the large focal windows (context group) and the features relative to the
/// site's medians (site group), on real values, block-wise against the whole site.
/// </summary>
[Collection(SyntheticRegionCollection.Name)]
public class SchemaV2FeatureTests(SyntheticRegionFixture region)
{
    [Fact]
    public void ContextPlanesHoldTheWindowStatistics()
    {
        // dh = column index on a 40x36 grid: a 31x31 window away from the edges has mean = its centre column and
        // population std sqrt((31² - 1) / 12); at the left edge the window is cut to columns 0..15 (mean 7.5).
        const int w = 40, h = 36;
        var bands = Enumerable.Range(0, 10).Select(b => Enumerable.Range(0, w * h).Select(i => 1000f + b + i % 7).ToArray()).ToArray();
        var dh = Enumerable.Range(0, w * h).Select(i => (float)(i % w)).ToArray();
        var planes = FeatureEquivalence.NewPlanes(w * h);
        new FeatureEngine().Compute(bands, dh, w, h, 10, 10, planes);
        var centre = 18 * w + 20;
        Assert.Equal(20f, planes[FeatureSchema.DhMean31][centre]);
        Assert.Equal((float)Math.Sqrt((31.0 * 31 - 1) / 12), planes[FeatureSchema.DhStd31][centre], 1e-4f);
        Assert.Equal(20f, planes[FeatureSchema.DhMean15][centre]);
        Assert.Equal((float)Math.Sqrt((15.0 * 15 - 1) / 12), planes[FeatureSchema.DhStd15][centre], 1e-4f);
        Assert.Equal(7.5f, planes[FeatureSchema.DhMean31][18 * w]);
        // B08 = 1006 + i % 7 with w = 40 (≡ 5 mod 7): every 7x7 window holds each residue 7 times, so the std is sqrt(4).
        Assert.Equal(2f, planes[FeatureSchema.NirStd7][centre], 1e-5f);
    }

    [Fact]
    public void SitePlanesAreRelativeToTheMedians()
    {
        const int w = 9, h = 5;
        var (bands, dh) = FeatureEquivalence.HardInputs(w, h, seed: 3);
        var medians = new SiteMedians([.. Enumerable.Range(0, 10).Select(b => b == 3 ? 0f : 500f + 100 * b)]);
        var expected = FeatureEquivalence.NewPlanes(w * h);
        ScalarFeatures.Compute(bands, dh, w, h, 10, 10, expected, medians);
        foreach (var simd in FeatureEngineTests.AllWidths)
        {
            var actual = FeatureEquivalence.NewPlanes(w * h);
            new FeatureEngine(simd).Compute(bands, dh, w, h, 10, 10, actual, medians);
            for (var f = FeatureSchema.B02Site; f < FeatureSchema.Count; f++) FeatureEngineTests.AssertSameBits(expected[f], actual[f], $"{FeatureSchema.Names[f]} at {simd}");
        }
        var i = 2 * w + 4;
        Assert.Equal(bands[FeatureSchema.B08][i] / 1100f, expected[FeatureSchema.B02Site + FeatureSchema.B08][i]);
        Assert.True(float.IsNaN(expected[FeatureSchema.B02Site + 3][i])); // a median of 0 gives no ratio
    }

    [Fact]
    public void MedianIsTheMiddleValue()
    {
        Assert.Equal(3f, SiteMedianSampler.Median([5f, 1f, 3f]));
        Assert.Equal(2.5f, SiteMedianSampler.Median([4f, 1f, 2f, 3f]));
        Assert.True(float.IsNaN(SiteMedianSampler.Median([])));
        // The selection picks what a sort picks: random lengths, many ties, sorted and reversed input.
        var rng = new Random(8);
        for (var t = 0; t < 300; t++)
        {
            var n = rng.Next(1, 400);
            var values = Enumerable.Range(0, n).Select(_ => (float)rng.Next(-20, 20) / (t % 3 == 0 ? 1 : 7)).ToList();
            if (t % 5 == 1) values.Sort();
            if (t % 5 == 2) { values.Sort(); values.Reverse(); }
            var sorted = values.Order().ToArray();
            var expected = n % 2 == 1 ? sorted[n / 2] : (float)(((double)sorted[n / 2 - 1] + sorted[n / 2]) / 2);
            Assert.Equal(expected, SiteMedianSampler.Median(values));
        }
    }

    /// <summary>
    /// With the v2 set, blocks of 17 pixels (many blocks; the medians from a first pass over them) give every
    /// plane of the set bit for bit as the whole site in one block does (the medians from that block): the blocks'
    /// halo follows the set's widest window. Read with the v1 halo of 3, the 31x31 planes would differ.
    /// </summary>
    [Fact]
    public void BlocksWithTheSetsHaloEqualTheWholeSite()
    {
        var catalog = RegionCatalog.Build(region.Region, region.Config.Input);
        var entry = catalog.Ready.OrderByDescending(e => e.AreaM2).First();
        var config = region.Config with { Features = new FeatureSettings { Set = "full2" }, Align = region.Config.Align with { BlockSize = 17 } };
        using var processor = new SiteProcessor(catalog.Folder, config, FeatureSet.Full2);
        Assert.Equal(15, processor.BlockHalo); // the 31x31 windows
        var (whole, wholePlanes) = processor.Prepare(entry);
        var layout = processor.Plan(entry);
        Assert.True(layout.Grid.Width > 3 * 17 && layout.Grid.Height > 3 * 17, "the site spans several blocks each way");

        var indices = FeatureSet.Full2.Indices;
        var fromBlocks = indices.Select(_ => Enumerable.Repeat(float.NaN, whole.Grid.PixelCount).ToArray()).ToArray();
        var blocks = 0;
        foreach (var (block, interior, planes) in processor.Blocks(layout))
        {
            Copy(block, interior, planes, layout, indices, fromBlocks);
            blocks++;
        }
        Assert.True(blocks > 9);
        for (var k = 0; k < indices.Length; k++)
            FeatureEngineTests.AssertSameBits(wholePlanes[indices[k]].AsSpan(0, whole.Grid.PixelCount).ToArray(), fromBlocks[k], FeatureSchema.Names[indices[k]]);

        // The same blocks with the v1 halo: the 31x31 mean differs near block edges.
        using var aligner = new SiteAligner(catalog.Folder, config.Align);
        var shortHalo = Enumerable.Repeat(float.NaN, whole.Grid.PixelCount).ToArray();
        var extractor = new FeatureExtractor(FeatureSet.FullContext);
        foreach (var (block, interior) in aligner.Blocks(layout, 17, halo: 3))
            Copy(block, interior, extractor.ComputePlanes(block), layout, [FeatureSchema.DhMean31], [shortHalo]);
        var differ = 0;
        for (var i = 0; i < shortHalo.Length; i++)
            if (BitConverter.SingleToInt32Bits(shortHalo[i]) != BitConverter.SingleToInt32Bits(wholePlanes[FeatureSchema.DhMean31][i])) differ++;
        Assert.True(differ > shortHalo.Length / 4, $"{differ} of {shortHalo.Length} pixels differ with a halo of 3");
    }

    private static void Copy(AlignedSite block, Window interior, float[][] planes, SiteLayout layout, int[] indices, float[][] into)
    {
        var col0 = block.Grid.SourceWindow.ColOff - layout.Grid.SourceWindow.ColOff;
        var row0 = block.Grid.SourceWindow.RowOff - layout.Grid.SourceWindow.RowOff;
        for (var r = interior.RowOff; r < interior.RowOff + interior.Height; r++)
            for (var c = interior.ColOff; c < interior.ColOff + interior.Width; c++)
                for (var k = 0; k < indices.Length; k++)
                    into[k][(row0 + r) * layout.Grid.Width + col0 + c] = planes[indices[k]][r * block.Grid.Width + c];
    }
}
