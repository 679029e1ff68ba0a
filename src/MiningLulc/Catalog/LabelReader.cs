using System.IO.Compression;
using MiningLulc.Geo;
using NetTopologySuite.Geometries;

namespace MiningLulc.Catalog;

/// <summary>A labelled polygon in the published schema (docs/output-schema.md), in EPSG:4326.</summary>
public sealed record LabelPolygon(Geometry Geometry, LulcClass Class, int? Year, long? IndexN, double? AreaM2, string Source)
{
    /// <summary>The polygon's confidence, when its labels carry one (<c>run --confidence</c>); null otherwise.</summary>
    public double? Confidence { get; init; }
}

/// <summary>
/// Reads polygons in the published schema from a folder, a .zip of .gpkg files, or a .gpkg
/// (Polygon or MultiPolygon; 32- or 64-bit integers). Unknown class names are an error naming the file.
/// Features without a geometry are passed over; features whose geometry cannot be read are left out
/// and recorded in the <see cref="LabelReadLog"/> (count and first fid per file), never dropped silently.
/// </summary>
public static class LabelReader
{
    /// <summary>
    /// Every polygon under <paramref name="path"/>; a feature whose geometry cannot be read is an error
    /// naming the file and its fid (pass a <see cref="LabelReadLog"/> to leave such features out and report them).
    /// </summary>
    public static IReadOnlyList<LabelPolygon> Read(string path)
    {
        var log = new LabelReadLog();
        var polygons = Read(path, log);
        if (log.Count > 0) throw new InvalidInputException(string.Join("; ", log.Warnings));
        return polygons;
    }

    /// <summary>Every polygon under <paramref name="path"/> whose geometry can be read; the others are recorded in <paramref name="log"/>.</summary>
    public static IReadOnlyList<LabelPolygon> Read(string path, LabelReadLog log) => Stream(path, log).ToList();

    /// <summary>The polygons of <see cref="Read"/>, one feature at a time (memory bounded by one feature, not the files).</summary>
    public static IEnumerable<LabelPolygon> Stream(string path, LabelReadLog log) => RequireSources(path).SelectMany(s => ReadOne(s, log));

    /// <summary>
    /// Checks that every layer under <paramref name="path"/> has <paramref name="field"/>: reference labels
    /// carry the published schema's fields (docs/output-schema.md), and an assessment by year needs the year.
    /// </summary>
    public static void RequireField(string path, string field, string role)
    {
        foreach (var source in RequireSources(path))
        {
            using var ds = VectorDataset.Open(source);
            foreach (var layer in ds.Layers)
                if (!layer.Fields.Any(f => string.Equals(f.Name, field, StringComparison.OrdinalIgnoreCase)))
                    throw new InvalidInputException($"layer {layer.Name} has no '{field}' field: {role} must be in the published schema (fid, index_n, class_name, area_m2, year; docs/output-schema.md)", source);
        }
    }

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

    private static IEnumerable<LabelPolygon> ReadOne(string source, LabelReadLog log)
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
                if (f.GeometryError is not null) { log.Unreadable(source, f.Fid, f.GeometryError); continue; }
                if (f.Geometry is null || f.Geometry.IsEmpty) continue;
                Geometry g;
                try { g = transform is null ? f.Geometry : GeometryOps.Transform(f.Geometry, transform); }
                catch (GdalException e) { log.Unreadable(source, f.Fid, $"cannot be brought to EPSG:4326: {e.Message}"); continue; }
                var year = f.GetInt64("year");
                yield return new LabelPolygon(g, cls, year is long y ? (int)y : null, f.GetInt64("index_n"), f.GetDouble("area_m2"), source);
            }
        }
    }
}
