using System.IO.Compression;
using MiningLulc.Geo;
using NetTopologySuite.Geometries;

namespace MiningLulc.Catalog;

/// <summary>A labelled polygon in the published schema (CONTRACT.md section 2), in EPSG:4326.</summary>
public sealed record LabelPolygon(Geometry Geometry, LulcClass Class, int? Year, long? IndexN, double? AreaM2, string Source);

/// <summary>
/// Reads polygons in the published schema from a folder, a .zip of .gpkg files, or a .gpkg
/// (Polygon or MultiPolygon; 32- or 64-bit integers). Unknown class names are an error naming the file.
/// </summary>
public static class LabelReader
{
    public static IReadOnlyList<LabelPolygon> Read(string path) => Stream(path).ToList();

    /// <summary>The polygons of <see cref="Read"/>, one feature at a time (memory bounded by one feature, not the files).</summary>
    public static IEnumerable<LabelPolygon> Stream(string path) => RequireSources(path).SelectMany(ReadOne);

    /// <summary>The <see cref="Sources"/> of a label path that must hold labels: none is an error naming it.</summary>
    public static IReadOnlyList<string> RequireSources(string path)
    {
        var sources = Sources(path);
        if (sources.Count == 0) throw new InvalidInputException("holds no .gpkg or .zip of .gpkg files", path);
        return sources;
    }

    /// <summary>The GDAL paths of every GeoPackage under <paramref name="path"/> (zips through /vsizip/).</summary>
    public static IReadOnlyList<string> Sources(string path)
    {
        if (Directory.Exists(path))
        {
            // Loose GeoPackages, plus the zips' entries that are not also present loose (a run's
            // folder holds both the files and <region>.zip of the same files: count them once).
            var files = Directory.GetFiles(path).Order(StringComparer.Ordinal).ToList();
            var loose = files.Where(f => f.EndsWith(".gpkg", StringComparison.OrdinalIgnoreCase)).ToList();
            var names = loose.Select(Path.GetFileName).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var zipped = files.Where(f => f.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
                .SelectMany(ZipEntries).Where(e => !names.Contains(e[(e.LastIndexOf('/') + 1)..]));
            return loose.Concat(zipped).ToList();
        }
        if (!File.Exists(path)) throw new InvalidInputException("not found", path);
        if (path.EndsWith(".zip", StringComparison.OrdinalIgnoreCase)) return ZipEntries(path);
        return [path];
    }

    private static string[] ZipEntries(string zip)
    {
        try
        {
            using var archive = ZipFile.OpenRead(zip);
            return archive.Entries.Where(e => e.FullName.EndsWith(".gpkg", StringComparison.OrdinalIgnoreCase))
                .Select(e => $"/vsizip/{Path.GetFullPath(zip)}/{e.FullName}").Order(StringComparer.Ordinal).ToArray();
        }
        catch (InvalidDataException e) { throw new InvalidInputException($"not a readable zip ({e.Message})", zip, e); }
    }

    private static IEnumerable<LabelPolygon> ReadOne(string source)
    {
        using var ds = VectorDataset.Open(source);
        foreach (var layer in ds.Layers)
        {
            var fields = layer.Fields.Select(f => f.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
            if (!fields.Contains("class_name")) throw new InvalidInputException($"layer {layer.Name} has no class_name field", source);
            using var crs = layer.Crs();
            using var wgs84 = SpatialReference.Wgs84();
            using var transform = crs is null || crs.IsSame(wgs84) ? null : new CoordinateTransform(crs, wgs84);
            foreach (var f in layer.Features(GeometryOps.Wgs84Factory))
            {
                var name = f.GetString("class_name");
                var cls = LulcClasses.Parse(name) ?? throw new InvalidInputException($"feature {f.Fid} has unknown class_name '{name}'", source);
                if (f.Geometry is null || f.Geometry.IsEmpty) continue;
                var g = transform is null ? f.Geometry : GeometryOps.Transform(f.Geometry, transform);
                var year = f.GetInt64("year");
                yield return new LabelPolygon(g, cls, year is long y ? (int)y : null, f.GetInt64("index_n"), f.GetDouble("area_m2"), source);
            }
        }
    }
}
