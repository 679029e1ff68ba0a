using MiningLulc.Geo;

namespace MiningLulc.Align;

/// <summary>
/// Finds the ten Sentinel-2 bands in a composite: by band description when the descriptions name
/// them (case-insensitive, with or without the leading zero: B2 = B02, B8a = B8A), else in order.
/// </summary>
public static class BandMatcher
{
    /// <summary>1-based band indices in the order of <paramref name="wanted"/>.</summary>
    public static int[] Match(IReadOnlyList<RasterBandInfo> bands, IReadOnlyList<string> wanted, string path)
    {
        var byName = new Dictionary<string, int>();
        foreach (var b in bands)
        {
            var key = Normalize(b.Description);
            if (key.Length > 0) byName.TryAdd(key, b.Index);
        }
        var found = wanted.Select(w => byName.TryGetValue(Normalize(w), out var i) ? i : 0).ToArray();
        if (found.All(i => i > 0)) return found;
        var named = found.Count(i => i > 0);
        if (named > 0)
        {
            var missing = wanted.Where((w, k) => found[k] == 0);
            throw new InvalidInputException($"missing bands {string.Join(", ", missing)} (band descriptions: {string.Join(", ", bands.Select(b => b.Description))})", path);
        }
        if (bands.Count < wanted.Count)
            throw new InvalidInputException($"has {bands.Count} bands, needs the {wanted.Count} bands {string.Join(" ", wanted)}", path);
        return Enumerable.Range(1, wanted.Count).ToArray();
    }

    /// <summary>
    /// The band a one-band file holds, from a token of its file name (<c>T32TQM_2019_B8A_20m.tif</c> → B8A):
    /// null when no token, or more than one, names a band.
    /// </summary>
    public static string? FromFileName(string path)
    {
        var tokens = Path.GetFileNameWithoutExtension(path).Split(['_', '-', '.', ' '], StringSplitOptions.RemoveEmptyEntries)
            .Where(IsBandToken).Select(Normalize).Distinct().ToList();
        return tokens.Count == 1 ? tokens[0] : null;
    }

    /// <summary>B1..B12 with an optional leading zero, and B8A: "B05", "b8a", "B11".</summary>
    private static bool IsBandToken(string t)
    {
        if (t.Length < 2 || t.Length > 4 || (t[0] != 'B' && t[0] != 'b')) return false;
        var rest = t[1..];
        if (rest.EndsWith('a') || rest.EndsWith('A')) return rest.Length <= 3 && int.TryParse(rest[..^1], out var a) && a == 8;
        return int.TryParse(rest, System.Globalization.NumberStyles.None, null, out var n) && n is >= 1 and <= 12;
    }

    /// <summary>"b02" → "B2", "B8a" → "B8A", " B11 " → "B11".</summary>
    internal static string Normalize(string name)
    {
        var s = name.Trim().ToUpperInvariant();
        if (s.Length >= 2 && s[0] == 'B')
        {
            var digits = s[1..].TrimStart('0');
            return "B" + (digits.Length == 0 || !char.IsDigit(digits[0]) ? "0" + digits : digits);
        }
        return s;
    }
}
