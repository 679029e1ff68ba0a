using MiningLulc.Assessment;
using MiningLulc.Catalog;
using MiningLulc.Geo;
using NetTopologySuite.Geometries;
using MiningLulc.Model;

namespace MiningLulc.Tests.Assessment;

/// <summary>
/// A sample reference on a synthetic map (made-up rectangles near 23.5° S 70° W) with sample points
/// placed by hand, so every unit's map class, and the counts the estimator receives, are known.
/// </summary>
public class SampleAssessorTests
{
    private static readonly GeometryFactory F = GeometryOps.Wgs84Factory;

    /// <summary>UTM zone 19 S metres (relative to 400 000 E, 7 400 000 N) to EPSG:4326.</summary>
    private static Coordinate Utm(double x, double y)
    {
        using var utm = SpatialReference.FromEpsg(32719);
        using var wgs84 = SpatialReference.Wgs84();
        using var t = new CoordinateTransform(utm, wgs84);
        var (lon, lat) = t.Transform(400_000 + x, 7_400_000 + y);
        return new Coordinate(lon, lat);
    }

    /// <summary>A rectangle in UTM metres with a vertex every 50 m, in EPSG:4326.</summary>
    internal static Polygon Rectangle(double x0, double y0, double x1, double y1)
    {
        (double, double)[] corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)];
        var ring = new List<Coordinate>();
        for (var e = 0; e < 4; e++)
        {
            var (ax, ay) = corners[e];
            var (bx, by) = corners[(e + 1) % 4];
            var steps = (int)Math.Ceiling(Math.Max(Math.Abs(bx - ax), Math.Abs(by - ay)) / 50);
            for (var s = 0; s < steps; s++) ring.Add(Utm(ax + (bx - ax) * s / steps, ay + (by - ay) * s / steps));
        }
        ring.Add(ring[0].Copy());
        return F.CreatePolygon(ring.ToArray());
    }

    private static LabelPolygon Label(Geometry g, LulcClass c) => new(g, c, 2020, null, null, "test");

    /// <summary>The map: pit 1 km², bare soil 3 km² beside it, vegetation 2 km² along both.</summary>
    internal static List<LabelPolygon> Map() =>
    [
        Label(Rectangle(0, 0, 1000, 1000), LulcClass.OpenPit),
        Label(Rectangle(1000, 0, 4000, 1000), LulcClass.BareSoil),
        Label(Rectangle(0, 1000, 4000, 1500), LulcClass.Vegetation),
    ];

    /// <summary>
    /// The sample: in the pit 8 points referenced pit, 2 bare soil, and a 20 m plot three quarters in the pit
    /// (referenced pit); in the bare soil 17 points referenced bare soil, 2 pit, 1 vegetation; in the vegetation
    /// a MultiPoint of 5 referenced vegetation and a point referenced bare soil; one pit point off the map.
    /// </summary>
    internal static List<LabelPolygon> Sample()
    {
        var sample = new List<LabelPolygon>();
        void Points(double x0, double dx, double y, int count, LulcClass c)
        {
            for (var k = 0; k < count; k++) sample.Add(Label(F.CreatePoint(Utm(x0 + k * dx, y)), c));
        }
        Points(50, 90, 500, 8, LulcClass.OpenPit);
        Points(60, 90, 700, 2, LulcClass.BareSoil);
        sample.Add(Label(Rectangle(985, 300, 1005, 320), LulcClass.OpenPit));
        Points(1050, 140, 500, 17, LulcClass.BareSoil);
        Points(1100, 500, 800, 2, LulcClass.OpenPit);
        Points(3900, 0, 900, 1, LulcClass.Vegetation);
        sample.Add(Label(F.CreateMultiPoint(Enumerable.Range(0, 5).Select(k => F.CreatePoint(Utm(100 + 600 * k, 1250))).ToArray()), LulcClass.Vegetation));
        Points(3800, 0, 1400, 1, LulcClass.BareSoil);
        Points(5000, 0, 500, 1, LulcClass.OpenPit);
        return sample;
    }

    [Fact]
    public void EachUnitTakesTheMapClassUnderItAndTheEstimatorWeighsTheStrataByMappedArea()
    {
        var report = SampleAssessor.Assess(Map(), Sample());

        // The counts the units must give (rows = reference, columns = map).
        var counts = new ConfusionMatrix();
        counts.Add(1, 1, 9); counts.Add(6, 1, 2);
        counts.Add(6, 6, 17); counts.Add(1, 6, 2); counts.Add(7, 6, 1);
        counts.Add(7, 7, 5); counts.Add(6, 7, 1);
        var mapped = report.PerClass.Values.Select(c => c.MappedAreaM2).ToArray();
        var expected = StratifiedEstimator.Estimate(counts, mapped);

        Assert.Equal("sample", report.ReferenceDesign);
        Assert.Equal("olofsson_stratified", report.IntervalMethod);
        Assert.Equal("sample", report.MethodName);
        Assert.Null(report.CellSizeM);
        Assert.Equal(37, report.SampleUnits);
        Assert.Equal([11, 0, 0, 0, 0, 20, 6], report.PerClass.Values.Select(c => c.SampleUnits ?? -1));
        // Mapped areas: the rectangles' (UTM's scale makes ground areas differ from grid areas by under 0.2 %).
        Assert.Equal(1e6, mapped[0], 0.002 * 1e6);
        Assert.Equal(3e6, mapped[5], 0.002 * 3e6);
        Assert.Equal(2e6, mapped[6], 0.002 * 2e6);

        // By hand: user's accuracies within each stratum, overall accuracy weighted by the mapped shares.
        Assert.Equal(9 / 11.0, report.PerClass["Open pit"].UsersAccuracy, 12);
        Assert.Equal(17 / 20.0, report.PerClass["Bare soil"].UsersAccuracy, 12);
        Assert.Equal(5 / 6.0, report.PerClass["Vegetation"].UsersAccuracy, 12);
        Assert.Equal(1 / 6.0 * 9 / 11 + 3 / 6.0 * 17 / 20 + 2 / 6.0 * 5 / 6, report.OverallAccuracy, 1e-3);
        // Adjusted pit area: 9/11 of the pit plus 2/20 of the bare soil.
        Assert.Equal(9 / 11.0 * 1e6 + 2 / 20.0 * 3e6, report.PerClass["Open pit"].AdjustedAreaM2, 0.002 * 1.1e6);

        // Every figure is the estimator's on those counts, with 1.96 x its standard errors.
        Assert.Equal(expected.OverallAccuracy, report.OverallAccuracy, 12);
        Assert.Equal(1.96 * expected.OverallAccuracySe, report.OverallAccuracyCi95, 12);
        for (var c = 0; c < ConfusionMatrix.K; c++)
        {
            var a = report.PerClass[LulcClasses.Names[c]];
            Same(expected.UsersAccuracy[c], a.UsersAccuracy);
            Same(1.96 * expected.UsersAccuracySe[c], a.UsersAccuracyCi95);
            Same(expected.ProducersAccuracy[c], a.ProducersAccuracy);
            Same(1.96 * expected.ProducersAccuracySe[c], a.ProducersAccuracyCi95);
            Same(expected.Area[c], a.AdjustedAreaM2);
            Same(1.96 * expected.AreaSe[c], a.AdjustedAreaCi95M2);
        }
        Assert.Equal(expected.PopulationArea, report.ComparedAreaM2, 1e-6);
        Assert.InRange(report.OverallAccuracyCi95, 0.03, 0.3);

        // The plot is a polygon of 400 m² of UTM grid (400.2 m² of ground: UTM's scale 1° off its meridian); points have no area.
        Assert.Equal(400, report.PerClass["Open pit"].ReferenceAreaM2, 0.5);
        Assert.Contains(report.Warnings, w => w.StartsWith("1 of 38 sample units lie outside the map"));
        Assert.Empty(report.ByYear);
        Assert.Contains("Olofsson et al. (2014) stratified estimator", report.ToMarkdown("t"));
    }

    [Fact]
    public void ARestrictionKeepsTheUnitsAndTheMapInsideIt()
    {
        // The western kilometre only: the pit, and the vegetation north of it.
        var area = Rectangle(0, 0, 1000, 1500);
        var report = SampleAssessor.Assess(Map(), Sample(), area);
        Assert.Equal(1e6, report.PerClass["Open pit"].MappedAreaM2, 0.002 * 1e6);
        Assert.Equal(0.5e6, report.PerClass["Vegetation"].MappedAreaM2, 0.002 * 0.5e6);
        Assert.Equal(0, report.PerClass["Bare soil"].MappedAreaM2, 0.002 * 1e6); // a sliver at most, along the edge
        // Units inside: the pit's 10 points and the plot clipped to it, and 2 vegetation points (x = 100, 700).
        Assert.Equal(13, report.SampleUnits);
        Assert.Equal(11, report.PerClass["Open pit"].SampleUnits);
        Assert.Equal(2, report.PerClass["Vegetation"].SampleUnits);
    }

    [Fact]
    public void ACensusAssessmentRefusesPoints()
    {
        var map = Map();
        var sample = Sample();
        var raster = Assert.Throws<InvalidInputException>(() => CellCountAssessor.Assess(map, sample));
        Assert.Contains("--reference-sample", raster.Message);
        var overlay = Assert.Throws<InvalidInputException>(() => AccuracyAssessor.Assess(map, sample));
        Assert.Contains("--reference-sample", overlay.Message);
        // Through the options, the same sample is assessed as one.
        var report = AccuracyAssessor.Assess(map, sample, new AssessOptions { Reference = ReferenceDesign.Sample });
        Assert.Equal(37, report.SampleUnits);
    }

    private static void Same(double expected, double actual)
    {
        if (double.IsNaN(expected)) Assert.True(double.IsNaN(actual), $"expected NaN, got {actual}");
        else Assert.Equal(expected, actual, 1e-9 * Math.Max(1, Math.Abs(expected)));
    }
}
