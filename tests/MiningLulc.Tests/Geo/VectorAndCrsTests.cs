using MiningLulc.Geo;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace MiningLulc.Tests.Geo;

public class VectorAndCrsTests
{
    private static readonly WKTReader Wkt = new(GeometryOps.Wgs84Factory.GeometryServices);

    [Fact]
    public void GeoPackageRoundTripKeepsFieldsTypesGeometryAndCrs()
    {
        using var tmp = new TempDir();
        var path = tmp.File("v.gpkg");
        var poly = Wkt.Read("MULTIPOLYGON (((10 10, 11 10, 11 11, 10 11, 10 10), (10.2 10.2, 10.2 10.4, 10.4 10.4, 10.2 10.2)))");
        using (var ds = VectorDataset.Create(path))
        {
            using var wgs84 = SpatialReference.Wgs84();
            var layer = ds.CreateLayer("things", wgs84, 6, ["FID=fid", "GEOMETRY_NAME=geom"]);
            layer.CreateField("n", FieldType.Integer64);
            layer.CreateField("name", FieldType.String);
            layer.CreateField("x", FieldType.Real);
            ds.InTransaction(() =>
            {
                layer.Write(1, [9_000_000_000L, "Open pit", 1.5], poly);
                layer.Write(2, [null, "é ü", -2.25], null);
            });
        }
        using var read = VectorDataset.Open(path);
        var l = read.Layer(0);
        Assert.Equal("things", l.Name);
        Assert.Equal(["n", "name", "x"], l.Fields.Select(f => f.Name));
        Assert.Equal([FieldType.Integer64, FieldType.String, FieldType.Real], l.Fields.Select(f => f.Type));
        using (var crs = l.Crs()) Assert.Equal(4326, crs!.Epsg);
        var features = l.Features(GeometryOps.Wgs84Factory).ToList();
        Assert.Equal(2, features.Count);
        Assert.Equal(9_000_000_000L, features[0].GetInt64("n"));
        Assert.Equal("Open pit", features[0].GetString("name"));
        Assert.True(features[0].Geometry!.EqualsExact(poly));
        Assert.Null(features[1].GetInt64("n"));
        Assert.Equal("é ü", features[1].GetString("name"));
        Assert.Equal(-2.25, features[1].GetDouble("x"));
        Assert.Null(features[1].Geometry);
    }

    [ToolFact("ogr2ogr")]
    public void ReadsAGeoPackageWrittenByOgr2ogr()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp.File("in.geojson"), """
            {"type":"FeatureCollection","features":[{"type":"Feature","properties":{"site_id":42,"name":"x"},
             "geometry":{"type":"Polygon","coordinates":[[[-70,-23],[-69.99,-23],[-69.99,-22.99],[-70,-23]]]}}]}
            """);
        var (code, output) = Tools.Run("ogr2ogr", "-f", "GPKG", "-t_srs", "EPSG:32719", tmp.File("out.gpkg"), tmp.File("in.geojson"));
        Assert.True(code == 0, output);
        using var ds = VectorDataset.Open(tmp.File("out.gpkg"));
        var f = ds.Layer(0).Features(new GeometryFactory()).Single();
        Assert.Equal(42, f.GetInt64("site_id"));
        using var crs = ds.Layer(0).Crs();
        Assert.Equal(32719, crs!.Epsg);
        Assert.InRange(f.Geometry!.EnvelopeInternal.MinX, 390_000, 410_000); // UTM metres, not degrees
    }

    [Fact]
    public void TransformsLonLatToUtmAndBackWithLonLatAxisOrder()
    {
        using var wgs84 = SpatialReference.Wgs84();
        using var utm = SpatialReference.FromEpsg(32719);
        using var there = new CoordinateTransform(wgs84, utm);
        using var back = new CoordinateTransform(utm, wgs84);
        var (x, y) = there.Transform(-69.0, -23.0); // on the central meridian of zone 19
        Assert.Equal(500000, x, 3);
        Assert.InRange(y, 7_400_000, 7_500_000);
        var (lon, lat) = back.Transform(x, y);
        Assert.Equal(-69.0, lon, 9);
        Assert.Equal(-23.0, lat, 9);
    }

    [Fact]
    public void TransformsAGeometryInOneCallExactlyAsPointByPoint()
    {
        // A synthetic multipolygon with a hole (UTM metres): the bulk transformation of the whole
        // geometry gives, bit for bit, what each vertex gives alone, parts and rings kept in order.
        using var wgs84 = SpatialReference.Wgs84();
        using var utm = SpatialReference.FromEpsg(32719);
        using var toWgs84 = new CoordinateTransform(utm, wgs84);
        var g = new WKTReader().Read(
            "MULTIPOLYGON (((400000 7450000, 400030 7450000, 400030 7450030, 400000 7450030, 400000 7450000), (400010 7450010, 400020 7450010, 400020 7450020, 400010 7450020, 400010 7450010)), ((401000 7451000, 401010 7451000, 401010 7451010, 401000 7451000)))");
        var moved = GeometryOps.Transform(g, toWgs84);
        Assert.Equal(g.NumPoints, moved.NumPoints);
        Assert.Equal(g.NumGeometries, moved.NumGeometries);
        var before = g.Coordinates;
        var after = moved.Coordinates;
        for (var i = 0; i < before.Length; i++)
        {
            var (lon, lat) = toWgs84.Transform(before[i].X, before[i].Y);
            Assert.Equal(lon, after[i].X);
            Assert.Equal(lat, after[i].Y);
        }
        Assert.Equal(400000, g.Coordinates[0].X); // the input is left alone
        Assert.InRange(moved.EnvelopeInternal.MinX, -71, -69); // the envelope follows: degrees now
    }

    [Theory]
    [InlineData(-69.9, -23.0, 32719)]
    [InlineData(27.5, -26.2, 32735)]
    [InlineData(-122.3, 40.7, 32610)]
    [InlineData(179.99, 10, 32660)]
    [InlineData(-180, 0, 32601)]
    public void UtmZoneOfAPoint(double lon, double lat, int epsg) => Assert.Equal(epsg, SpatialReference.UtmEpsgFor(lon, lat));

    [Fact]
    public void UnreadableCrsIsAnInvalidInput()
    {
        var e = Assert.Throws<InvalidInputException>(() => SpatialReference.Parse("not a crs at all", "x.tif"));
        Assert.Contains("x.tif", e.Message);
    }

    /// <summary>
    /// Area of a small lon/lat cell against the closed form of the ellipsoidal zone (authalic
    /// latitude): independent of PROJ. Cell edges along parallels are geodesics in PROJ, which
    /// bow by millimetres over 0.01°, hence the 1e-4 tolerance.
    /// </summary>
    [Theory]
    [InlineData(0.0)]
    [InlineData(-23.5)]
    [InlineData(45.0)]
    [InlineData(70.5)]
    public void GeodesicAreaMatchesTheEllipsoidalZoneFormula(double lat)
    {
        const double d = 0.01;
        var cell = Wkt.Read(FormattableString.Invariant($"POLYGON ((10 {lat}, {10 + d} {lat}, {10 + d} {lat + d}, 10 {lat + d}, 10 {lat}))"));
        var expected = ZoneArea(lat, lat + d, d);
        Assert.Equal(1, GeodesicArea.Of(cell) / expected, 4);
        // Orientation does not matter; holes are subtracted.
        Assert.Equal(GeodesicArea.Of(cell), GeodesicArea.Of(cell.Reverse()), 6);
    }

    [Fact]
    public void HolesAreSubtracted()
    {
        var outer = Wkt.Read("POLYGON ((0 0, 0.01 0, 0.01 0.01, 0 0.01, 0 0))");
        var holed = Wkt.Read("POLYGON ((0 0, 0.01 0, 0.01 0.01, 0 0.01, 0 0), (0.002 0.002, 0.002 0.004, 0.004 0.004, 0.004 0.002, 0.002 0.002))");
        var hole = Wkt.Read("POLYGON ((0.002 0.002, 0.002 0.004, 0.004 0.004, 0.004 0.002, 0.002 0.002))");
        Assert.Equal(GeodesicArea.Of(outer) - GeodesicArea.Of(hole), GeodesicArea.Of(holed), 3);
    }

    private static double ZoneArea(double lat1, double lat2, double dLonDeg)
    {
        const double a = 6378137.0, f = 1 / 298.257223563;
        var e2 = f * (2 - f);
        var e = Math.Sqrt(e2);
        double Q(double latDeg)
        {
            var s = Math.Sin(latDeg * Math.PI / 180);
            return s / (1 - e2 * s * s) + 1 / (2 * e) * Math.Log((1 + e * s) / (1 - e * s));
        }
        return a * a * (1 - e2) / 2 * (dLonDeg * Math.PI / 180) * (Q(lat2) - Q(lat1));
    }
}
