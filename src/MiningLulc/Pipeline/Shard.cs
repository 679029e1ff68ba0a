namespace MiningLulc.Pipeline;

/// <summary>
/// One of N deterministic parts of a region's sites (1-based index): a site belongs to shard
/// 1 + hash(site_id) mod N, so shards are balanced and the assignment never depends on the order
/// or the number of sites.
/// </summary>
public readonly record struct Shard(int Index, int Count)
{
    public static Shard All => new(1, 1);

    public bool IsAll => Count == 1;

    /// <summary>Parses "I/N" (1 ≤ I ≤ N).</summary>
    public static Shard Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], out var i) && int.TryParse(parts[1], out var n) && n >= 1 && i >= 1 && i <= n)
            return new Shard(i, n);
        throw new InvalidInputException($"--shard must be I/N with 1 <= I <= N, got '{text}'");
    }

    public bool Contains(long siteId)
    {
        var h = (ulong)siteId * 0x9E3779B97F4A7C15UL;
        h ^= h >> 31; h *= 0xBF58476D1CE4E5B9UL; h ^= h >> 29;
        return (int)(h % (ulong)Count) == Index - 1;
    }

    public override string ToString() => $"{Index}/{Count}";
}
