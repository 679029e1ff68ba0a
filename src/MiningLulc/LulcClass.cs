namespace MiningLulc;

/// <summary>The seven land use / land cover classes of the published dataset (docs/output-schema.md). 0 = no class.</summary>
public enum LulcClass : byte
{
    None = 0,
    OpenPit = 1,
    WasteDumpingSite = 2,
    GeneralDisturbedLand = 3,
    WaterBody = 4,
    Facility = 5,
    BareSoil = 6,
    Vegetation = 7,
}

/// <summary>Codes and the exact <c>class_name</c> strings written into the GeoPackages.</summary>
public static class LulcClasses
{
    public const int Count = 7;

    /// <summary>Names in code order (index 0 = code 1), to the letter of the published dataset.</summary>
    public static readonly IReadOnlyList<string> Names =
    [
        "Open pit", "Waste dumping site", "General disturbed land", "Water body", "Facility", "Bare soil", "Vegetation",
    ];

    /// <summary>
    /// Display colours in code order (index 0 = code 1), one place for maps, quicklooks and plots:
    /// pit red, dump brown, disturbed orange, water blue, facility purple, bare soil sand, vegetation green.
    /// </summary>
    public static readonly IReadOnlyList<(byte R, byte G, byte B)> Colours =
    [
        (215, 48, 31), (140, 81, 10), (253, 174, 97), (43, 131, 186), (123, 50, 148), (230, 216, 173), (26, 150, 65),
    ];

    public static IEnumerable<LulcClass> All => Enumerable.Range(1, Count).Select(c => (LulcClass)c);

    public static string NameOf(LulcClass c) =>
        c is >= LulcClass.OpenPit and <= LulcClass.Vegetation ? Names[(int)c - 1] : throw new ArgumentOutOfRangeException(nameof(c), $"no class {(int)c}");

    public static string NameOf(int code) => NameOf((LulcClass)code);

    /// <summary>Parses a class name (case-insensitive, surrounding spaces ignored); null when unknown.</summary>
    public static LulcClass? Parse(string? name)
    {
        if (name is null) return null;
        var trimmed = name.Trim();
        for (var i = 0; i < Names.Count; i++)
            if (string.Equals(Names[i], trimmed, StringComparison.OrdinalIgnoreCase)) return (LulcClass)(i + 1);
        return null;
    }
}
