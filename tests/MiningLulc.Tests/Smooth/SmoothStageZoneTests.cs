using MiningLulc.Align;
using MiningLulc.Geo;
using MiningLulc.Smooth;

namespace MiningLulc.Tests.Smooth;

/// <summary>
/// The smoothing stage's UTM zone from the outline of the classified pixels' bounding rectangle
/// against the definition (every classified pixel transformed, their mean's zone), on synthetic
/// grids and masks: well inside a zone, across a zone edge, across the equator, on the edge of the
/// rectangle only, and in a CRS other than UTM.
/// </summary>
public class SmoothStageZoneTests
{
    // Grid CRS, the grid's origin (in that CRS), its pixel size; each case's expected zone is the definition's.
    public static TheoryData<int, double, double, double> Grids => new()
    {
        { 32719, 350_000, 7_350_000, 10 },  // well inside zone 19S
        { 32719, 803_500, 7_344_000, 10 },  // the east edge of zone 19 (-66°, easting 805,227 at -24°) inside the grid
        { 32619, 500_000, 2_000, 10 },      // the equator (northing 0) inside the grid, zone 19N
        { 32750, 164_500, 9_999_000, 10 },  // zone 50S, its west edge (114°E, easting 166,021) inside the grid
        { 3857, -7_353_000, -2_750_000, 30 }, // Web Mercator across -66° near -24°: not a UTM CRS
    };

    [Theory]
    [MemberData(nameof(Grids))]
    public void EqualsTheZoneOfEveryPixel(int epsg, double originX, double originY, double pixel)
    {
        using var crs = SpatialReference.FromEpsg(epsg);
        var grid = new SiteGrid(400, 300, GeoTransform.NorthUp(originX, originY, pixel, -pixel), crs.ToWkt(), new Window(0, 0, 400, 300));
        var random = new Random(epsg);
        foreach (var fill in new[] { 0.02, 0.5, 1.0 })
        {
            var classes = new byte[grid.PixelCount];
            for (var i = 0; i < classes.Length; i++) if (random.NextDouble() < fill) classes[i] = (byte)random.Next(1, 8);
            Assert.Equal(SmoothStage.UtmZoneOfAllClassifiedPixels(classes, grid), SmoothStage.UtmZoneOfClassifiedPixels(classes, grid));
            // With a worker's kept transformations (the pipeline's way), the same zone.
            using var transforms = new GridTransforms();
            Assert.Equal(SmoothStage.UtmZoneOfAllClassifiedPixels(classes, grid), SmoothStage.UtmZoneOfClassifiedPixels(classes, grid, transforms));
        }
        // Classified pixels only in one corner and on the opposite edge: the mean sits far from the rectangle's centre.
        var sparse = new byte[grid.PixelCount];
        for (var r = 0; r < 40; r++) for (var c = 0; c < 40; c++) sparse[r * grid.Width + c] = 3;
        sparse[(grid.Height - 1) * grid.Width + grid.Width - 1] = 5;
        Assert.Equal(SmoothStage.UtmZoneOfAllClassifiedPixels(sparse, grid), SmoothStage.UtmZoneOfClassifiedPixels(sparse, grid));
        Assert.Null(SmoothStage.UtmZoneOfClassifiedPixels(new byte[grid.PixelCount], grid));
    }

    [Fact]
    public void AGridAcrossAZoneEdgeTakesTheZoneOfItsMean()
    {
        // Zone 19S grid straddling -66° (easting 805,227): the classified pixels east of 806,500 but one (zone 20), so the mean's zone is 20
        // although the grid's CRS is zone 19: the shortcut must not answer from the outline here.
        using var crs = SpatialReference.FromEpsg(32719);
        var grid = new SiteGrid(400, 300, GeoTransform.NorthUp(803_500, 7_344_000, 10, -10), crs.ToWkt(), new Window(0, 0, 400, 300));
        var classes = new byte[grid.PixelCount];
        for (var r = 0; r < grid.Height; r++) for (var c = 300; c < grid.Width; c++) classes[r * grid.Width + c] = 1;
        classes[0] = 2;
        Assert.Equal(32720, SmoothStage.UtmZoneOfAllClassifiedPixels(classes, grid));
        Assert.Equal(32720, SmoothStage.UtmZoneOfClassifiedPixels(classes, grid));
    }
}
