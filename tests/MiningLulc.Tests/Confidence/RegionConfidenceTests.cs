using MiningLulc.Align;
using MiningLulc.Confidence;
using MiningLulc.Geo;
using MiningLulc.Vectorize;
using NetTopologySuite.Geometries;

namespace MiningLulc.Tests.Confidence;

/// <summary>A region's confidence on hand-made rasters with known probabilities.</summary>
public class RegionConfidenceTests
{
    [Fact]
    public void DiagonalNeighboursAreOneRegionOnlyWithEightConnectivity()
    {
        byte[] classes = [1, 0, 0, 1];
        float[] confidence = [0.2f, float.NaN, float.NaN, 0.6f];
        var four = new RegionConfidence(classes, confidence, 2, 2, 4);
        Assert.Equal(2, four.Count);
        Assert.Equal(0.2, four.At(0, 0), 1e-7);
        Assert.Equal(0.6, four.At(1, 1), 1e-7);
        var eight = new RegionConfidence(classes, confidence, 2, 2, 8);
        Assert.Equal(1, eight.Count);
        Assert.Equal(0.4, eight.At(0, 0), 1e-7);
        Assert.True(double.IsNaN(eight.At(0, 1)));
    }

    /// <summary>The test grid of PublishedSchemaTests: an 8x6 class raster on a 10 m UTM grid.</summary>
    private static readonly byte[] Classes =
    [
        0, 1, 1, 3, 3, 3, 3, 0,
        1, 1, 1, 3, 2, 2, 3, 0,
        1, 1, 3, 3, 2, 2, 3, 6,
        6, 6, 3, 3, 3, 3, 3, 6,
        6, 6, 6, 6, 7, 7, 6, 6,
        0, 6, 6, 6, 6, 6, 6, 0,
    ];

    private static SiteGrid Grid(SpatialReference utm) => new(8, 6, GeoTransform.NorthUp(400000, 7450000, 10, 10), utm.ToWkt(), new Window(0, 0, 8, 6));

    private static Polygon WholeGrid() => new GeometryFactory().CreatePolygon([new(400000, 7450000), new(400080, 7450000), new(400080, 7449940), new(400000, 7449940), new(400000, 7450000)]);

    [Fact]
    public void ARegionsConfidenceIsTheMeanOverItsPixelsOfItsClassProbability()
    {
        using var utm = SpatialReference.FromEpsg(32719);
        // Each pixel gives its own class the probability (row * 8 + col) / 100, and the rest to class 7 (or 1).
        var scores = new SiteScores(48, [1, 2, 3, 6, 7]);
        for (var p = 0; p < 48; p++)
        {
            if (Classes[p] == 0) continue;
            var own = p / 100f;
            var other = Classes[p] == 7 ? 1 : 7;
            Set(scores, p, Classes[p], own);
            Set(scores, p, (byte)other, 1 - own);
        }
        var regions = new SitePolygonizer(new VectorizeSettings()).Polygonize(Classes, Grid(utm), WholeGrid(), 7, 2020, out _, scores);

        // Class 1 at (0,1): pixels 1, 2, 8, 9, 10, 16, 17 -> (1+2+8+9+10+16+17)/7/100 = 0.09.
        // Class 3 at (0,3): 3..6, 11, 14, 18, 19, 22, 26..30 -> 242/14/100.
        // Class 2 at (1,4): 12, 13, 20, 21 -> 0.165. Class 6 at (2,7): 23, 24, 25, 31..35, 38, 39, 41..46 -> 575/16/100.
        // Class 7 at (4,4): 36, 37 -> 0.365.
        var byFirstPixel = regions.ToDictionary(r => (r.Row, r.Column), r => r.Confidence!.Value);
        Assert.Equal(0.09, byFirstPixel[(0, 1)], 1e-6);
        Assert.Equal(242 / 14.0 / 100, byFirstPixel[(0, 3)], 1e-6);
        Assert.Equal(0.165, byFirstPixel[(1, 4)], 1e-6);
        Assert.Equal(575 / 16.0 / 100, byFirstPixel[(2, 7)], 1e-6);
        Assert.Equal(0.365, byFirstPixel[(4, 4)], 1e-6);
        // Without scores the regions are the same, with no confidence.
        var plain = new SitePolygonizer(new VectorizeSettings()).Polygonize(Classes, Grid(utm), WholeGrid(), 7, 2020);
        Assert.Equal(plain.Select(r => (r.Row, r.Column, r.Class, r.AreaM2)), regions.Select(r => (r.Row, r.Column, r.Class, r.AreaM2)));
        Assert.All(plain, r => Assert.Null(r.Confidence));
    }

    [Fact]
    public void ASievedPixelCountsWithTheProbabilityOfTheClassItEndsWith()
    {
        using var utm = SpatialReference.FromEpsg(32719);
        // A 3x3 block of class 1 around one pixel of class 2 (the block's top-left 3x3 of the grid, the rest class 3).
        var classes = new byte[48];
        Array.Fill(classes, (byte)3);
        var scores = new SiteScores(48, [1, 2, 3]);
        for (var p = 0; p < 48; p++) Set(scores, p, 3, 1f);
        foreach (var p in new[] { 0, 1, 2, 8, 10, 16, 17, 18 })
        {
            classes[p] = 1;
            Set(scores, p, 3, 0f);
            Set(scores, p, 1, 0.9f);
            Set(scores, p, 2, 0.1f);
        }
        classes[9] = 2;
        Set(scores, 9, 3, 0f);
        Set(scores, 9, 1, 0.3f);
        Set(scores, 9, 2, 0.7f);

        var unsieved = new SitePolygonizer(new VectorizeSettings()).Polygonize(classes, Grid(utm), WholeGrid(), 1, 2020, out _, scores);
        Assert.Equal(0.9, unsieved.Single(r => r.Class == LulcClass.OpenPit).Confidence!.Value, 1e-6);
        Assert.Equal(0.7, unsieved.Single(r => r.Class == LulcClass.WasteDumpingSite).Confidence!.Value, 1e-6);

        // The sieve gives the lone pixel its neighbours' class 1, where the model gave class 1 only 0.3.
        var sieved = new SitePolygonizer(new VectorizeSettings { SieveMinPixels = 2 }).Polygonize(classes, Grid(utm), WholeGrid(), 1, 2020, out _, scores);
        Assert.DoesNotContain(sieved, r => r.Class == LulcClass.WasteDumpingSite);
        Assert.Equal((8 * 0.9 + 0.3) / 9, sieved.Single(r => r.Class == LulcClass.OpenPit).Confidence!.Value, 1e-6);
        Assert.Equal(1.0, sieved.Single(r => r.Class == LulcClass.GeneralDisturbedLand).Confidence!.Value, 1e-6);
    }

    [Fact]
    public void ClippingKeepsTheConfidenceOfTheWholeComponent()
    {
        using var utm = SpatialReference.FromEpsg(32719);
        var classes = new byte[48];
        Array.Fill(classes, (byte)1);
        var scores = new SiteScores(48, [1, 2]);
        for (var p = 0; p < 48; p++) Set(scores, p, 1, (p % 8) < 4 ? 0.5f : 1f); // left half 0.5, right half 1
        // The owned area is the left half only: the region keeps the mean of all 48 pixels (0.75).
        var left = new GeometryFactory().CreatePolygon([new(400000, 7450000), new(400040, 7450000), new(400040, 7449940), new(400000, 7449940), new(400000, 7450000)]);
        var region = new SitePolygonizer(new VectorizeSettings()).Polygonize(classes, Grid(utm), left, 1, 2020, out _, scores).Single();
        Assert.Equal(0.75, region.Confidence!.Value, 1e-6);
    }

    private static void Set(SiteScores scores, int pixel, byte code, float p) =>
        scores.Values[pixel * scores.ClassCount + scores.ClassCodes.ToList().IndexOf(code)] = p;
}
