using MiningLulc.Geo;
using NetTopologySuite.Geometries;

namespace MiningLulc.Tests;

/// <summary>
/// Writes minimal region folders by hand for alignment and catalog tests (synthetic content):
/// sites, a composite from a per-pixel function, DCM/TIME tiles from a function of lon/lat.
/// </summary>
public sealed class RegionBuilder(string directory)
{
    public string Directory { get; } = directory;

    public RegionBuilder Sites(SpatialReference crs, params (long Id, Geometry Geometry)[] sites)
    {
        System.IO.Directory.CreateDirectory(Directory);
        using var ds = VectorDataset.Create(Path.Combine(Directory, "sites.gpkg"));
        var layer = ds.CreateLayer("sites", crs, 6);
        layer.CreateField("site_id", FieldType.Integer64);
        ds.InTransaction(() => { foreach (var (id, g) in sites) layer.Write(-1, [id], g); });
        return this;
    }

    /// <summary>A 10-band UInt16 composite on the given grid; value(band, col, row), 0 = nodata.</summary>
    public RegionBuilder Composite(int year, string name, SpatialReference crs, GeoTransform transform, int width, int height, Func<int, int, int, ushort> value)
    {
        var dir = Path.Combine(Directory, "s2", year.ToString(System.Globalization.CultureInfo.InvariantCulture));
        System.IO.Directory.CreateDirectory(dir);
        using var ds = RasterDataset.Create(Path.Combine(dir, name), new RasterProfile
        {
            Width = width,
            Height = height,
            BandCount = 10,
            DataType = RasterDataType.UInt16,
            Transform = transform,
            CrsWkt = crs.ToWkt(),
            NoData = 0,
            BandDescriptions = ["B02", "B03", "B04", "B05", "B06", "B07", "B08", "B8A", "B11", "B12"],
        });
        var plane = new ushort[width * height];
        for (var b = 0; b < 10; b++)
        {
            for (var r = 0; r < height; r++) for (var c = 0; c < width; c++) plane[r * width + c] = value(b, c, r);
            ds.Write(b + 1, ds.FullWindow, plane.AsSpan());
        }
        return this;
    }

    /// <summary>A 1° DCM tile (and its TIME tile) at <paramref name="pixelsPerDegree"/> with dh = f(lon, lat) at pixel centres (time: constant, or timeOf(lon, lat)).</summary>
    public RegionBuilder DcmTile(int lon0, int lat0, int pixelsPerDegree, Func<double, double, float> dh, float time = 2020.5f, Func<double, double, bool>? isVoid = null, Func<double, double, float>? timeOf = null)
    {
        var dir = Path.Combine(Directory, "dcm");
        System.IO.Directory.CreateDirectory(dir);
        var name = $"{(lat0 < 0 ? 'S' : 'N')}{Math.Abs(lat0):00}{(lon0 < 0 ? 'W' : 'E')}{Math.Abs(lon0):000}";
        var step = 1.0 / pixelsPerDegree;
        var n = pixelsPerDegree;
        using var wgs84 = SpatialReference.Wgs84();
        var profile = new RasterProfile { Width = n, Height = n, Transform = GeoTransform.NorthUp(lon0, lat0 + 1, step, step), CrsWkt = wgs84.ToWkt() };
        using var d = RasterDataset.Create(Path.Combine(dir, name + "_DCM.tif"), profile with { NoData = -32767 });
        using var t = RasterDataset.Create(Path.Combine(dir, name + "_TIME.tif"), profile with { NoData = 0 });
        var row = new float[n];
        var times = Enumerable.Repeat(time, n).ToArray();
        for (var r = 0; r < n; r++)
        {
            for (var c = 0; c < n; c++)
            {
                var (lon, lat) = profile.Transform.ToWorld(c + 0.5, r + 0.5);
                row[c] = isVoid?.Invoke(lon, lat) == true ? -32767 : dh(lon, lat);
                if (timeOf is not null) times[c] = timeOf(lon, lat);
            }
            d.Write(1, new Window(0, r, n, 1), row.AsSpan());
            t.Write(1, new Window(0, r, n, 1), times.AsSpan());
        }
        return this;
    }
}
