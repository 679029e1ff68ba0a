using System.Globalization;

namespace MiningLulc.Catalog;

/// <summary>
/// Label features left out because their geometry cannot be used (unreadable WKB, a geometry GDAL
/// or NetTopologySuite cannot parse, one that cannot be brought to EPSG:4326), per file: how many
/// and the first one. Readers record here instead of dropping features silently; commands print
/// the <see cref="Warnings"/> and reports carry them. Thread-safe (two label sets may load at once).
/// </summary>
public sealed class LabelReadLog
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, (int Count, long FirstFid, string FirstReason)> bySource = new(StringComparer.Ordinal);
    private readonly List<string> order = [];

    /// <summary>Records a feature of <paramref name="source"/> that was left out, and why.</summary>
    public void Unreadable(string source, long fid, string reason)
    {
        lock (gate)
        {
            if (bySource.TryGetValue(source, out var seen)) bySource[source] = seen with { Count = seen.Count + 1 };
            else
            {
                bySource[source] = (1, fid, reason);
                order.Add(source);
            }
        }
    }

    /// <summary>Features left out, over every file.</summary>
    public int Count { get { lock (gate) return bySource.Values.Sum(v => v.Count); } }

    /// <summary>One line per file with features left out: the file, how many, the first fid and its reason.</summary>
    public IReadOnlyList<string> Warnings
    {
        get
        {
            lock (gate)
            {
                return order.Select(source =>
                {
                    var (count, fid, reason) = bySource[source];
                    return string.Create(CultureInfo.InvariantCulture,
                        $"{source}: {count} feature(s) left out because their geometry cannot be read (first: fid {fid}, {reason})");
                }).ToList();
            }
        }
    }
}
