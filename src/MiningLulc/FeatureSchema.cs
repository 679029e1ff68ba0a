using System.Security.Cryptography;
using System.Text;

namespace MiningLulc;

/// <summary>
/// The versioned list of per-pixel features. Names and order are part of a model: the model card
/// records <see cref="Version"/>, the feature set's names and its <see cref="FeatureSet.Hash"/>, and a
/// model refuses a schema whose hash differs.
/// </summary>
/// <remarks>
/// History: v1 — ten reflectances, dh, NDVI, NDWI, MNDWI, NDBI, BSI, NBR, NDRE, focal dh statistics
/// (3x3 and 5x5 mean and standard deviation, gradient magnitude), NIR 3x3 standard deviation.
/// </remarks>
public static class FeatureSchema
{
    public const int Version = 1;

    /// <summary>Every feature of the schema, in plane order.</summary>
    public static readonly IReadOnlyList<string> Names =
    [
        "B02", "B03", "B04", "B05", "B06", "B07", "B08", "B8A", "B11", "B12",
        "dh",
        "NDVI", "NDWI", "MNDWI", "NDBI", "BSI", "NBR", "NDRE",
        "dh_mean3", "dh_std3", "dh_mean5", "dh_std5", "dh_grad",
        "B08_std3",
    ];

    public static int IndexOf(string name)
    {
        for (var i = 0; i < Names.Count; i++) if (Names[i] == name) return i;
        throw new InvalidInputException($"unknown feature '{name}' (schema v{Version}: {string.Join(", ", Names)})");
    }

    // Plane indices, for the calculators.
    internal const int B02 = 0, B03 = 1, B04 = 2, B05 = 3, B06 = 4, B07 = 5, B08 = 6, B8A = 7, B11 = 8, B12 = 9;
    internal const int Dh = 10, Ndvi = 11, Ndwi = 12, Mndwi = 13, Ndbi = 14, Bsi = 15, Nbr = 16, Ndre = 17;
    internal const int DhMean3 = 18, DhStd3 = 19, DhMean5 = 20, DhStd5 = 21, DhGrad = 22, NirStd3 = 23;
    internal const int Count = 24;
}

/// <summary>A named, ordered subset of the schema that a model is trained on.</summary>
public sealed record FeatureSet(string Name, IReadOnlyList<string> Names)
{
    /// <summary>All features of the schema: the engine's default.</summary>
    public static FeatureSet Full { get; } = new("full", FeatureSchema.Names);

    /// <summary>The 15 features of the published method, in the authors' order (docs/published-method.md).</summary>
    public static FeatureSet Published { get; } = new("published",
        ["B02", "B03", "B04", "B05", "B06", "B07", "B08", "B8A", "B11", "B12", "dh", "MNDWI", "NDBI", "NDVI", "BSI"]);

    /// <summary>Spectra alone (reflectances and spectral indices, no elevation change): to measure what the DCM adds.</summary>
    public static FeatureSet Spectral { get; } = new("spectral",
        FeatureSchema.Names.Where(n => !n.StartsWith("dh", StringComparison.Ordinal)).ToList());

    /// <summary>Every named set, by name.</summary>
    public static IReadOnlyList<FeatureSet> Named { get; } = [Full, Published, Spectral];

    public static FeatureSet ByName(string name) => Named.FirstOrDefault(s => s.Name == name)
        ?? throw new InvalidInputException($"unknown feature set '{name}' (known: {string.Join(", ", Named.Select(s => s.Name))})");

    /// <summary>Indices into the schema's planes, in set order.</summary>
    public int[] Indices => Names.Select(FeatureSchema.IndexOf).ToArray();

    /// <summary>SHA-256 (first 16 hex digits) of schema version and names: changes whenever the list changes.</summary>
    public string Hash => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"v{FeatureSchema.Version}:" + string.Join(",", Names))))[..16].ToLowerInvariant();
}
