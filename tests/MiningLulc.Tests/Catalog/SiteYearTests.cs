using MiningLulc.Catalog;
using MiningLulc.Geo;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace MiningLulc.Tests.Catalog;

/// <summary>Site year resolution on a hand-made (synthetic) TIME tile: 0.001° pixels near 0 N, 10 E.</summary>
public class SiteYearTests
{
    private const double Step = 0.001;
    private static readonly WKTReader Wkt = new(GeometryOps.Wgs84Factory.GeometryServices);

    /// <summary>A 100x100 TIME raster: 2018.5 in the west half, 2021.25 in the east half, voids where asked.</summary>
    private static string TimeTile(TempDir tmp, Func<int, int, bool>? isVoid = null)
    {
        var path = tmp.File("N00E010_TIME.tif");
        using var ds = RasterDataset.Create(path, new RasterProfile
        {
            Width = 100,
            Height = 100,
            Transform = GeoTransform.NorthUp(10, 0.1, Step, Step),
            CrsWkt = SpatialReference.Wgs84().ToWkt(),
            NoData = 0,
        });
        var v = new float[100 * 100];
        for (var r = 0; r < 100; r++)
            for (var c = 0; c < 100; c++)
                v[r * 100 + c] = isVoid?.Invoke(r, c) == true ? 0 : c < 50 ? 2018.5f : 2021.25f;
        ds.Write(1, ds.FullWindow, v.AsSpan());
        return path;
    }

    private static Site Site(string wkt) => new(1, Wkt.Read(wkt));

    [Fact]
    public void YearIsTheFloorOfTheStampAtTheCentroid()
    {
        using var tmp = new TempDir();
        using var resolver = new SiteYearResolver([TimeTile(tmp)], 0);
        Assert.Equal(2018.5, resolver.Resolve(Site("POLYGON ((10.01 0.05, 10.02 0.05, 10.02 0.06, 10.01 0.06, 10.01 0.05))")).Stamp!.Value, 5);
        Assert.Equal(2021.25, resolver.Resolve(Site("POLYGON ((10.07 0.05, 10.08 0.05, 10.08 0.06, 10.07 0.06, 10.07 0.05))")).Stamp!.Value, 5);
    }

    [Fact]
    public void VoidAtTheCentroidTakesTheNearestValidStampInsideTheSite()
    {
        using var tmp = new TempDir();
        // Void everywhere except a column of pixels in the east half (c = 60).
        using var resolver = new SiteYearResolver([TimeTile(tmp, (r, c) => c != 60 && c != 20)], 0);
        var site = Site("POLYGON ((10.045 0.04, 10.065 0.04, 10.065 0.06, 10.045 0.06, 10.045 0.04))"); // centroid at c = 55
        Assert.Equal(2021.25, resolver.Resolve(site).Stamp!.Value, 5);
    }

    [Fact]
    public void CentroidOutsideAConcaveSiteUsesTheNearestStampInsideTheSite()
    {
        using var tmp = new TempDir();
        using var resolver = new SiteYearResolver([TimeTile(tmp)], 0);
        // A U: thin west arm (2018 half), thick east arm (2021 half), bar at the bottom. Its centroid
        // (10.0565, 0.0475) lies in the notch; the nearest pixel centre inside is on the east arm.
        var u = Site("POLYGON ((10.040 0.02, 10.070 0.02, 10.070 0.08, 10.058 0.08, 10.058 0.03, 10.046 0.03, 10.046 0.08, 10.040 0.08, 10.040 0.02))");
        Assert.False(u.Geometry.Contains(u.Geometry.Centroid));
        Assert.Equal(10.0565, u.Geometry.Centroid.X, 4);
        Assert.Equal(2021.25, resolver.Resolve(u).Stamp!.Value, 5);
    }

    [Fact]
    public void NoValidStampMeansNoYearWithAReason()
    {
        using var tmp = new TempDir();
        using var resolver = new SiteYearResolver([TimeTile(tmp, (_, _) => true)], 0);
        var (stamp, reason) = resolver.Resolve(Site("POLYGON ((10.01 0.05, 10.02 0.05, 10.02 0.06, 10.01 0.06, 10.01 0.05))"));
        Assert.Null(stamp);
        Assert.Contains("no valid DCM time stamp", reason);
        var (outside, why) = resolver.Resolve(Site("POLYGON ((20 5, 20.01 5, 20.01 5.01, 20 5.01, 20 5))"));
        Assert.Null(outside);
        Assert.Contains("outside", why);
    }

    [Fact]
    public void SiteReaderRepairsReportsAndRejectsDuplicates()
    {
        using var tmp = new TempDir();
        var path = tmp.File("sites.gpkg");
        using (var ds = VectorDataset.Create(path))
        {
            using var utm = SpatialReference.FromEpsg(32633); // any CRS: the reader moves sites to EPSG:4326
            var layer = ds.CreateLayer("sites", utm, 0);
            layer.CreateField("site_id", FieldType.Integer64);
            var f = new GeometryFactory();
            ds.InTransaction(() =>
            {
                layer.Write(-1, [3L], f.CreatePolygon([new(500000, 0), new(501000, 0), new(501000, 1000), new(500000, 1000), new(500000, 0)]));
                layer.Write(-1, [1L], f.CreatePolygon([new(500000, 2000), new(501000, 3000), new(501000, 2000), new(500000, 3000), new(500000, 2000)])); // bow tie
                layer.Write(-1, [2L], f.CreatePoint(new Coordinate(500000, 5000)));
                layer.Write(-1, [null], f.CreatePolygon([new(0, 0), new(1, 0), new(1, 1), new(0, 0)]));
            });
        }
        var (sites, problems) = SiteReader.Read(path);
        Assert.Equal([1L, 3L], sites.Select(s => s.Id));
        Assert.NotNull(sites[0].Repair);
        Assert.True(sites[0].Geometry.IsValid);
        Assert.InRange(sites[1].Geometry.Centroid.X, 15.0, 15.01); // zone 33 central meridian is 15° E
        Assert.Contains(problems, p => p.Id == 2 && p.Reason.Contains("not a polygon"));
        Assert.Contains(problems, p => p.Id is null);

        using (var ds = VectorDataset.Open(path, update: true))
        {
            var layer = ds.Layer(0);
            ds.InTransaction(() => layer.Write(-1, [3L], new GeometryFactory().CreatePolygon([new(500000, 0), new(500100, 0), new(500100, 100), new(500000, 0)])));
        }
        var e = Assert.Throws<InvalidInputException>(() => SiteReader.Read(path));
        Assert.Contains("duplicate site_id: 3", e.Message);
        Assert.Contains("sites.gpkg", e.Message);
    }
}
