namespace MiningLulc.Training;

/// <summary>
/// Labelled pixels: a row-major feature matrix, the class of each row, and the site it came from
/// (for site-grouped splits). Appending grows it; it is not thread-safe.
/// </summary>
public sealed class TrainingTable(int featureCount)
{
    private readonly List<float> features = [];
    private readonly List<byte> labels = [];
    private readonly List<long> sites = [];

    public int FeatureCount { get; } = featureCount;
    public int Count => labels.Count;
    public IReadOnlyList<byte> Labels => labels;
    public IReadOnlyList<long> Sites => sites;

    public ReadOnlySpan<float> Row(int i) => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(features).Slice(i * FeatureCount, FeatureCount);

    public void Add(ReadOnlySpan<float> row, LulcClass label, long site)
    {
        if (row.Length != FeatureCount) throw new ArgumentException($"row has {row.Length} features, table has {FeatureCount}");
        features.AddRange(row);
        labels.Add((byte)label);
        sites.Add(site);
    }

    public void AddRange(TrainingTable other)
    {
        for (var i = 0; i < other.Count; i++) Add(other.Row(i), (LulcClass)other.labels[i], other.sites[i]);
    }

    /// <summary>Rows whose site satisfies the predicate.</summary>
    public TrainingTable Where(Func<long, bool> siteFilter)
    {
        var t = new TrainingTable(FeatureCount);
        for (var i = 0; i < Count; i++) if (siteFilter(sites[i])) t.Add(Row(i), (LulcClass)labels[i], sites[i]);
        return t;
    }

    /// <summary>Rows per class code 1..7 (index 0 unused).</summary>
    public int[] ClassCounts()
    {
        var counts = new int[LulcClasses.Count + 1];
        foreach (var l in labels) counts[l]++;
        return counts;
    }

    /// <summary>At most <paramref name="perClass"/> rows of each class, drawn with a seeded shuffle (class balancing).</summary>
    public TrainingTable Balance(int perClass, int seed)
    {
        var rng = new Random(seed);
        var order = Enumerable.Range(0, Count).ToArray();
        rng.Shuffle(order);
        var taken = new int[LulcClasses.Count + 1];
        var keep = order.Where(i => taken[labels[i]]++ < perClass).Order().ToList();
        var t = new TrainingTable(FeatureCount);
        foreach (var i in keep) t.Add(Row(i), (LulcClass)labels[i], sites[i]);
        return t;
    }
}
