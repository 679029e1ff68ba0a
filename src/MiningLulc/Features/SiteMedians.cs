using System.Runtime.InteropServices;
using MiningLulc.Align;
using MiningLulc.Geo;

namespace MiningLulc.Features;

/// <summary>
/// What the site group of features (schema v2) is relative to: the median of each reflectance over the site's
/// classifiable pixels. Geology and illumination move a whole site's spectra together; a pixel against its own
/// site's middle carries what stays when they move (docs/cross-validation.md).
/// </summary>
/// <param name="Bands">Median of each of the ten reflectances, in schema order (NaN: no classifiable pixel).</param>
public sealed record SiteMedians(float[] Bands)
{
    /// <summary>No medians (no classifiable pixel, or a caller without the site pass): every relative feature is NaN.</summary>
    public static SiteMedians Unknown { get; } = new(Enumerable.Repeat(float.NaN, 10).ToArray());

    /// <summary>The divisor of band <paramref name="b"/>'s ratio: its median, NaN unless positive (a ratio to 0 or a negative reflectance says nothing).</summary>
    public float BandDivisor(int b) => Bands[b] > 0 ? Bands[b] : float.NaN;
}

/// <summary>
/// Gathers a site's medians while its blocks go by. The values come from the classifiable pixels on a lattice
/// fixed to the site grid (every <c>step</c>-th row and column, <c>step</c> chosen from the site's mask so that
/// at most about <see cref="MaxSamples"/> pixels are kept): the same pixels whatever the block size or the
/// order of the blocks, so training, cross-validation and run see the same medians, and memory stays bounded
/// on a site of any size. On a site of more than <see cref="MaxSamples"/> pixels the median is a regular
/// sample's (every second or third row and column on the larger synthetic sites), not the whole site's: its
/// sampling error shrinks as one over the square root of the pixels kept. One instance per worker; not thread-safe.
/// </summary>
public sealed class SiteMedianSampler
{
    /// <summary>About the most pixels kept per site.</summary>
    public const int MaxSamples = 1 << 14;

    private readonly List<float>[] values = [.. Enumerable.Range(0, 10).Select(_ => new List<float>())];
    private int step = 1;

    /// <summary>Starts a site: forgets the last one and picks the lattice from its mask.</summary>
    public void Start(SiteLayout layout)
    {
        foreach (var v in values) v.Clear();
        long inSite = 0;
        foreach (var m in layout.SiteMask) if (m != 0) inSite++;
        step = Math.Max(1, (int)Math.Ceiling(Math.Sqrt(inSite / (double)MaxSamples)));
    }

    /// <summary>Adds the lattice's classifiable pixels of a block's interior; <paramref name="offset"/> is where the block's (0,0) lies in the site grid.</summary>
    public void Add(AlignedSite block, Window interior, (int Col, int Row) offset)
    {
        var w = block.Grid.Width;
        for (var r = interior.RowOff; r < interior.RowOff + interior.Height; r++)
        {
            if ((offset.Row + r) % step != 0) continue;
            for (var c = interior.ColOff; c < interior.ColOff + interior.Width; c++)
            {
                if ((offset.Col + c) % step != 0) continue;
                var i = r * w + c;
                if (!block.IsClassifiable(i)) continue;
                for (var b = 0; b < 10; b++) values[b].Add(block.Bands[b][i]);
            }
        }
    }

    /// <summary>The medians of what was added since <see cref="Start"/>.</summary>
    public SiteMedians Result()
    {
        var bands = new float[10];
        for (var b = 0; b < 10; b++) bands[b] = Median(values[b]);
        return new SiteMedians(bands);
    }

    /// <summary>
    /// The middle value (the mean of the two middle ones for an even count, in double); NaN when empty. Reorders the
    /// list: a selection (Hoare's, median-of-three pivots), linear on average, where sorting the lists of
    /// every site was a tenth of a 300-site run; it picks the values a sort would.
    /// </summary>
    internal static float Median(List<float> list)
    {
        var span = CollectionsMarshal.AsSpan(list);
        if (span.Length == 0) return float.NaN;
        var h = span.Length / 2;
        var upper = Select(span, h);
        if (span.Length % 2 == 1) return upper;
        // Everything before h is at most span[h] after the selection: the lower middle value is their largest.
        var lower = span[0];
        for (var i = 1; i < h; i++) if (span[i] > lower) lower = span[i];
        return (float)(((double)lower + upper) / 2);
    }

    /// <summary>Puts the k-th smallest value at <paramref name="k"/>, none larger before it and none smaller after it, and returns it (finite values).</summary>
    private static float Select(Span<float> a, int k)
    {
        int lo = 0, hi = a.Length - 1;
        while (hi > lo)
        {
            var mid = lo + (hi - lo) / 2;
            var pivot = MedianOf3(a[lo], a[mid], a[hi]);
            int i = lo, j = hi;
            while (i <= j)
            {
                while (a[i] < pivot) i++;
                while (a[j] > pivot) j--;
                if (i <= j) { (a[i], a[j]) = (a[j], a[i]); i++; j--; }
            }
            // [lo, j] <= pivot <= [i, hi]; what lies between equals the pivot.
            if (k <= j) hi = j;
            else if (k >= i) lo = i;
            else return a[k];
        }
        return a[k];
    }

    private static float MedianOf3(float x, float y, float z) => x < y ? (y < z ? y : x < z ? z : x) : (x < z ? x : y < z ? z : y);
}
