using System.Security.Cryptography;
using System.Text;

namespace MiningLulc;

/// <summary>
/// The versioned list of per-pixel features. Names and order are part of a model: the model card
/// records the set's schema version (<see cref="FeatureSet.SchemaVersion"/>), its names and its
/// <see cref="FeatureSet.Hash"/>, and a model refuses a schema whose hash differs.
/// </summary>
/// <remarks>
/// <para>
/// History: v1 — ten reflectances, dh, NDVI, NDWI, MNDWI, NDBI, BSI, NBR, NDRE, focal dh statistics
/// (3x3 and 5x5 mean and standard deviation, gradient magnitude), NIR 3x3 standard deviation.
/// v2 — appended after the 24 of v1: dh mean and standard deviation over 15x15 and 31x31 windows
/// (150-310 m, the width of the disturbed band around workings) and the NIR 7x7 standard deviation
/// (the context group, <see cref="FeatureSet.ContextPixels"/> 15); each reflectance over the site's median
/// of it (the site group, <see cref="FeatureSet.NeedsSiteMedians"/>).
/// </para>
/// <para>
/// Features are only ever appended, and a set is hashed with the version in which its newest
/// feature appeared: a set of v1 features keeps its v1 hash, so models trained on v1 load unchanged.
/// </para>
/// </remarks>
public static class FeatureSchema
{
    public const int Version = 2;

    /// <summary>Every feature of the schema, in plane order.</summary>
    public static readonly IReadOnlyList<string> Names =
    [
        "B02", "B03", "B04", "B05", "B06", "B07", "B08", "B8A", "B11", "B12",
        "dh",
        "NDVI", "NDWI", "MNDWI", "NDBI", "BSI", "NBR", "NDRE",
        "dh_mean3", "dh_std3", "dh_mean5", "dh_std5", "dh_grad",
        "B08_std3",
        // v2
        "dh_mean15", "dh_std15", "dh_mean31", "dh_std31", "B08_std7",
        "B02_site", "B03_site", "B04_site", "B05_site", "B06_site", "B07_site", "B08_site", "B8A_site", "B11_site", "B12_site",
    ];

    /// <summary>How many features each version had: feature i appeared in the first version whose count exceeds i.</summary>
    private static readonly int[] CountByVersion = [24, 39];

    public static int IndexOf(string name)
    {
        for (var i = 0; i < Names.Count; i++) if (Names[i] == name) return i;
        throw new InvalidInputException($"unknown feature '{name}' (schema v{Version}: {string.Join(", ", Names)})");
    }

    /// <summary>The schema version in which a feature appeared.</summary>
    public static int IntroducedIn(string name)
    {
        var i = IndexOf(name);
        for (var v = 0; v < CountByVersion.Length; v++) if (i < CountByVersion[v]) return v + 1;
        throw new InvalidOperationException($"feature '{name}' has no version");
    }

    // Plane indices, for the calculators.
    internal const int B02 = 0, B03 = 1, B04 = 2, B05 = 3, B06 = 4, B07 = 5, B08 = 6, B8A = 7, B11 = 8, B12 = 9;
    internal const int Dh = 10, Ndvi = 11, Ndwi = 12, Mndwi = 13, Ndbi = 14, Bsi = 15, Nbr = 16, Ndre = 17;
    internal const int DhMean3 = 18, DhStd3 = 19, DhMean5 = 20, DhStd5 = 21, DhGrad = 22, NirStd3 = 23;
    /// <summary>The planes of v1: computed for every set.</summary>
    internal const int CountV1 = 24;
    /// <summary>The context group (v2): large focal windows, computed when a set asks for any of them.</summary>
    internal const int DhMean15 = 24, DhStd15 = 25, DhMean31 = 26, DhStd31 = 27, NirStd7 = 28;
    /// <summary>The site group (v2): each reflectance over the site's median of it, B02_site .. B12_site in band order.</summary>
    internal const int B02Site = 29;
    internal const int Count = 39;

    /// <summary>The planes of each group that is computed whole or not at all: [start, end) of context and site.</summary>
    internal static readonly (int Start, int End)[] Groups = [(DhMean15, B02Site), (B02Site, Count)];

    /// <summary>The group of a v2 plane (an index into <see cref="Groups"/>), -1 for a plane of v1.</summary>
    internal static int GroupOf(int plane)
    {
        for (var g = 0; g < Groups.Length; g++) if (plane >= Groups[g].Start && plane < Groups[g].End) return g;
        return -1;
    }
}

/// <summary>A named, ordered subset of the schema that a model is trained on.</summary>
public sealed record FeatureSet(string Name, IReadOnlyList<string> Names)
{
    private static readonly string[] V1 = [.. FeatureSchema.Names.Take(FeatureSchema.CountV1)];
    private static readonly string[] ContextGroup = ["dh_mean15", "dh_std15", "dh_mean31", "dh_std31", "B08_std7"];
    private static readonly string[] SiteGroup = [.. FeatureSchema.Names.Skip(FeatureSchema.B02Site)];

    /// <summary>The 24 features of schema v1: the default preset's until v2, still the code's default (configs/default.json names <see cref="Full2"/>).</summary>
    public static FeatureSet Full { get; } = new("full", V1);

    /// <summary>The 15 features of the published method, in the authors' order (docs/published-method.md).</summary>
    public static FeatureSet Published { get; } = new("published",
        ["B02", "B03", "B04", "B05", "B06", "B07", "B08", "B8A", "B11", "B12", "dh", "MNDWI", "NDBI", "NDVI", "BSI"]);

    /// <summary>Spectra alone (reflectances and spectral indices, no elevation change): to measure what the DCM adds.</summary>
    public static FeatureSet Spectral { get; } = new("spectral",
        V1.Where(n => !n.StartsWith("dh", StringComparison.Ordinal)).ToList());

    /// <summary>v1 and the context group (docs/cross-validation.md, ablation).</summary>
    public static FeatureSet FullContext { get; } = new("full-context", [.. V1, .. ContextGroup]);

    /// <summary>v1 and the site group (docs/cross-validation.md, ablation).</summary>
    public static FeatureSet FullSite { get; } = new("full-site", [.. V1, .. SiteGroup]);

    /// <summary>Every feature of schema v2 (v1, the context and the site group): the default method's since v2.</summary>
    public static FeatureSet Full2 { get; } = new("full2", FeatureSchema.Names);

    /// <summary>Every named set, by name.</summary>
    public static IReadOnlyList<FeatureSet> Named { get; } = [Full, Published, Spectral, FullContext, FullSite, Full2];

    public static FeatureSet ByName(string name) => Named.FirstOrDefault(s => s.Name == name)
        ?? throw new InvalidInputException($"unknown feature set '{name}' (known: {string.Join(", ", Named.Select(s => s.Name))})");

    /// <summary>Indices into the schema's planes, in set order.</summary>
    public int[] Indices => Names.Select(FeatureSchema.IndexOf).ToArray();

    /// <summary>
    /// The schema version in which the set's newest feature appeared: what its hash and a model's card name. A name
    /// the schema does not know (tests train on made-up columns) counts as of the current version.
    /// </summary>
    public int SchemaVersion => Names.Count == 0 ? 1 : Names.Max(n => FeatureSchema.Names.Contains(n) ? FeatureSchema.IntroducedIn(n) : FeatureSchema.Version);

    /// <summary>
    /// Pixels of context the set's focal windows read around a pixel (their largest radius): a block must be
    /// read with at least this halo to equal the whole site.
    /// </summary>
    public int ContextPixels => Indices.Max(i => i switch
    {
        FeatureSchema.DhMean31 or FeatureSchema.DhStd31 => 15,
        FeatureSchema.DhMean15 or FeatureSchema.DhStd15 => 7,
        FeatureSchema.NirStd7 => 3,
        >= FeatureSchema.DhMean3 and <= FeatureSchema.NirStd3 => 2,
        _ => 0,
    });

    /// <summary>Whether the set has a feature of the context group (15x15 and 31x31 windows).</summary>
    public bool NeedsContext => NeedsGroup(0);

    /// <summary>Whether the set has a feature relative to the site's medians (which need a pass over the site first).</summary>
    public bool NeedsSiteMedians => NeedsGroup(1);

    /// <summary>Whether the set has a feature of v2 group <paramref name="group"/> (<see cref="FeatureSchema.Groups"/>); a group is computed whole.</summary>
    internal bool NeedsGroup(int group) => Indices.Any(i => FeatureSchema.GroupOf(i) == group);

    /// <summary>
    /// SHA-256 (first 16 hex digits) of <see cref="SchemaVersion"/> and the names: changes whenever the list
    /// changes, and not when the schema only grows (a v1 set hashes as it did under v1).
    /// </summary>
    public string Hash => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"v{SchemaVersion}:" + string.Join(",", Names))))[..16].ToLowerInvariant();
}
