using System.Runtime.InteropServices;
using NetTopologySuite.Geometries;

namespace MiningLulc.Synthetic;

/// <summary>One planned site: its outline in UTM metres (Polygon or MultiPolygon) and where its mine sits.</summary>
internal sealed record PlannedSite(long Id, Geometry Outline, double CentreX, double CentreY, double Radius, (double X, double Y, double R)? Annex);

/// <summary>
/// Lays out the mining extents of a region: irregular outlines of 0.2-5 km² (log-uniform), some
/// pairs sharing a border (neighbouring concessions cut from one blob), some overlapping a
/// neighbour, some with a detached second part; spread over a square sized from the sites' total
/// area and the preset's density, centred on the preset's centre (a 1° line, so the sites straddle
/// DCM tiles). Site ids are a seeded permutation of 1..N.
/// </summary>
internal static class SitePlanner
{
    private static readonly GeometryFactory Factory = new();

    private sealed record Unit(List<(Geometry Outline, (double X, double Y, double R)? Annex)> Parts, double Area)
    {
        public double X, Y;
        public bool WantsOverlap { get; init; }
        /// <summary>Largest distance from the unit's origin to any vertex.</summary>
        public double Reach;
        public double EquivalentRadius => Math.Sqrt(Area / Math.PI);
    }

    public static IReadOnlyList<PlannedSite> Plan(int count, SynthPreset preset, Random rng, double cx0, double cy0)
    {
        var areas = Enumerable.Range(0, count).Select(_ => 1e6 * SynthRandom.LogUniform(rng, preset.SiteAreaMinKm2, preset.SiteAreaMaxKm2)).ToArray();
        // How many pairs, overlapping sites and two-part sites: the preset's shares, at least one each in a region of a few sites.
        int Quota(double share, int of, int minimumCount) => share <= 0 ? 0 : Math.Max(of >= minimumCount ? 1 : 0, (int)Math.Round(share * of));
        var pairs = Quota(preset.TouchingShare / 2, count, 4);
        var kinds = new List<int>(); // 2 = a touching pair, 1 = a single site
        for (var p = 0; p < pairs; p++) kinds.Add(2);
        while (kinds.Sum() < count) kinds.Add(1);
        rng.Shuffle(CollectionsMarshal.AsSpan(kinds));
        var singles = kinds.Count(n => n == 1);
        var overlapping = new HashSet<int>(Pick(rng, singles, Quota(preset.OverlapShare, singles, 3)));
        var twoPart = new HashSet<int>(Pick(rng, singles, Quota(preset.AnnexShare, singles, 6)));
        var units = new List<Unit>();
        var single = 0;
        var k = 0;
        foreach (var kind in kinds)
        {
            if (kind == 2)
            {
                // Two concessions cut from one blob along a bent line through its centre: they share that border, vertex for vertex.
                // Both parts stay within the preset's area range: the pair's area is bounded by it.
                var angle = rng.NextDouble() * 2 * Math.PI;
                var share = Math.Clamp(areas[k] / (areas[k] + areas[k + 1]), 0.3, 0.7);
                var total = Math.Clamp(areas[k] + areas[k + 1], 1.05e6 * preset.SiteAreaMinKm2 / Math.Min(share, 1 - share), 0.95e6 * preset.SiteAreaMaxKm2 / Math.Max(share, 1 - share));
                var (a, b) = SplitBlob(total, angle, share, rng);
                var parts = new List<(Geometry, (double, double, double)?)> { (a, null), (b, null) };
                units.Add(new Unit(parts, total));
                k += 2;
                continue;
            }
            // A detached part takes its area from the main one, so the site's area stays the drawn one.
            var withAnnex = twoPart.Contains(single);
            var aa = withAnnex ? Math.Min(areas[k] * SynthRandom.Uniform(rng, 0.05, 0.15), 0.15e6) : 0;
            var outline = Blob(0, 0, areas[k] - aa, rng);
            (double, double, double)? annex = null;
            if (withAnnex)
            {
                var r = Math.Sqrt(areas[k] / Math.PI);
                var ar = Math.Sqrt(aa / Math.PI);
                var ang = rng.NextDouble() * 2 * Math.PI;
                var d = r * 1.5 + ar * 1.3;
                var part = Blob(d * Math.Cos(ang), d * Math.Sin(ang), aa, rng);
                if (!part.Intersects(outline))
                {
                    outline = Factory.CreateMultiPolygon([(Polygon)outline, (Polygon)part]);
                    annex = (d * Math.Cos(ang), d * Math.Sin(ang), ar);
                }
                else outline = Blob(0, 0, areas[k], rng); // too close to its own outline: one part after all
            }
            units.Add(new Unit([(outline, annex)], areas[k]) { WantsOverlap = overlapping.Contains(single) });
            single++;
            k++;
        }
        foreach (var u in units)
            u.Reach = u.Parts.SelectMany(p => p.Outline.Coordinates).Max(c => Math.Sqrt(c.X * c.X + c.Y * c.Y));

        // Place big units first in a square sized for the preset's density.
        var side = Math.Max(Math.Sqrt(areas.Sum() / preset.SiteDensity), 2.2 * units.Max(u => u.Reach));
        var placed = new List<Unit>();
        // Sites that overlap a neighbour come last, when there are neighbours to overlap.
        foreach (var u in units.OrderBy(u => u.WantsOverlap).ThenByDescending(u => u.Area))
        {
            var ok = false;
            for (var attempt = 0; attempt < 6000 && !ok; attempt++)
            {
                if (attempt >= 2000 && attempt % 800 == 0) side *= 1.1; // crowded: widen the region
                Unit? target = u.WantsOverlap && attempt < 2000 && placed.Count > 0 ? placed[rng.Next(placed.Count)] : null;
                if (target is not null)
                {
                    var ang = rng.NextDouble() * 2 * Math.PI;
                    var d = (u.EquivalentRadius + target.EquivalentRadius) * SynthRandom.Uniform(rng, 0.6, 0.85);
                    u.X = target.X + d * Math.Cos(ang);
                    u.Y = target.Y + d * Math.Sin(ang);
                }
                else
                {
                    u.X = cx0 + (rng.NextDouble() - 0.5) * Math.Max(0, side - 2 * u.Reach);
                    u.Y = cy0 + (rng.NextDouble() - 0.5) * Math.Max(0, side - 2 * u.Reach);
                }
                ok = placed.All(o => ReferenceEquals(o, target) || Distance(o, u) > 1.02 * (o.Reach + u.Reach));
            }
            if (ok) placed.Add(u); // always true thanks to the widening, but never loop forever
        }

        // Move each unit to its place; permute ids.
        var sites = new List<(Geometry Outline, (double X, double Y, double R)? Annex)>();
        foreach (var u in placed)
        {
            foreach (var (outline, annex) in u.Parts)
            {
                var moved = Translate(outline, u.X, u.Y);
                sites.Add((moved, annex is (double ax, double ay, double ar) ? (ax + u.X, ay + u.Y, ar) : null));
            }
        }
        var ids = Enumerable.Range(1, sites.Count).ToArray();
        rng.Shuffle(ids);
        var result = new List<PlannedSite>();
        for (var i = 0; i < sites.Count; i++)
        {
            var (outline, annex) = sites[i];
            var main = outline is MultiPolygon mp ? mp.Geometries.OrderByDescending(g => g.Area).First() : outline;
            var c = main.Centroid;
            if (!main.Contains(c)) c = main.InteriorPoint;
            result.Add(new PlannedSite(ids[i], outline, c.X, c.Y, Math.Sqrt(main.Area / Math.PI), annex));
        }
        return result.OrderBy(s => s.Id).ToList();
    }

    /// <summary><paramref name="n"/> distinct indices out of <paramref name="of"/>, seeded.</summary>
    private static IEnumerable<int> Pick(Random rng, int of, int n)
    {
        var all = Enumerable.Range(0, of).ToArray();
        rng.Shuffle(all);
        return all.Take(Math.Min(n, of));
    }

    private static double Distance(Unit a, Unit b) => Math.Sqrt((a.X - b.X) * (a.X - b.X) + (a.Y - b.Y) * (a.Y - b.Y));

    /// <summary>An irregular, star-shaped outline of the given area (m²) around a point: a circle with a few random harmonics.</summary>
    internal static Geometry Blob(double cx, double cy, double area, Random rng)
    {
        const int n = 96;
        var shape = new StarShape(rng, area);
        var ring = new Coordinate[n + 1];
        for (var i = 0; i < n; i++) ring[i] = shape.At(i * 2 * Math.PI / n, cx, cy);
        ring[n] = ring[0];
        return Factory.CreatePolygon(ring);
    }

    /// <summary>
    /// A star-shaped blob of the given area cut by two rays from its centre (at angle t0, and where the first part
    /// holds <paramref name="share"/> of the area) into two polygons: the border (ray, centre, ray) is made of the
    /// very same coordinates in both, so they touch exactly.
    /// </summary>
    private static (Geometry, Geometry) SplitBlob(double area, double t0, double share, Random rng)
    {
        const int n = 96;
        var shape = new StarShape(rng, area);
        var t1 = shape.AngleHolding(t0, share * area);
        var centre = new Coordinate(0, 0);
        var p0 = shape.At(t0, 0, 0);
        var p1 = shape.At(t1, 0, 0);
        List<Coordinate> Arc(double from, double to, Coordinate start, Coordinate end)
        {
            var arc = new List<Coordinate> { centre, start };
            var step = 2 * Math.PI / n;
            for (var t = Math.Ceiling(from / step) * step; t < to; t += step)
                if (t - from > 1e-9 && to - t > 1e-9) arc.Add(shape.At(t, 0, 0));
            arc.Add(end);
            arc.Add(centre);
            return arc;
        }
        var a = Factory.CreatePolygon(Arc(t0, t1, p0, p1).ToArray());
        var b = Factory.CreatePolygon(Arc(t1, t0 + 2 * Math.PI, p1, p0).ToArray());
        return (a, b);
    }

    /// <summary>Radius as a function of angle: a circle with harmonics 2..7, scaled to an area.</summary>
    private sealed class StarShape
    {
        private readonly (int K, double A, double Ph)[] harmonics;
        private readonly double scale;

        public StarShape(Random rng, double area)
        {
            harmonics = Enumerable.Range(2, 6).Select(k => (k, SynthRandom.Uniform(rng, 0, 0.28) / Math.Pow(k - 1, 0.8), rng.NextDouble() * 2 * Math.PI)).ToArray();
            // Area of the unit shape (fine polygon), then the scale that gives the target area.
            const int n = 720;
            double unit = 0;
            for (var i = 0; i < n; i++) unit += 0.5 * Unit(i * 2 * Math.PI / n) * Unit((i + 1) * 2 * Math.PI / n) * Math.Sin(2 * Math.PI / n);
            scale = Math.Sqrt(area / unit);
        }

        private double Unit(double t) => Math.Max(0.35, 1 + harmonics.Sum(h => h.A * Math.Cos(h.K * t + h.Ph)));

        /// <summary>The angle t1 &gt; t0 such that the sector from t0 to t1 holds the given area (m²).</summary>
        public double AngleHolding(double t0, double target)
        {
            const int n = 2880;
            var dt = 2 * Math.PI / n;
            double acc = 0;
            for (var i = 0; i < n; i++)
            {
                var t = t0 + i * dt;
                var piece = 0.5 * scale * scale * Unit(t) * Unit(t + dt) * Math.Sin(dt);
                if (acc + piece >= target) return t + dt * (target - acc) / piece;
                acc += piece;
            }
            return t0 + 2 * Math.PI;
        }

        public Coordinate At(double t, double cx, double cy)
        {
            var r = scale * Unit(t);
            return new Coordinate(cx + r * Math.Cos(t), cy + r * Math.Sin(t));
        }
    }

    private static Geometry Translate(Geometry g, double dx, double dy)
    {
        var copy = g.Copy();
        copy.Apply(new TranslateFilter(dx, dy));
        copy.GeometryChanged();
        return copy;
    }

    private sealed class TranslateFilter(double dx, double dy) : ICoordinateSequenceFilter
    {
        public bool Done => false;
        public bool GeometryChanged => true;

        public void Filter(CoordinateSequence seq, int i)
        {
            seq.SetX(i, seq.GetX(i) + dx);
            seq.SetY(i, seq.GetY(i) + dy);
        }
    }
}
