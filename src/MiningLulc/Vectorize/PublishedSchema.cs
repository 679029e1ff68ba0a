namespace MiningLulc.Vectorize;

/// <summary>The published GeoPackage schema (docs/output-schema.md): names in one place.</summary>
public static class PublishedSchema
{
    public const string FidColumn = "fid";
    public const string GeometryColumn = "geom";
    public const string IndexN = "index_n";
    public const string ClassName = "class_name";
    public const string AreaM2 = "area_m2";
    public const string Year = "year";
    public const int MaxFeaturesPerFile = 5000;

    /// <summary>The optional field of <c>run --confidence</c>, after the published ones (never in the published dataset).</summary>
    public const string Confidence = "confidence";

    /// <summary>Attribute fields after fid, in order.</summary>
    public static readonly IReadOnlyList<(string Name, Geo.FieldType Type)> Fields =
    [
        (IndexN, Geo.FieldType.Integer64), (ClassName, Geo.FieldType.String), (AreaM2, Geo.FieldType.Real), (Year, Geo.FieldType.Integer64),
    ];

    /// <summary>The fields of a file: the published ones, then <see cref="Confidence"/> when asked for.</summary>
    public static IReadOnlyList<(string Name, Geo.FieldType Type)> FieldsOf(bool withConfidence) =>
        withConfidence ? [.. Fields, (Confidence, Geo.FieldType.Real)] : Fields;

    /// <summary>"&lt;region&gt;_&lt;NNN&gt;" for file number <paramref name="number"/> (1-based).</summary>
    public static string FileStem(string region, int number) => $"{region}_{number:000}";

    /// <summary>Whether <paramref name="fileName"/> is one of a region's files, <c>&lt;region&gt;_NNN.gpkg</c> (a bare name, no folder).</summary>
    public static bool IsFileOf(string fileName, string region)
    {
        var prefix = region + "_";
        if (!fileName.StartsWith(prefix, StringComparison.Ordinal) || !fileName.EndsWith(".gpkg", StringComparison.Ordinal)) return false;
        var number = fileName.AsSpan(prefix.Length, fileName.Length - prefix.Length - ".gpkg".Length);
        return number.Length >= 3 && !number.ContainsAnyExceptInRange('0', '9') && Path.GetFileName(fileName) == fileName;
    }
}
