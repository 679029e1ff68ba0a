using MiningLulc.Catalog;
using MiningLulc.Cli;
using MiningLulc.Geo;
using NetTopologySuite.Geometries;

namespace MiningLulc.Tests.Assessment;

/// <summary>`mining-lulc assess` in a child process: the method is chosen on the command line and named in the report.</summary>
public class AssessCommandTests
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "mining-lulc.dll");

    private static (int Code, string Output) Cli(params string[] args) => Tools.Run("dotnet", [Dll, .. args]);

    [Fact]
    public void TheMethodIsAnOptionAndTheReportNamesIt()
    {
        using var dir = new TempDir();
        // Reference: two 200 m squares (pit, dump); prediction: one 400 m x 200 m pit over both, shifted 50 m.
        Write(dir.File("ref.gpkg"), [(Square(0, 0, 200, 200), "Open pit"), (Square(200, 0, 400, 200), "Waste dumping site")]);
        Write(dir.File("pred.gpkg"), [(Square(50, 0, 450, 200), "Open pit")]);

        var (code, output) = Cli("assess", "--pred", dir.File("pred.gpkg"), "--ref", dir.File("ref.gpkg"), "--out", dir.File("raster"));
        Assert.True(code == 0, output);
        var (code2, output2) = Cli("assess", "--pred", dir.File("pred.gpkg"), "--ref", dir.File("ref.gpkg"), "--out", dir.File("overlay"), "--method", "overlay");
        Assert.True(code2 == 0, output2);

        var raster = AccuracyReportFrom(dir.File("raster"));
        var overlay = AccuracyReportFrom(dir.File("overlay"));
        Assert.Equal("raster", raster.MethodName);
        Assert.Equal(5.0, raster.CellSizeM);
        Assert.Equal("overlay", overlay.MethodName);
        Assert.Contains("Method (overlay)", File.ReadAllText(Path.Combine(dir.File("overlay"), "report.md")));
        // Compared: 350 m x 200 m, of which the pit part (150 m) agrees: OA = 150 / 350.
        Assert.Equal(150.0 / 350, overlay.OverallAccuracy, 0.002);
        Assert.Equal(overlay.OverallAccuracy, raster.OverallAccuracy, 0.002);
        Assert.Equal(overlay.ComparedAreaM2, raster.ComparedAreaM2, 0.002 * overlay.ComparedAreaM2);
    }

    [Fact]
    public void AReferenceOfPointsIsAssessedAsASampleWhenTheUserSaysSo()
    {
        using var dir = new TempDir();
        // The synthetic map and hand-placed sample of SampleAssessorTests, as GeoPackages (points and one plot).
        WriteLabels(dir.File("pred.gpkg"), SampleAssessorTests.Map(), 6);
        WriteLabels(dir.File("points.gpkg"), SampleAssessorTests.Sample().Where(l => l.Geometry is Point).ToList(), 1);
        WriteLabels(dir.File("plots.gpkg"), SampleAssessorTests.Sample().Where(l => l.Geometry is not Point).ToList(), 0); // MultiPoint and Polygon
        var refs = Directory.CreateDirectory(dir.File("ref")).FullName;
        foreach (var f in new[] { "points.gpkg", "plots.gpkg" }) File.Move(dir.File(f), Path.Combine(refs, f));

        // Without saying so, points are refused with the way out, and nothing is written.
        var (refused, why) = Cli("assess", "--pred", dir.File("pred.gpkg"), "--ref", refs, "--out", dir.File("census"));
        Assert.Equal((int)ExitCode.BadInput, refused);
        Assert.Contains("--reference-sample", why);
        Assert.False(File.Exists(Path.Combine(dir.File("census"), "report.json")));

        var (code, output) = Cli("assess", "--pred", dir.File("pred.gpkg"), "--ref", refs, "--out", dir.File("sample"), "--reference-sample");
        Assert.True(code == 0, output);
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.File("sample"), "report.json")));
        var root = json.RootElement;
        Assert.Equal("sample", root.GetProperty("reference_design").GetString());
        Assert.Equal("olofsson_stratified", root.GetProperty("interval_method").GetString());
        Assert.Equal(37, root.GetProperty("sample_units").GetInt32());
        var inMemory = MiningLulc.Assessment.SampleAssessor.Assess(SampleAssessorTests.Map(), SampleAssessorTests.Sample());
        Assert.Equal(inMemory.OverallAccuracy, root.GetProperty("overall_accuracy").GetDouble(), 1e-9);
        Assert.Equal(inMemory.OverallAccuracyCi95, root.GetProperty("overall_accuracy_ci95").GetDouble(), 1e-9);
        var pit = root.GetProperty("per_class").GetProperty("Open pit");
        Assert.Equal(11, pit.GetProperty("sample_units").GetInt32());
        Assert.Equal(inMemory.PerClass["Open pit"].ProducersAccuracyCi95, pit.GetProperty("producers_accuracy_ci95").GetDouble(), 1e-9);
        Assert.Contains("95 % intervals: Olofsson et al. (2014) stratified estimator", File.ReadAllText(Path.Combine(dir.File("sample"), "report.md")));
        Assert.Contains("outside the map", output); // the off-map unit is a warning on stderr too

        // The area-by-area options do not apply to a sample: refused rather than ignored.
        var (both, message) = Cli("assess", "--pred", dir.File("pred.gpkg"), "--ref", refs, "--out", dir.File("x"), "--reference-sample", "--method", "overlay");
        Assert.Equal((int)ExitCode.BadInput, both);
        Assert.Contains("--reference-sample", message);
    }

    [Theory]
    [InlineData("--method", "exact")]
    [InlineData("--cell-size", "0")]
    [InlineData("--workers", "0")]
    public void BadOptionsAreExitCode2(string option, string value)
    {
        using var dir = new TempDir();
        var (code, output) = Cli("assess", "--pred", dir.Path, "--ref", dir.Path, "--out", dir.File("out"), option, value);
        Assert.Equal((int)ExitCode.BadInput, code);
        Assert.True(output.Contains(option) || output.Contains($"'{value}'"), output); // names the option or the bad value
        Assert.False(Directory.Exists(dir.File("out")));
    }

    private static MiningLulc.Assessment.AccuracyReport AccuracyReportFrom(string folder) =>
        MiningLulc.Assessment.AccuracyReport.FromJson(File.ReadAllText(Path.Combine(folder, "report.json")));

    /// <summary>A rectangle in UTM zone 19 S metres (near 23.5° S 70° W), as an EPSG:4326 polygon with a vertex every 10 m.</summary>
    private static Polygon Square(double x0, double y0, double x1, double y1)
    {
        using var utm = SpatialReference.FromEpsg(32719);
        using var wgs84 = SpatialReference.Wgs84();
        using var t = new CoordinateTransform(utm, wgs84);
        (double, double)[] corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)];
        var ring = new List<Coordinate>();
        for (var e = 0; e < 4; e++)
        {
            var (ax, ay) = corners[e];
            var (bx, by) = corners[(e + 1) % 4];
            var steps = (int)Math.Ceiling(Math.Max(Math.Abs(bx - ax), Math.Abs(by - ay)) / 10);
            for (var s = 0; s < steps; s++)
            {
                var (lon, lat) = t.Transform(400_000 + ax + (bx - ax) * s / steps, 7_400_000 + ay + (by - ay) * s / steps);
                ring.Add(new Coordinate(lon, lat));
            }
        }
        ring.Add(ring[0].Copy());
        return GeometryOps.Wgs84Factory.CreatePolygon(ring.ToArray());
    }

    /// <summary>Labels of any geometry type (OGR type code) with class_name and year.</summary>
    private static void WriteLabels(string path, IReadOnlyList<LabelPolygon> labels, int geometryType)
    {
        using var wgs84 = SpatialReference.Wgs84();
        using var ds = VectorDataset.Create(path);
        var layer = ds.CreateLayer(Path.GetFileNameWithoutExtension(path), wgs84, geometryType);
        layer.CreateField("class_name", FieldType.String);
        layer.CreateField("year", FieldType.Integer64);
        foreach (var l in labels) layer.Write(-1, new object?[] { LulcClasses.Names[(int)l.Class - 1], 2020L }, l.Geometry);
    }

    /// <summary>A GeoPackage of labels in the published schema's essentials (class_name, year).</summary>
    private static void Write(string path, IReadOnlyList<(Polygon Geometry, string Class)> labels)
    {
        using var wgs84 = SpatialReference.Wgs84();
        using var ds = VectorDataset.Create(path);
        var layer = ds.CreateLayer(Path.GetFileNameWithoutExtension(path), wgs84, 6);
        layer.CreateField("class_name", FieldType.String);
        layer.CreateField("year", FieldType.Integer64);
        foreach (var (g, c) in labels)
            layer.Write(-1, new object?[] { c, 2020L }, GeometryOps.Wgs84Factory.CreateMultiPolygon([g]));
        _ = LabelReader.Read(path); // readable as labels
    }
}
