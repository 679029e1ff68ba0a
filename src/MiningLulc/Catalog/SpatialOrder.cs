using NetTopologySuite.Geometries;

namespace MiningLulc.Catalog;

/// <summary>
/// Orders sites along a Hilbert curve through their envelope centres, so that sites processed one
/// after the other read neighbouring raster blocks: GDAL's block cache (capped, see Geo/Gdal.cs) then
/// decompresses each block about once instead of once per site. Only the processing order changes;
/// outputs are written in <c>index_n</c> order whatever it is.
/// </summary>
public static class SpatialOrder
{
    private const int Bits = 16;

    /// <summary>The items sorted by the Hilbert index of their envelope's centre (ties by their original order).</summary>
    public static List<T> Sort<T>(IReadOnlyList<T> items, Func<T, Envelope> envelope) => [.. Order(items, envelope).Select(i => items[i])];

    /// <summary>The positions of the items in Hilbert order of their envelope's centre (ties by position).</summary>
    public static int[] Order<T>(IReadOnlyList<T> items, Func<T, Envelope> envelope)
    {
        if (items.Count < 3) return [.. Enumerable.Range(0, items.Count)];
        var centres = items.Select(i => envelope(i).Centre).ToArray();
        var bounds = new Envelope();
        foreach (var c in centres) if (c is not null) bounds.ExpandToInclude(c);
        var keys = new ulong[items.Count];
        for (var i = 0; i < items.Count; i++)
            keys[i] = centres[i] is { } c ? Index(Cell(c.X, bounds.MinX, bounds.Width), Cell(c.Y, bounds.MinY, bounds.Height)) : ulong.MaxValue;
        var order = Enumerable.Range(0, items.Count).ToArray();
        Array.Sort(order, (a, b) => keys[a] != keys[b] ? keys[a].CompareTo(keys[b]) : a.CompareTo(b));
        return order;
    }

    private const uint Max = (1u << Bits) - 1;

    private static uint Cell(double v, double min, double extent)
    {
        if (!(extent > 0) || !double.IsFinite(v)) return 0;
        return (uint)Math.Clamp((v - min) / extent * Max, 0, Max);
    }

    /// <summary>The distance of cell (x, y) along a Hilbert curve filling a 2^16 x 2^16 grid.</summary>
    internal static ulong Index(uint x, uint y)
    {
        ulong d = 0;
        for (var s = 1u << (Bits - 1); s > 0; s >>= 1)
        {
            var rx = (x & s) > 0 ? 1u : 0u;
            var ry = (y & s) > 0 ? 1u : 0u;
            d += (ulong)s * s * ((3 * rx) ^ ry);
            // Rotate the quadrant so that the curve's pieces join end to end.
            if (ry == 0)
            {
                if (rx == 1) (x, y) = (Max - x, Max - y);
                (x, y) = (y, x);
            }
        }
        return d;
    }
}
