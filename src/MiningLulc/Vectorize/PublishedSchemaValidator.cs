using MiningLulc.Geo;

namespace MiningLulc.Vectorize;

/// <summary>
/// Checks a GeoPackage against the published schema (docs/output-schema.md): one layer named like
/// the file, fid/geom columns, the four fields in order and type, EPSG:4326, MultiPolygon, valid
/// geometries, class names to the letter, at most 5,000 features. Problems are results, not exceptions.
/// </summary>
public static class PublishedSchemaValidator
{
    public static IReadOnlyList<string> Check(string gpkgPath)
    {
        var problems = new List<string>();
        using var ds = VectorDataset.Open(gpkgPath);
        if (ds.LayerCount != 1) problems.Add($"has {ds.LayerCount} layers, expected 1");
        if (ds.LayerCount == 0) return problems;
        var layer = ds.Layer(0);
        var stem = Path.GetFileNameWithoutExtension(gpkgPath.Split('/').Last());
        if (layer.Name != stem) problems.Add($"layer is named '{layer.Name}', expected '{stem}'");
        if (layer.FidColumn != PublishedSchema.FidColumn) problems.Add($"FID column is '{layer.FidColumn}', expected 'fid'");
        if (layer.GeometryColumn != PublishedSchema.GeometryColumn) problems.Add($"geometry column is '{layer.GeometryColumn}', expected 'geom'");
        if (layer.GeometryType != 6) problems.Add($"geometry type code {layer.GeometryType}, expected 6 (MultiPolygon)");
        var fields = layer.Fields;
        // The published fields first and unchanged; run --confidence adds its field after them.
        var withConfidence = fields.Count == PublishedSchema.Fields.Count + 1 && fields[^1].Name == PublishedSchema.Confidence;
        var expected = PublishedSchema.FieldsOf(withConfidence);
        if (fields.Count != expected.Count || fields.Zip(expected).Any(p => p.First.Name != p.Second.Name || p.First.Type != p.Second.Type))
            problems.Add($"fields are [{string.Join(", ", fields.Select(f => $"{f.Name}:{f.Type}"))}], expected [{string.Join(", ", expected.Select(f => $"{f.Name}:{f.Type}"))}]");
        using (var crs = layer.Crs())
        {
            if (crs?.Epsg != 4326) problems.Add($"CRS is {crs?.ToString() ?? "missing"}, expected EPSG:4326");
        }
        var count = 0;
        long expectedFid = 1;
        foreach (var f in layer.Features(GeometryOps.Wgs84Factory))
        {
            count++;
            if (f.Fid != expectedFid++) problems.Add($"fid {f.Fid} breaks the 1..n sequence");
            var name = f.GetString(PublishedSchema.ClassName);
            if (LulcClasses.Parse(name) is null || !LulcClasses.Names.Contains(name)) problems.Add($"feature {f.Fid}: class_name '{name}' is not one of the seven names");
            if (f.GeometryError is not null) problems.Add($"feature {f.Fid}: unreadable geometry ({f.GeometryError})");
            else if (f.Geometry is null || f.Geometry.IsEmpty) problems.Add($"feature {f.Fid}: empty geometry");
            else if (!f.Geometry.IsValid) problems.Add($"feature {f.Fid}: invalid geometry");
            var year = f.GetInt64(PublishedSchema.Year);
            if (year is null or < 2016 or > 2022) problems.Add($"feature {f.Fid}: year {year} outside 2016-2022");
            if (withConfidence && f.GetDouble(PublishedSchema.Confidence) is not (>= 0 and <= 1)) problems.Add($"feature {f.Fid}: confidence {f.GetDouble(PublishedSchema.Confidence)} outside [0, 1]");
            if (problems.Count > 50) { problems.Add("... (more problems not listed)"); break; }
        }
        if (count > PublishedSchema.MaxFeaturesPerFile) problems.Add($"{count} features, more than {PublishedSchema.MaxFeaturesPerFile}");
        return problems;
    }
}
