using MiningLulc.Catalog;
using MiningLulc.Geo;
using MiningLulc.Inspection;
using NetTopologySuite.Geometries;

namespace MiningLulc.Tests.Catalog;

/// <summary>
/// The 116 real mining polygons of ../shared/real/mine_segmentation (multipart, holes, centroids
/// outside their own site, up to 71° N), read in place. The region around them is made here:
/// sites.gpkg with site_id = tile_id, and one small TIME raster (1 arcsec) over each site, whose
/// value encodes the site's expected year (synthetic stamps over real polygons).
/// </summary>
public class RealMiningPolygonsTests
{
    private const string Relative = "real/mine_segmentation/mining_tiles_test_annotations.gpkg";
    private const double Arcsec = 1.0 / 3600;

    private static IReadOnlyList<(long Id, Geometry Geometry)> Polygons()
    {
        using var ds = VectorDataset.Open(Path.Combine(TestPaths.Shared, Relative));
        var layer = ds.Layers.Single(l => l.Name == "polygons_annotated");
        return layer.Features(GeometryOps.Wgs84Factory).Select(f => (f.GetInt64("tile_id")!.Value, f.Geometry!)).ToList();
    }

    private static int ExpectedYear(long id) => 2016 + (int)(id % 7);

    private static string MakeRegion(TempDir tmp, IReadOnlyList<(long Id, Geometry Geometry)> polygons)
    {
        var region = Path.Combine(tmp.Path, "real");
        Directory.CreateDirectory(Path.Combine(region, "dcm"));
        using var wgs84 = SpatialReference.Wgs84();
        using (var ds = VectorDataset.Create(Path.Combine(region, "sites.gpkg")))
        {
            var layer = ds.CreateLayer("sites", wgs84, 6);
            layer.CreateField("site_id", FieldType.Integer64);
            ds.InTransaction(() => { foreach (var (id, g) in polygons) layer.Write(-1, [id], g); });
        }
        var wkt = wgs84.ToWkt();
        foreach (var (id, g) in polygons)
        {
            var env = g.EnvelopeInternal;
            var x0 = Math.Floor(env.MinX / Arcsec) * Arcsec;
            var y1 = Math.Ceiling(env.MaxY / Arcsec) * Arcsec;
            var w = (int)Math.Ceiling((env.MaxX - x0) / Arcsec) + 1;
            var h = (int)Math.Ceiling((y1 - env.MinY) / Arcsec) + 1;
            var profile = new RasterProfile { Width = w, Height = h, Transform = GeoTransform.NorthUp(x0, y1, Arcsec, Arcsec), CrsWkt = wkt, NoData = 0 };
            using var t = RasterDataset.Create(Path.Combine(region, "dcm", $"site{id}_TIME.tif"), profile);
            t.Write(1, t.FullWindow, Enumerable.Repeat(ExpectedYear(id) + 0.5f, w * h).ToArray().AsSpan());
            using var d = RasterDataset.Create(Path.Combine(region, "dcm", $"site{id}_DCM.tif"), profile with { NoData = -32767 });
        }
        return region;
    }

    [SharedFileFact(Relative)]
    public void TheCatalogTakesEveryRealPolygonAndGivesEachItsYear()
    {
        var polygons = Polygons();
        Assert.Equal(116, polygons.Count);
        // Keep sites whose TIME rasters do not overlap another's, so the expected stamp is unambiguous.
        var alone = polygons.Where(p => !polygons.Any(o => o.Id != p.Id && o.Geometry.EnvelopeInternal.Intersects(p.Geometry.EnvelopeInternal))).ToList();
        using var tmp = new TempDir();
        var region = MakeRegion(tmp, polygons);

        var catalog = RegionCatalog.Build(region, EngineConfig.Default.Input);
        Assert.Equal(116, catalog.Entries.Count);
        Assert.Empty(catalog.Problems);
        var outside = catalog.Entries.Count(e => !e.Site.Geometry.Contains(e.Site.Geometry.Centroid));
        Assert.True(outside >= 50, $"expected the real set's ~59 centroids outside their site, got {outside}");
        foreach (var e in catalog.Entries)
        {
            Assert.NotNull(e.Year);
            if (alone.Any(a => a.Id == e.Site.Id)) Assert.Equal(ExpectedYear(e.Site.Id), e.Year);
            // No composites in this region: every site is skipped for that reason, never guessed.
            Assert.Equal(SiteStatus.Skipped, e.Status);
            Assert.Contains("no Sentinel-2 composite", e.Reason);
        }
        Assert.True(catalog.Entries.Max(e => e.Site.Geometry.EnvelopeInternal.MaxY) > 70);

        var report = Inspector.Inspect(region);
        Assert.Equal(116, report.TableRows!.Count);
    }

    /// <summary>Geodesic areas against an independent route: planar area in a Lambert azimuthal equal-area projection centred on each site.</summary>
    [SharedFileFact(Relative)]
    public void GeodesicAreasAgreeWithAnEqualAreaProjection()
    {
        using var wgs84 = SpatialReference.Wgs84();
        foreach (var (id, g) in Polygons())
        {
            var c = g.EnvelopeInternal.Centre;
            using var laea = SpatialReference.Parse(FormattableString.Invariant($"+proj=laea +lat_0={c.Y} +lon_0={c.X} +datum=WGS84 +units=m +no_defs"));
            using var ct = new CoordinateTransform(wgs84, laea);
            var planar = GeometryOps.Transform(g, ct).Area;
            var geodesic = GeodesicArea.Of(g);
            Assert.True(Math.Abs(geodesic / planar - 1) < 0.005, $"site {id}: geodesic {geodesic:0} m² vs equal-area {planar:0} m²");
        }
    }
}
