namespace MiningLulc.Synthetic;

/// <summary>
/// The DCM's TIME layer: the date of the later TanDEM-X acquisition at each point. Acquisitions
/// come in long strips along a near-polar orbit (heading 8-14° off north), a few kilometres wide
/// here, overlapping at their edges and stacked in a random order (the mosaic keeps one per pixel),
/// plus a few fill-in patches from another date. Dates cycle through the requested years so that
/// every year appears when the region is wide enough. Immutable; thread-safe.
/// </summary>
internal sealed class AcquisitionSwaths
{
    private readonly double cx, cy, ax, ay, tx, ty;
    private readonly (double Lo, double Hi, double Date)[] strips;
    private readonly ValueNoise edge, patches;
    private readonly double patchThreshold, patchDate;

    public AcquisitionSwaths(int yearMin, int yearMax, Random rng, int seed, double cx, double cy, double extent)
    {
        this.cx = cx;
        this.cy = cy;
        var heading = (SynthRandom.Chance(rng, 0.5) ? 1 : -1) * SynthRandom.Uniform(rng, 8, 14) * Math.PI / 180;
        (tx, ty) = (Math.Sin(heading), Math.Cos(heading)); // along track
        (ax, ay) = (ty, -tx);                               // across track
        var years = Enumerable.Range(yearMin, yearMax - yearMin + 1).ToArray();
        var count = Math.Max(years.Length + 1, (int)Math.Ceiling(extent / 3500));
        var order = years.ToArray();
        rng.Shuffle(order);
        var width = 1.3 * extent / count;
        strips = new (double, double, double)[count];
        for (var i = 0; i < count; i++)
        {
            var overlap = SynthRandom.Uniform(rng, 100, 600);
            var lo = -0.65 * extent + i * width - overlap;
            strips[i] = (lo, lo + width + 2 * overlap, order[i % order.Length] + SynthRandom.Uniform(rng, 0.03, 0.97));
        }
        rng.Shuffle(strips); // stacking order: the first strip that covers a point wins
        edge = new ValueNoise(seed + 401, 900, 2);
        patches = new ValueNoise(seed + 403, 700, 2);
        patchThreshold = 0.55;
        patchDate = years[rng.Next(years.Length)] + SynthRandom.Uniform(rng, 0.03, 0.97);
    }

    /// <summary>Decimal year of the acquisition at a point (UTM metres).</summary>
    public double At(double x, double y)
    {
        if (patches.At(x, y) > patchThreshold) return patchDate;
        double dx = x - cx, dy = y - cy;
        var u = dx * ax + dy * ay + 120 * edge.At(dx * tx + dy * ty, 0);
        foreach (var (lo, hi, date) in strips)
            if (u >= lo && u < hi) return date;
        return strips[0].Date;
    }
}
