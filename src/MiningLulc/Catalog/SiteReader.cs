using MiningLulc.Geo;
using NetTopologySuite.Geometries;

namespace MiningLulc.Catalog;

/// <summary>A site that could not be read, with the reason.</summary>
public sealed record SiteProblem(long? Id, long Fid, string Reason);

/// <summary>
/// Reads mining sites from any OGR source in any CRS into EPSG:4326 <see cref="Site"/>s:
/// invalid polygons are repaired (the repair is recorded), empty and non-polygonal ones are
/// reported and skipped; duplicate ids are an error naming them.
/// </summary>
public static class SiteReader
{
    public static (IReadOnlyList<Site> Sites, IReadOnlyList<SiteProblem> Problems) Read(string path, string idField = "site_id")
    {
        using var ds = VectorDataset.Open(path);
        var layer = ds.Layers.FirstOrDefault(l => l.Fields.Any(f => string.Equals(f.Name, idField, StringComparison.OrdinalIgnoreCase)))
            ?? throw new InvalidInputException($"no layer has a '{idField}' field (layers: {string.Join(", ", ds.Layers.Select(l => l.Name))})", path);
        using var crs = layer.Crs() ?? throw new InvalidInputException($"layer {layer.Name} declares no CRS", path);
        using var wgs84 = SpatialReference.Wgs84();
        using var toWgs84 = crs.IsSame(wgs84) ? null : new CoordinateTransform(crs, wgs84);
        var factory = new GeometryFactory(new PrecisionModel(), 0);

        var sites = new List<Site>();
        var problems = new List<SiteProblem>();
        foreach (var f in layer.Features(factory))
        {
            long? id;
            try
            {
                id = f.GetInt64(idField); // integer fields, and text fields that hold integers ("12")
            }
            catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException)
            {
                problems.Add(new SiteProblem(null, f.Fid, $"feature {f.Fid}: {idField} '{f.GetString(idField)}' is not an integer"));
                continue;
            }
            if (id is null) { problems.Add(new SiteProblem(null, f.Fid, $"feature {f.Fid} has no {idField}")); continue; }
            var g = f.Geometry;
            if (f.GeometryError is not null) { problems.Add(new SiteProblem(id, f.Fid, $"unreadable geometry ({f.GeometryError})")); continue; }
            if (g is null || g.IsEmpty) { problems.Add(new SiteProblem(id, f.Fid, "empty geometry")); continue; }
            if (g is not (Polygon or MultiPolygon)) { problems.Add(new SiteProblem(id, f.Fid, $"not a polygon ({g.GeometryType})")); continue; }
            try
            {
                if (toWgs84 is not null) g = GeometryOps.Transform(g, toWgs84);
                g = GeometryOps.Wgs84Factory.CreateGeometry(g);
                var (valid, repair) = GeometryOps.MakeValid(g);
                var polygonal = GeometryOps.ToMultiPolygon(valid, GeometryOps.Wgs84Factory);
                if (polygonal.IsEmpty) { problems.Add(new SiteProblem(id, f.Fid, "geometry is empty after repair")); continue; }
                Geometry result = polygonal.NumGeometries == 1 ? polygonal.GetGeometryN(0) : polygonal;
                sites.Add(new Site(id.Value, GeometryOps.CompactWgs84Factory.CreateGeometry(result)) { Repair = repair });
            }
            catch (GdalException e) { problems.Add(new SiteProblem(id, f.Fid, e.Message)); }
        }
        var duplicates = sites.GroupBy(s => s.Id).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0)
            throw new InvalidInputException($"duplicate {idField}: {string.Join(", ", duplicates.Take(10))}{(duplicates.Count > 10 ? ", ..." : "")}", path);
        sites.Sort((a, b) => a.Id.CompareTo(b.Id));
        return (sites, problems);
    }
}
