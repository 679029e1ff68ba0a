using System.IO.Compression;
using MiningLulc.Assessment;
using MiningLulc.Catalog;
using MiningLulc.Cli;
using MiningLulc.Geo;
using MiningLulc.Pipeline;
using NetTopologySuite.Geometries;

namespace MiningLulc.Tests.Faults;

/// <summary>
/// Label files whose geometry blobs cannot be read (damaged WKB) and reference labels without the
/// schema's <c>year</c>: reported, never silently dropped or assumed. Labels are synthetic squares.
/// </summary>
public class UnreadableLabelTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    [Fact]
    public void AnUnreadableGeometryIsCountedWithItsFidNotDropped()
    {
        using var dir = new TempDir();
        var path = dir.File("labels.gpkg");
        WriteLabels(path, 5, year: true);
        Assert.True(Damage.CorruptGeometryBlob(path, 2));

        var log = new LabelReadLog();
        var read = LabelReader.Read(path, log);
        Assert.Equal(4, read.Count);
        var lost = Enumerable.Range(1, 5).Select(i => (long)i).Except(read.Select(l => l.IndexN!.Value)).Single();
        Assert.Equal(1, log.Count);
        var warning = Assert.Single(log.Warnings);
        Assert.StartsWith($"{path}: 1 feature(s) left out because their geometry cannot be read (first: fid {lost}, ", warning);

        // The reader that returns everything refuses instead of returning less.
        var e = Assert.Throws<InvalidInputException>(() => LabelReader.Read(path));
        Assert.Contains($"fid {lost}", e.Message);
        // The feature itself says why it has no geometry.
        using var ds = VectorDataset.Open(path);
        var feature = ds.Layer(0).Features(GeometryOps.Wgs84Factory).Single(f => f.Fid == lost);
        Assert.Null(feature.Geometry);
        Assert.NotNull(feature.GeometryError);
    }

    [Theory]
    [InlineData(AssessmentMethod.Raster)]
    [InlineData(AssessmentMethod.Overlay)]
    public void AssessReportsUnreadableReferenceGeometriesInTheReport(AssessmentMethod method)
    {
        using var dir = new TempDir();
        WriteLabels(dir.File("pred.gpkg"), 5, year: true);
        WriteLabels(dir.File("ref.gpkg"), 5, year: true);
        Assert.True(Damage.CorruptGeometryBlob(dir.File("ref.gpkg"), 0));

        var report = ReportWriter.AssessFiles(dir.File("pred.gpkg"), dir.File("ref.gpkg"), dir.File("report"), options: new AssessOptions { Method = method });
        var warning = Assert.Single(report.Warnings);
        Assert.StartsWith(dir.File("ref.gpkg") + ": 1 feature(s) left out", warning);
        Assert.Contains(warning, File.ReadAllText(Path.Combine(dir.File("report"), "report.md")));
        Assert.Equal(report.Warnings, AccuracyReport.FromJson(File.ReadAllText(Path.Combine(dir.File("report"), "report.json"))).Warnings);
        Assert.True(report.OverallAccuracy > 0.99, $"the four readable squares still agree: {report.OverallAccuracy}");
    }

    [Fact]
    public void TheAssessCommandPrintsTheWarningAndExits0()
    {
        using var dir = new TempDir();
        WriteLabels(dir.File("pred.gpkg"), 4, year: true);
        WriteLabels(dir.File("ref.gpkg"), 4, year: true);
        Assert.True(Damage.CorruptGeometryBlob(dir.File("pred.gpkg"), 1));
        var (code, _, stderr) = CliChild.Run(Limit, "assess", "--pred", dir.File("pred.gpkg"), "--ref", dir.File("ref.gpkg"), "--out", dir.File("out"));
        Assert.True(code == 0, stderr);
        Assert.Contains($"warning: {dir.File("pred.gpkg")}: 1 feature(s) left out", stderr);
    }

    [Fact]
    public void ReferenceLabelsWithoutYearAreBadInputNamingTheFileAndTheField()
    {
        using var dir = new TempDir();
        WriteLabels(dir.File("pred.gpkg"), 3, year: true);
        WriteLabels(dir.File("ref.gpkg"), 3, year: false);
        foreach (var method in new[] { AssessmentMethod.Raster, AssessmentMethod.Overlay })
        {
            var e = Assert.Throws<InvalidInputException>(() =>
                ReportWriter.AssessFiles(dir.File("pred.gpkg"), dir.File("ref.gpkg"), dir.File("report"), options: new AssessOptions { Method = method }));
            Assert.StartsWith(dir.File("ref.gpkg") + ": layer ref has no 'year' field", e.Message);
        }
        Assert.False(File.Exists(Path.Combine(dir.File("report"), "report.json")));
        var (code, _, stderr) = CliChild.Run(Limit, "assess", "--pred", dir.File("pred.gpkg"), "--ref", dir.File("ref.gpkg"), "--out", dir.File("out"));
        Assert.Equal((int)ExitCode.BadInput, code);
        Assert.Contains("ref.gpkg", stderr);
        Assert.Contains("'year'", stderr);
        // Predictions need no year: the report groups by the reference's.
        WriteLabels(dir.File("pred-no-year.gpkg"), 3, year: false);
        WriteLabels(dir.File("ref-year.gpkg"), 3, year: true);
        Assert.Equal(1.0, ReportWriter.AssessFiles(dir.File("pred-no-year.gpkg"), dir.File("ref-year.gpkg"), dir.File("report2")).OverallAccuracy, 3);
    }

    /// <summary>
    /// <paramref name="count"/> 100 m squares in a row near 23.5° S 70° W, classes cycling, fid = index_n = 1..count,
    /// each with year 2020 (or no year field at all).
    /// </summary>
    internal static void WriteLabels(string path, int count, bool year)
    {
        using var utm = SpatialReference.FromEpsg(32719);
        using var wgs84 = SpatialReference.Wgs84();
        using var t = new CoordinateTransform(utm, wgs84);
        using var ds = VectorDataset.Create(path);
        var layer = ds.CreateLayer(Path.GetFileNameWithoutExtension(path), wgs84, 6);
        layer.CreateField("index_n", FieldType.Integer64);
        layer.CreateField("class_name", FieldType.String);
        if (year) layer.CreateField("year", FieldType.Integer64);
        ds.InTransaction(() =>
        {
            for (var i = 1; i <= count; i++)
            {
                var x0 = 400_000 + i * 150.0;
                var ring = new[] { (x0, 7_400_000.0), (x0 + 100, 7_400_000.0), (x0 + 100, 7_400_100.0), (x0, 7_400_100.0), (x0, 7_400_000.0) }
                    .Select(p => { var (lon, lat) = t.Transform(p.Item1, p.Item2); return new Coordinate(lon, lat); }).ToArray();
                var square = GeometryOps.Wgs84Factory.CreateMultiPolygon([GeometryOps.Wgs84Factory.CreatePolygon(ring)]);
                object?[] values = year ? [(long)i, LulcClasses.Names[i % 7], 2020L] : [(long)i, LulcClasses.Names[i % 7]];
                layer.Write(i, values, square);
            }
        });
    }
}

/// <summary>Training on labels with an unreadable geometry: trained on the rest, and told (synthetic region).</summary>
[Collection(SyntheticRegionCollection.Name)]
public class UnreadableTrainingLabelTests(SyntheticRegionFixture fixture)
{
    [Fact]
    public void TrainingReportsLabelFeaturesItCouldNotRead()
    {
        var region = fixture.CopyOfRegion("bad-wkb");
        var labels = Path.Combine(region, "labels");
        var zip = Directory.GetFiles(labels, "*.zip").Single();
        ZipFile.ExtractToDirectory(zip, labels);
        File.Delete(zip);
        var gpkg = Directory.GetFiles(labels, "*.gpkg", SearchOption.AllDirectories).First();
        Assert.True(Damage.CorruptGeometryBlob(gpkg, 3));

        var result = TrainingRunner.Train(new TrainRequest { Regions = [region], Config = fixture.Config with { Training = fixture.Config.Training with { Trees = 10 } } });
        var warning = Assert.Single(result.Warnings);
        Assert.StartsWith(gpkg + ": 1 feature(s) left out because their geometry cannot be read (first: fid ", warning);
        Assert.NotEmpty(result.TrainingSites);
    }
}
