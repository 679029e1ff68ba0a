using NetTopologySuite.Geometries;

namespace MiningLulc.Assessment;

/// <summary>
/// A compact spatial index over the envelopes of a <see cref="LabelStore"/>: buckets of a regular
/// longitude/latitude grid keyed by the cell of each envelope's south-west corner (a few bytes per
/// polygon, where an R-tree takes a hundred); envelopes larger than a cell are kept aside and checked
/// one by one. Read-only once built, so queries are thread-safe.
/// </summary>
internal sealed class EnvelopeGrid
{
    private readonly LabelStore store;
    private readonly double size;
    private readonly Dictionary<long, List<int>> buckets = [];
    private readonly List<int> large = [];

    /// <param name="store">The polygons to index (all of them, sealed).</param>
    /// <param name="cellDegrees">Grid cell side in degrees: about the size of a site (0.01° ≈ 1 km).</param>
    public EnvelopeGrid(LabelStore store, double cellDegrees = 0.01)
    {
        this.store = store;
        size = cellDegrees;
        for (var i = 0; i < store.Count; i++)
        {
            var l = store[i];
            if (l.MaxX - l.MinX > size || l.MaxY - l.MinY > size) { large.Add(i); continue; }
            var key = Key(Cell(l.MinX), Cell(l.MinY));
            if (!buckets.TryGetValue(key, out var list)) buckets[key] = list = new List<int>(4);
            list.Add(i);
        }
    }

    /// <summary>Indices of the polygons whose envelope intersects <paramref name="e"/> (boundaries included), ascending.</summary>
    public List<int> Query(Envelope e)
    {
        var result = new List<int>();
        for (long ix = Cell(e.MinX - size), x1 = Cell(e.MaxX); ix <= x1; ix++)
            for (long iy = Cell(e.MinY - size), y1 = Cell(e.MaxY); iy <= y1; iy++)
                if (buckets.TryGetValue(Key(ix, iy), out var list))
                    foreach (var i in list)
                        if (Intersects(store[i], e)) result.Add(i);
        foreach (var i in large)
            if (Intersects(store[i], e)) result.Add(i);
        result.Sort();
        return result;
    }

    private static bool Intersects(StoredLabel l, Envelope e) => l.MinX <= e.MaxX && l.MaxX >= e.MinX && l.MinY <= e.MaxY && l.MaxY >= e.MinY;

    private long Cell(double v) => (long)Math.Floor(v / size);

    private static long Key(long ix, long iy) => (ix << 32) ^ (iy & 0xFFFFFFFF);
}
