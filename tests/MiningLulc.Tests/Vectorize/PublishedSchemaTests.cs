using MiningLulc.Align;
using MiningLulc.Geo;
using MiningLulc.Vectorize;
using NetTopologySuite.Geometries;

namespace MiningLulc.Tests.Vectorize;

public class PublishedSchemaTests
{
    /// <summary>n tiny square regions in EPSG:4326 (synthetic), one per site, in site order.</summary>
    private static List<GpkgTileWriter.NumberedRegion> Regions(int n)
    {
        var f = GeometryOps.Wgs84Factory;
        return Enumerable.Range(0, n).Select(i =>
        {
            var x = -70 + (i % 100) * 0.001;
            var y = -23 + (i / 100) * 0.001;
            var square = f.CreatePolygon([new(x, y), new(x + 0.0005, y), new(x + 0.0005, y + 0.0005), new(x, y + 0.0005), new(x, y)]);
            var r = new ClassRegion(i / 10, i % 10, 0, (LulcClass)(1 + i % 7), f.CreateMultiPolygon([square]), GeodesicArea.Of(square), 2016 + i % 7);
            return new GpkgTileWriter.NumberedRegion(i + 1, r);
        }).ToList();
    }

    [Fact]
    public void AFailureWhileWritingLeavesNoFileBehindNeitherFinalNorTemporary()
    {
        using var tmp = new TempDir();
        // The features stream from stored site results; one of them turns out unreadable mid-file.
        IEnumerable<GpkgTileWriter.NumberedRegion> Failing()
        {
            foreach (var r in Regions(5010).Take(5003)) yield return r;
            throw new MiningLulcException("the stored result of site 500 disappeared");
        }
        Assert.Throws<MiningLulcException>(() => GpkgTileWriter.Write(tmp.Path, "andes", Failing()));
        // The first file was complete and is in place; the second was not, and nothing of it remains.
        Assert.Equal(["andes_001.gpkg"], Directory.EnumerateFiles(tmp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void FilesHoldAtMost5000FeaturesInThePublishedSchemaWithUniqueIndexN()
    {
        using var tmp = new TempDir();
        var files = GpkgTileWriter.Write(tmp.Path, "andes", Regions(5001));
        Assert.Equal([tmp.File("andes_001.gpkg"), tmp.File("andes_002.gpkg")], files);
        var indexN = new List<long>();
        var counts = new List<int>();
        foreach (var file in files)
        {
            Assert.Empty(PublishedSchemaValidator.Check(file));
            using var ds = VectorDataset.Open(file);
            var layer = ds.Layer(0);
            Assert.Equal(Path.GetFileNameWithoutExtension(file), layer.Name);
            Assert.Equal(("fid", "geom"), (layer.FidColumn, layer.GeometryColumn));
            Assert.Equal(["index_n", "class_name", "area_m2", "year"], layer.Fields.Select(x => x.Name));
            Assert.Equal([FieldType.Integer64, FieldType.String, FieldType.Real, FieldType.Integer64], layer.Fields.Select(x => x.Type));
            var features = layer.Features(GeometryOps.Wgs84Factory).ToList();
            counts.Add(features.Count);
            Assert.Equal(Enumerable.Range(1, features.Count).Select(i => (long)i), features.Select(x => x.Fid));
            Assert.All(features, x => Assert.IsType<MultiPolygon>(x.Geometry));
            indexN.AddRange(features.Select(x => x.GetInt64("index_n")!.Value));
        }
        Assert.Equal([5000, 1], counts);
        Assert.Equal(Enumerable.Range(1, 5001).Select(i => (long)i), indexN);
    }

    [ToolFact("python3", "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py")]
    public void GdalsValidatorAcceptsTheFiles()
    {
        using var tmp = new TempDir();
        var file = GpkgTileWriter.Write(tmp.Path, "r", Regions(30)).Single();
        var (code, output) = Tools.Run("python3", "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py", file);
        Assert.True(code == 0, output);
    }

    [Fact]
    public void SameInputsGiveByteIdenticalFiles()
    {
        using var a = new TempDir();
        using var b = new TempDir();
        var fa = GpkgTileWriter.Write(a.Path, "r", Regions(50)).Single();
        var fb = GpkgTileWriter.Write(b.Path, "r", Regions(50)).Single();
        Assert.Equal(File.ReadAllBytes(fa), File.ReadAllBytes(fb));
        var za = GpkgTileWriter.Zip(a.Path, "r", [fa]);
        var zb = GpkgTileWriter.Zip(b.Path, "r", [fb]);
        Assert.Equal(File.ReadAllBytes(za), File.ReadAllBytes(zb));
    }

    [Fact]
    public void ValidatorReportsWhatIsWrong()
    {
        using var tmp = new TempDir();
        var path = tmp.File("bad.gpkg");
        using (var ds = VectorDataset.Create(path))
        {
            using var utm = SpatialReference.FromEpsg(32719);
            var layer = ds.CreateLayer("other", utm, 3);
            layer.CreateField("class_name", FieldType.String);
            ds.InTransaction(() => layer.Write(-1, ["Open Pit!"], new GeometryFactory().CreatePolygon([new(0, 0), new(1, 0), new(1, 1), new(0, 0)])));
        }
        var problems = PublishedSchemaValidator.Check(path);
        Assert.Contains(problems, p => p.Contains("layer is named 'other'"));
        Assert.Contains(problems, p => p.Contains("EPSG:4326"));
        Assert.Contains(problems, p => p.Contains("fields are"));
        Assert.Contains(problems, p => p.Contains("'Open Pit!'"));
    }

    [Theory]
    [InlineData("POLYGON ((2 1, 5 1, 5 2, 3 2, 3 4, 1 4, 1 2, 2 2, 2 1))", 1, 2)]
    [InlineData("POLYGON ((0 0, 3 0, 3 3, 0 3, 0 0), (1 1, 2 1, 2 2, 1 2, 1 1))", 0, 0)]
    [InlineData("POLYGON ((4 3, 5 3, 5 5, 0 5, 0 4, 4 4, 4 3))", 3, 4)]
    public void FirstPixelIsTheTopLeftPixelInRowMajorOrder(string pixelPolygonWkt, int row, int col)
    {
        var g = new NetTopologySuite.IO.WKTReader().Read(pixelPolygonWkt);
        Assert.Equal((row, col), SitePolygonizer.FirstPixel(g));
    }

    [Fact]
    public void PolygonizedRegionsAreClippedToTheSiteOrderedAndSumToItsArea()
    {
        // A synthetic 8x6 class raster on a 10 m UTM grid, and a site polygon cutting through pixels.
        using var utm = SpatialReference.FromEpsg(32719);
        var grid = new SiteGrid(8, 6, GeoTransform.NorthUp(400000, 7450000, 10, 10), utm.ToWkt(), new Window(0, 0, 8, 6));
        byte[] classes =
        [
            0, 1, 1, 3, 3, 3, 3, 0,
            1, 1, 1, 3, 2, 2, 3, 0,
            1, 1, 3, 3, 2, 2, 3, 6,
            6, 6, 3, 3, 3, 3, 3, 6,
            6, 6, 6, 6, 7, 7, 6, 6,
            0, 6, 6, 6, 6, 6, 6, 0,
        ];
        var site = new GeometryFactory().CreatePolygon([new(400003, 7449997), new(400077, 7449997), new(400077, 7449943), new(400003, 7449943), new(400003, 7449997)]);
        var regions = new SitePolygonizer(new VectorizeSettings()).Polygonize(classes, grid, site, 7, 2020);

        // The 6s form one 4-connected region (through row 4 and 5), first seen at (2, 7).
        Assert.Equal([(0, 1), (0, 3), (1, 4), (2, 7), (4, 4)], regions.Select(r => (r.Row, r.Column)));
        Assert.Equal([LulcClass.OpenPit, LulcClass.GeneralDisturbedLand, LulcClass.WasteDumpingSite, LulcClass.BareSoil, LulcClass.Vegetation],
            regions.Select(r => r.Class));
        Assert.All(regions, r => Assert.True(r.Geometry.IsValid));
        Assert.All(regions, r => Assert.Equal(2020, r.Year));
        // The clipped pieces tile the site minus its unclassified pixels: the four corners overlap it
        // by 7 x 7 m, pixel (1, 7) by 7 x 10 m. Geodesic area = UTM area / k², k = 0.99972 at 100 km from the central meridian.
        var unclassified = 4 * 7 * 7 + 7 * 10;
        var k = 0.9996 * (1 + 100_000.0 * 100_000.0 / (2 * 6_371_000.0 * 6_371_000.0));
        Assert.Equal((74 * 54 - unclassified) / (k * k), regions.Sum(r => r.AreaM2), 0.5);
    }

    [Fact]
    public void EightConnectedRegionsThatTouchThemselvesAreRepairedAndClipped()
    {
        // A synthetic diagonal pattern: under 8-connectivity each diagonal is one region whose
        // pixels meet only at corners (an invalid polygon for OGC); the site cuts through them.
        using var utm = SpatialReference.FromEpsg(32719);
        var grid = new SiteGrid(6, 6, GeoTransform.NorthUp(400000, 7450000, 10, 10), utm.ToWkt(), new Window(0, 0, 6, 6));
        var classes = new byte[36];
        for (var r = 0; r < 6; r++) for (var c = 0; c < 6; c++) classes[r * 6 + c] = (byte)((r + c) % 2 == 0 ? 1 : 6);
        var site = new GeometryFactory().CreatePolygon([new(400005, 7449995), new(400055, 7449995), new(400055, 7449945), new(400005, 7449945), new(400005, 7449995)]);
        var regions = new SitePolygonizer(new VectorizeSettings { Connectivity = 8 }).Polygonize(classes, grid, site, 1, 2020);
        Assert.Equal(2, regions.Count);
        Assert.All(regions, r => Assert.True(r.Geometry.IsValid));
        var k = 0.9996 * (1 + 100_000.0 * 100_000.0 / (2 * 6_371_000.0 * 6_371_000.0));
        Assert.Equal(50 * 50 / (k * k), regions.Sum(r => r.AreaM2), 0.5);
    }
}
