using MiningLulc.Assessment;
using MiningLulc.Catalog;
using MiningLulc.Geo;
using MiningLulc.Pipeline;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Union;
using MiningLulc.Model;

namespace MiningLulc.Tests.Assessment;

/// <summary>
/// The cell count (default method) against the exact overlay, its reference twin: on a generated
/// region classified by a trained model (synthetic data, SyntheticRegionFixture), and on polygons
/// whose areas are known.
/// </summary>
[Collection(SyntheticRegionCollection.Name)]
public class CellCountAssessorTests(SyntheticRegionFixture region, Xunit.Abstractions.ITestOutputHelper output)
{
    private const double Tolerance = 0.002;

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<SyntheticRegionFixture, string> Classified = [];

    /// <summary>The fixture region classified by the fixture's model (once for the collection).</summary>
    private string Predictions()
    {
        lock (Classified)
        {
            if (Classified.TryGetValue(region, out var folder)) return folder;
            folder = region.NewFolder("pred");
            RegionRunner.Run(new RunRequest { RegionDirectory = region.Region, Model = region.Model, OutDirectory = folder, Config = region.Config });
            Classified.Add(region, folder);
            return folder;
        }
    }

    private string Labels => Path.Combine(region.Region, "labels");

    [Fact]
    public void RasterAgreesWithTheOverlayOnAClassifiedSyntheticRegion()
    {
        var pred = LabelReader.Read(Predictions());
        var refs = LabelReader.Read(Labels);
        var overlay = AccuracyAssessor.Assess(pred, refs);
        var raster = CellCountAssessor.Assess(pred, refs);
        output.WriteLine($"overlay OA {overlay.OverallAccuracy:F5} kappa {overlay.Kappa:F5} F1 {overlay.MacroF1:F5}; raster OA {raster.OverallAccuracy:F5} kappa {raster.Kappa:F5} F1 {raster.MacroF1:F5}");
        output.WriteLine($"95 % half-widths: overlay OA {overlay.OverallAccuracyCi95:F5}, raster {raster.OverallAccuracyCi95:F5}; "
            + string.Join(", ", overlay.PerClass.Select(kv => $"{kv.Key} UA {kv.Value.UsersAccuracyCi95:F4}/{raster.PerClass[kv.Key].UsersAccuracyCi95:F4} PA {kv.Value.ProducersAccuracyCi95:F4}/{raster.PerClass[kv.Key].ProducersAccuracyCi95:F4}")));

        // A real comparison: predictions that are good but not perfect, over several classes.
        Assert.InRange(overlay.OverallAccuracy, 0.6, 0.995);
        Assert.True(overlay.PerClass.Values.Count(c => c.ReferenceAreaM2 > 0) >= 4);
        AssertAgree(overlay, raster, Tolerance);

        // Intervals from the bootstrap of the region's sites, for both methods.
        Assert.InRange(raster.OverallAccuracyCi95, 0.005, 0.2);
        Assert.True(raster.PerClass.Values.Count(c => c.UsersAccuracyCi95 > 0 && c.ProducersAccuracyCi95 > 0) >= 4);
        Assert.Equal("site_cluster_bootstrap", overlay.IntervalMethod);

        Assert.Equal("overlay", overlay.MethodName);
        Assert.Null(overlay.CellSizeM);
        Assert.Equal("raster", raster.MethodName);
        Assert.Equal(AssessOptions.DefaultCellSizeM, raster.CellSizeM);
        Assert.StartsWith("Cell count", raster.Method);
        Assert.StartsWith("Exact overlay", overlay.Method);
    }

    [Fact]
    public void RasterAgreesWithTheOverlayOverTheHeldOutSitesOnly()
    {
        // As the demo assesses held-out sites: both label sets clipped to an area first.
        var (sites, _) = SiteReader.Read(Path.Combine(region.Region, "sites.gpkg"));
        var held = region.Training.HeldOutSites.ToHashSet();
        Assert.NotEmpty(held);
        var area = CascadedPolygonUnion.Union(sites.Where(s => held.Contains(s.Id)).Select(s => s.Geometry).ToList());
        var pred = LabelReader.Read(Predictions());
        var refs = LabelReader.Read(Labels);
        var overlay = AccuracyAssessor.Assess(pred, refs, area);
        var raster = CellCountAssessor.Assess(pred, refs, restrictTo: area);
        var all = CellCountAssessor.Assess(pred, refs);
        Assert.True(raster.ComparedAreaM2 < 0.8 * all.ComparedAreaM2, "the restriction applies");
        AssertAgree(overlay, raster, Tolerance);
    }

    [Fact]
    public void FilesAreStreamedAndTheReportKeepsEveryKey()
    {
        using var dir = new TempDir();
        var report = ReportWriter.AssessFiles(Predictions(), Labels, dir.Path, title: "test", plots: MiningLulc.Plots.ReportPlots.Instance);
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(dir.File("report.json")));
        var root = json.RootElement;
        foreach (var key in new[] { "overall_accuracy", "kappa", "macro_f1", "per_class", "confusion_matrix_m2", "classes", "by_year", "compared_area_m2", "site_clusters", "method", "assessment_method", "cell_size_m",
            "overall_accuracy_ci95", "reference_design", "interval_method", "sample_units" })
            Assert.True(root.TryGetProperty(key, out _), $"report.json lacks {key}");
        Assert.Equal("raster", root.GetProperty("assessment_method").GetString());
        Assert.Equal(5.0, root.GetProperty("cell_size_m").GetDouble());
        Assert.Equal("census", root.GetProperty("reference_design").GetString());
        Assert.Equal("site_cluster_bootstrap", root.GetProperty("interval_method").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, root.GetProperty("sample_units").ValueKind);
        Assert.Equal(report.OverallAccuracyCi95, root.GetProperty("overall_accuracy_ci95").GetDouble());
        foreach (var c in root.GetProperty("per_class").EnumerateObject())
            foreach (var key in new[] { "producers_accuracy", "users_accuracy", "f1", "reference_area_m2", "mapped_area_m2", "adjusted_area_m2", "adjusted_area_ci95_m2",
                "producers_accuracy_ci95", "users_accuracy_ci95", "sample_units" })
                Assert.True(c.Value.TryGetProperty(key, out _), $"per_class.{c.Name} lacks {key}");
        var markdown = File.ReadAllText(dir.File("report.md"));
        Assert.Contains("Method (raster, 5 m cells)", markdown);
        Assert.Contains($"95 % intervals: cluster bootstrap of sites ({AccuracyAssessor.BootstrapReplicates} resamples of {report.SiteClusters} site clusters)", markdown);
        Assert.True(File.Exists(dir.File("confusion_matrix.png")));

        // The same figures as from the in-memory lists; the overlay is still reachable from files.
        var lists = CellCountAssessor.Assess(LabelReader.Read(Predictions()), LabelReader.Read(Labels));
        Assert.Equal(lists.ConfusionMatrixM2, report.ConfusionMatrixM2);
        var overlay = ReportWriter.AssessFiles(Predictions(), Labels, Path.Combine(dir.Path, "overlay"), options: new AssessOptions { Method = AssessmentMethod.Overlay });
        Assert.Equal("overlay", overlay.MethodName);
        AssertAgree(overlay, report, Tolerance);
    }

    [Fact]
    public void AStratifiedSampleOfTheClassifiedRegionFindsItsCensusFiguresWithinItsIntervals()
    {
        // The region's map assessed twice: wholly (census), and from 40 points drawn at random in each map
        // class, each labelled with the reference class under it (Olofsson's design). The sample's estimates
        // must hold the census figures within their 95 % intervals (the seed is fixed: one fixed draw).
        var pred = LabelReader.Read(Predictions());
        var refs = LabelReader.Read(Labels);
        var census = CellCountAssessor.Assess(pred, refs);
        var sample = SampleAssessor.Assess(pred, StratifiedPoints(pred, refs, perClass: 40, seed: 11));
        output.WriteLine($"census OA {census.OverallAccuracy:F4}; sample OA {sample.OverallAccuracy:F4} ± {sample.OverallAccuracyCi95:F4}");
        foreach (var (name, c) in sample.PerClass)
            output.WriteLine($"{name}: census area {census.PerClass[name].AdjustedAreaM2:F0}, sample {c.AdjustedAreaM2:F0} ± {c.AdjustedAreaCi95M2:F0}; UA {census.PerClass[name].UsersAccuracy:F3} / {c.UsersAccuracy:F3} ± {c.UsersAccuracyCi95:F3}");

        var strata = pred.Select(p => p.Class).Distinct().Count();
        Assert.Equal(40 * strata, sample.SampleUnits);
        Assert.Equal("olofsson_stratified", sample.IntervalMethod);
        Assert.InRange(census.OverallAccuracy, sample.OverallAccuracy - sample.OverallAccuracyCi95, sample.OverallAccuracy + sample.OverallAccuracyCi95);
        foreach (var (name, c) in sample.PerClass)
        {
            // A class whose units were all right has a standard error of 0 (the estimator's own limit): 1 % of the map for it.
            var allowance = Math.Max(c.AdjustedAreaCi95M2, 0.01 * sample.ComparedAreaM2);
            Assert.True(Math.Abs(c.AdjustedAreaM2 - census.PerClass[name].AdjustedAreaM2) <= allowance, $"{name}: area {c.AdjustedAreaM2:F0} ± {allowance:F0} misses the census {census.PerClass[name].AdjustedAreaM2:F0}");
        }
    }

    /// <summary>
    /// A stratified random sample of points: <paramref name="perClass"/> per map class, uniform over its polygons
    /// (drawn in proportion to their areas in degrees², proportional to ground areas within a region), each with
    /// the class of the reference polygon under it (points without one are drawn again).
    /// </summary>
    private static List<LabelPolygon> StratifiedPoints(IReadOnlyList<LabelPolygon> map, IReadOnlyList<LabelPolygon> reference, int perClass, int seed)
    {
        var rng = new Random(seed);
        var index = new NetTopologySuite.Index.Strtree.STRtree<LabelPolygon>();
        foreach (var r in reference) index.Insert(r.Geometry.EnvelopeInternal, r);
        index.Build();
        var points = new List<LabelPolygon>();
        foreach (var stratum in map.GroupBy(p => p.Class).OrderBy(g => g.Key))
        {
            var polygons = stratum.ToList();
            var cumulative = new double[polygons.Count];
            for (var k = 0; k < polygons.Count; k++) cumulative[k] = (k > 0 ? cumulative[k - 1] : 0) + polygons[k].Geometry.Area;
            for (int drawn = 0, attempts = 0; drawn < perClass; attempts++)
            {
                Assert.True(attempts < 100_000, $"no reference under the map's {stratum.Key} polygons");
                var k = Array.BinarySearch(cumulative, rng.NextDouble() * cumulative[^1]);
                var polygon = polygons[Math.Min(k < 0 ? ~k : k, polygons.Count - 1)].Geometry;
                var e = polygon.EnvelopeInternal;
                var point = GeometryOps.Wgs84Factory.CreatePoint(new Coordinate(e.MinX + rng.NextDouble() * e.Width, e.MinY + rng.NextDouble() * e.Height));
                if (!polygon.Contains(point)) continue;
                var under = index.Query(point.EnvelopeInternal).FirstOrDefault(r => r.Geometry.Contains(point));
                if (under is null) continue;
                points.Add(new LabelPolygon(point, under.Class, under.Year, null, null, "sample"));
                drawn++;
            }
        }
        return points;
    }

    [Fact]
    public void SmallWindowsGiveTheSameCountsAsOneWindowPerGroup()
    {
        // 16-cell windows (80 m) cut every site into many windows: polygons that straddle windows
        // are burned in each, cells are counted once, and clusters still join across windows.
        var pred = LabelReader.Read(Predictions());
        var refs = LabelReader.Read(Labels);
        var whole = CellCountAssessor.Assess(pred, refs, new AssessOptions { Workers = 1 });
        var tiled = CellCountAssessor.Assess(pred, refs, new AssessOptions { WindowCells = 16, Workers = 2 });
        Assert.Contains("windows", tiled.Method);
        Assert.Equal(whole.SiteClusters, tiled.SiteClusters);
        var cellArea = AssessOptions.DefaultCellSizeM * AssessOptions.DefaultCellSizeM;
        for (var i = 0; i < ConfusionMatrix.K; i++)
            for (var j = 0; j < ConfusionMatrix.K; j++)
                Assert.InRange(tiled.ConfusionMatrixM2[i][j] - whole.ConfusionMatrixM2[i][j], -4 * cellArea, 4 * cellArea);
        Assert.Equal(whole.ComparedAreaM2, tiled.ComparedAreaM2, 8 * cellArea);
    }

    [Theory]
    [InlineData(-23.5, -70.0)] // the sample region (Atacama)
    [InlineData(0.2, 30.0)]    // equator
    [InlineData(64.0, 25.0)]   // high latitude: a degree of longitude is 49 km
    public void CellAreasAreTrueAreasOnTheEllipsoid(double lat, double lon)
    {
        // A 3 x 3 block of 300 m UTM squares (a "site" tiled by its labels), classes in a pattern;
        // predictions are the same squares shifted 37 m and 23 m with other classes. The block is
        // turned 20° so that its edges cross the cells at every offset, as real boundaries do (an
        // edge that runs along a row of cells is off by up to half a cell all along).
        var reference = Squares(lat, lon, 0, 0, c => (LulcClass)(c % 3 + 1));
        var predicted = Squares(lat, lon, 37, 23, c => (LulcClass)((c + 1) % 4 + 1));
        var overlay = AccuracyAssessor.Assess(predicted, reference);
        var raster = CellCountAssessor.Assess(predicted, reference, new AssessOptions { CellSizeM = 2 });
        // The overlap is 863 m x 877 m in UTM metres; the overlay's geodesic area says how much ground that is.
        var referenceArea = reference.Sum(r => GeodesicArea.Of(r.Geometry));
        Assert.Equal(referenceArea, raster.PerClass.Values.Sum(c => c.ReferenceAreaM2), 1e-7 * referenceArea);
        // Within 0.02 %: cells of the projection's metres in UTM's place would be off by 0.08 % or more (scale 0.9996).
        Assert.Equal(overlay.ComparedAreaM2, raster.ComparedAreaM2, 0.0002 * overlay.ComparedAreaM2);
        Assert.InRange(overlay.ComparedAreaM2 / (863.0 * 877.0), 0.995, 1.005);
        for (var i = 0; i < ConfusionMatrix.K; i++)
            for (var j = 0; j < ConfusionMatrix.K; j++)
                Assert.Equal(overlay.ConfusionMatrixM2[i][j], raster.ConfusionMatrixM2[i][j], 0.01 * 90_000);
        AssertAgree(overlay, raster, Tolerance);
        Assert.Equal(1, raster.SiteClusters); // the nine squares touch
    }

    [Fact]
    public void SitesThatDoNotTouchAreSeparateClustersEvenWhenTheirEnvelopesOverlap()
    {
        // An L-shaped site and a square inside the L's envelope, 20 m apart: one window, two clusters.
        var f = GeometryOps.Wgs84Factory;
        var utm = UtmToWgs84(-23.5, -70.0);
        Polygon P(params (double X, double Y)[] xy) => f.CreatePolygon(DensifiedRing(utm, xy));
        var l = P((0, 0), (600, 0), (600, 200), (200, 200), (200, 600), (0, 600));
        var square = P((220, 220), (600, 220), (600, 600), (220, 600));
        var reference = new List<LabelPolygon> { Label(l, LulcClass.OpenPit), Label(square, LulcClass.BareSoil) };
        var predicted = new List<LabelPolygon> { Label(P((0, 0), (600, 0), (600, 600), (0, 600)), LulcClass.OpenPit) };
        var overlay = AccuracyAssessor.Assess(predicted, reference);
        var raster = CellCountAssessor.Assess(predicted, reference);
        Assert.Equal(2, overlay.SiteClusters);
        Assert.Equal(2, raster.SiteClusters);
        Assert.Contains("(1 windows)", raster.Method);
        AssertAgree(overlay, raster, Tolerance);
        // Squares that meet without a shared vertex (overlapping by 1 m) are one cluster.
        var left = P((0, 0), (100, 0), (100, 100), (0, 100));
        var right = P((99, -50), (200, -50), (200, 150), (99, 150));
        var touching = CellCountAssessor.Assess(predicted, [Label(left, LulcClass.OpenPit), Label(right, LulcClass.Facility)]);
        Assert.Equal(1, touching.SiteClusters);
    }

    [Fact]
    public void TallySumsTheAreasOfCellsWhereBothLabelSetsHaveAClass()
    {
        // Two rows of four cells, of 10 and 1000 m².
        int[] reference = [0, 1, 1, 2, /* row 2 */ 2, 2, 1, 0];
        byte[] predicted = [3, 3, 0, 3, /* row 2 */ 7, 7, 1, 0];
        var areas = CellCountAssessor.Tally(reference, predicted, 4, [10, 1000], 2);
        // polygon 1: one cell of row 1 predicted 3 (its cell predicted 0 is not compared), one of row 2 predicted 1;
        // polygon 2: one cell of row 1 predicted 3, two of row 2 predicted 7.
        Assert.Equal([1000, 0, 10, 0, 0, 0, 0, /* polygon 2 */ 0, 0, 10, 0, 0, 0, 2000], areas);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-23.5)]
    [InlineData(64.0)]
    public void EllipsoidAreasAreGeodesicAreas(double lat)
    {
        // A cell of 0.01° x 0.01°, and a 2 km polygon with a hole, as PROJ's geod computes them.
        // The polygon's edges have vertices every 50 m at most, as label polygons made of pixels do:
        // an edge taken straight in longitude/latitude is not quite a geodesic, and the gap grows
        // with the cube of its length (2 km edges without vertices differ by 1e-6 to 1e-5).
        var f = GeometryOps.Wgs84Factory;
        var cell = f.CreatePolygon([new(10, lat), new(10.01, lat), new(10.01, lat + 0.01), new(10, lat + 0.01), new(10, lat)]);
        Assert.Equal(GeodesicArea.Of(cell), EllipsoidArea.Band(lat, lat + 0.01, 0.01), 1e-7 * GeodesicArea.Of(cell));
        Assert.Equal(GeodesicArea.Of(cell), EllipsoidArea.Of(cell), 1e-7 * GeodesicArea.Of(cell));
        var utm = UtmToWgs84(lat, 10);
        LinearRing Ring(params (double X, double Y)[] xy) => DensifiedRing(utm, xy);
        var polygon = f.CreatePolygon(Ring((0, 0), (2000, 300), (1700, 2100), (-100, 1500)), [Ring((500, 500), (900, 500), (700, 900))]);
        Assert.Equal(GeodesicArea.Of(polygon), EllipsoidArea.Of(polygon), 1e-7 * GeodesicArea.Of(polygon));
        var (perLat, perLon) = EllipsoidArea.MetresPerDegree(lat);
        Assert.Equal(EllipsoidArea.Band(lat - 0.0005, lat + 0.0005, 0.001), perLat * perLon * 1e-6, 1e-6 * perLat * perLon * 1e-6);
    }

    [Fact]
    public void OptionsAreValidatedNotRewritten()
    {
        Assert.Throws<ArgumentException>(() => new AssessOptions { CellSizeM = 0 }.Validate());
        Assert.Throws<ArgumentException>(() => new AssessOptions { WindowCells = 4 }.Validate());
        Assert.Throws<ArgumentException>(() => new AssessOptions { Workers = 0 }.Validate());
        var o = new AssessOptions { CellSizeM = 2.5 };
        Assert.Same(o, o.Validate());
        Assert.Equal(AssessmentMethod.Raster, AssessOptions.Default.Method);
    }

    /// <summary>Figures of the two methods within <paramref name="tolerance"/>; areas of the polygons identical; same clusters and years.</summary>
    internal static void AssertAgree(AccuracyReport overlay, AccuracyReport raster, double tolerance)
    {
        Assert.Equal(overlay.OverallAccuracy, raster.OverallAccuracy, tolerance);
        Assert.Equal(overlay.Kappa, raster.Kappa, tolerance);
        Assert.Equal(overlay.MacroF1, raster.MacroF1, tolerance);
        Assert.Equal(overlay.ComparedAreaM2, raster.ComparedAreaM2, 0.002 * overlay.ComparedAreaM2);
        Assert.Equal(overlay.SiteClusters, raster.SiteClusters);
        // The same clusters resampled the same way. A half-width is 1.96 x the spread of a figure over the
        // resamples, so it moves by at most 1.96 x the largest difference of that figure in one resample; a
        // resample of few small sites differs more than the whole region (0.003 for a lone site of the
        // held-out area's two): twice the figures' tolerance per resample.
        var intervalTolerance = AccuracyIntervals.Z95 * 2 * tolerance;
        Close(overlay.OverallAccuracyCi95, raster.OverallAccuracyCi95, intervalTolerance, "overall accuracy's interval");
        foreach (var (name, o) in overlay.PerClass)
        {
            var r = raster.PerClass[name];
            Close(o.ProducersAccuracy, r.ProducersAccuracy, tolerance, name);
            Close(o.UsersAccuracy, r.UsersAccuracy, tolerance, name);
            Close(o.ProducersAccuracyCi95, r.ProducersAccuracyCi95, intervalTolerance, $"{name}: producer's accuracy's interval");
            Close(o.UsersAccuracyCi95, r.UsersAccuracyCi95, intervalTolerance, $"{name}: user's accuracy's interval");
            Close(o.F1, r.F1, tolerance, name);
            // Polygon areas: geodesic (overlay) and authalic (cell count) agree to 1e-6.
            Assert.Equal(o.ReferenceAreaM2, r.ReferenceAreaM2, 1e-6 * Math.Max(1, o.ReferenceAreaM2));
            Assert.Equal(o.MappedAreaM2, r.MappedAreaM2, 1e-6 * Math.Max(1, o.MappedAreaM2));
            Assert.Equal(o.AdjustedAreaM2, r.AdjustedAreaM2, 0.005 * Math.Max(1, o.AdjustedAreaM2) + 100);
        }
        Assert.Equal(overlay.ByYear.Keys.Order(), raster.ByYear.Keys.Order());
        foreach (var (year, o) in overlay.ByYear)
        {
            Close(o.OverallAccuracy, raster.ByYear[year].OverallAccuracy, tolerance, year);
            Close(o.Kappa, raster.ByYear[year].Kappa, tolerance, year);
        }
    }

    private static void Close(double expected, double actual, double tolerance, string what)
    {
        if (double.IsNaN(expected)) Assert.True(double.IsNaN(actual), $"{what}: expected NaN, got {actual}");
        else Assert.True(Math.Abs(expected - actual) <= tolerance, $"{what}: {expected} vs {actual}");
    }

    private static LabelPolygon Label(Geometry g, LulcClass c, int? year = 2020) => new(g, c, year, null, null, "test");

    /// <summary>A ring through UTM points (metres), a vertex every 50 m at most, in EPSG:4326.</summary>
    private static LinearRing DensifiedRing(Func<double, double, (double, double)> utm, (double X, double Y)[] xy)
    {
        var ring = new List<Coordinate>();
        for (var e = 0; e < xy.Length; e++)
        {
            var (ax, ay) = xy[e];
            var (bx, by) = xy[(e + 1) % xy.Length];
            var steps = (int)Math.Ceiling(Math.Sqrt((bx - ax) * (bx - ax) + (by - ay) * (by - ay)) / 50);
            for (var s = 0; s < steps; s++) { var (x, y) = utm(ax + (bx - ax) * s / steps, ay + (by - ay) * s / steps); ring.Add(new Coordinate(x, y)); }
        }
        ring.Add(ring[0].Copy());
        return GeometryOps.Wgs84Factory.CreateLinearRing(ring.ToArray());
    }

    /// <summary>UTM metres (relative to a point at lat/lon) to EPSG:4326.</summary>
    private static Func<double, double, (double, double)> UtmToWgs84(double lat, double lon)
    {
        var utm = SpatialReference.FromEpsg(SpatialReference.UtmEpsgFor(lon, lat));
        var wgs84 = SpatialReference.Wgs84();
        var (x0, y0) = new CoordinateTransform(wgs84, utm).Transform(lon, lat);
        var back = new CoordinateTransform(utm, wgs84);
        return (x, y) => back.Transform(x0 + x, y0 + y);
    }

    private static readonly double Cos20 = Math.Cos(20 * Math.PI / 180), Sin20 = Math.Sin(20 * Math.PI / 180);

    private static List<LabelPolygon> Squares(double lat, double lon, double dx, double dy, Func<int, LulcClass> cls)
    {
        var utm = UtmToWgs84(lat, lon);
        var f = GeometryOps.Wgs84Factory;
        var result = new List<LabelPolygon>();
        for (var row = 0; row < 3; row++)
            for (var col = 0; col < 3; col++)
            {
                // Densified edges (10 m steps), as label polygons from pixels have many vertices.
                var ring = new List<Coordinate>();
                double x0 = dx + col * 300, y0 = dy + row * 300;
                (double, double)[] corners = [(x0, y0), (x0 + 300, y0), (x0 + 300, y0 + 300), (x0, y0 + 300)];
                for (var e = 0; e < 4; e++)
                {
                    var (ax, ay) = corners[e];
                    var (bx, by) = corners[(e + 1) % 4];
                    for (var s = 0; s < 30; s++)
                    {
                        double u = ax + (bx - ax) * s / 30, v = ay + (by - ay) * s / 30;
                        var (x, y) = utm(u * Cos20 - v * Sin20, u * Sin20 + v * Cos20);
                        ring.Add(new Coordinate(x, y));
                    }
                }
                ring.Add(ring[0].Copy());
                result.Add(Label(f.CreatePolygon(ring.ToArray()), cls(row * 3 + col), 2019 + row % 2));
            }
        return result;
    }
}
