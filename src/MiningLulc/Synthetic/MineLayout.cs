using NetTopologySuite.Geometries;

namespace MiningLulc.Synthetic;

/// <summary>
/// The ground truth of one synthetic mine, in the region's UTM metres: its irregular extent and the
/// shapes inside it (a pit, waste dumps, a pond, facilities, haul roads, disturbed ground,
/// vegetation). <see cref="Sample"/> gives the class and the true elevation change at any point.
/// Immutable after construction; thread-safe.
/// </summary>
internal sealed class MineLayout
{
    private readonly record struct Ellipse(double X, double Y, double Rx, double Ry, double Angle)
    {
        /// <summary>Normalized radial distance: &lt; 1 inside.</summary>
        public double Norm(double x, double y)
        {
            double dx = x - X, dy = y - Y, c = Math.Cos(Angle), s = Math.Sin(Angle);
            double u = (dx * c + dy * s) / Rx, v = (-dx * s + dy * c) / Ry;
            return Math.Sqrt(u * u + v * v);
        }
    }

    private readonly record struct Rect(double X, double Y, double HalfW, double HalfH, double Angle, double Height);
    private readonly record struct Segment(double X0, double Y0, double X1, double Y1, double HalfWidth);

    private readonly Ellipse pit;
    private readonly double pitDepth, pitWater;
    private readonly List<(Ellipse Shape, double Height)> dumps = [];
    private readonly Ellipse? pond;
    private readonly List<Rect> facilities = [];
    private readonly List<Segment> roads = [];
    private readonly double disturbedBuffer, vegetationThreshold;
    private readonly ValueNoise edgeNoise, vegetationNoise, voidNoise;

    public MineLayout(long id, double cx, double cy, double radius, SynthPreset preset, Random rng, int seed)
    {
        Id = id;
        CentreX = cx;
        CentreY = cy;
        Radius = radius;
        edgeNoise = new ValueNoise(seed + 11, 60);
        vegetationNoise = new ValueNoise(seed + 13, 150);
        voidNoise = new ValueNoise(seed + 17, 40, 2);
        WaterMasked = rng.NextDouble() < 0.4;
        SpectralShift = Enumerable.Range(0, 10).Select(_ => (float)(1 + preset.SiteSpectralShift * Gaussian(rng))).ToArray();
        var commonShift = (float)(preset.SiteSpectralShift * Gaussian(rng));
        for (var b = 0; b < 10; b++) SpectralShift[b] += commonShift;

        // The site's extent: a star-shaped blob with a few harmonics.
        var harmonics = Enumerable.Range(2, 4).Select(k => (k, a: rng.NextDouble() * 0.22 / (k - 1), ph: rng.NextDouble() * 2 * Math.PI)).ToList();
        var ring = new Coordinate[73];
        for (var i = 0; i < 72; i++)
        {
            var t = i * 2 * Math.PI / 72;
            var r = radius * (1 + harmonics.Sum(h => h.a * Math.Cos(h.k * t + h.ph)));
            ring[i] = new Coordinate(cx + r * Math.Cos(t), cy + r * Math.Sin(t));
        }
        ring[72] = ring[0];
        Polygon = new GeometryFactory().CreatePolygon(ring);

        var a0 = rng.NextDouble() * 2 * Math.PI;
        var off = radius * 0.2 * rng.NextDouble();
        var rp = radius * (0.2 + 0.14 * rng.NextDouble());
        pit = new Ellipse(cx + off * Math.Cos(a0), cy + off * Math.Sin(a0), rp, rp * (0.6 + 0.4 * rng.NextDouble()), rng.NextDouble() * Math.PI);
        pitDepth = 12 + 100 * rng.NextDouble();
        pitWater = rng.NextDouble() < 0.45 ? 0.2 + 0.2 * rng.NextDouble() : 0;

        var dumpCount = 1 + rng.Next(2);
        for (var d = 0; d < dumpCount; d++)
        {
            var ang = a0 + Math.PI + (d - 0.5) * 1.4 + 0.4 * Gaussian(rng);
            var rd = radius * (0.13 + 0.12 * rng.NextDouble());
            var dist = rp + rd + radius * 0.06;
            dumps.Add((new Ellipse(pit.X + dist * Math.Cos(ang), pit.Y + dist * Math.Sin(ang), rd, rd * (0.6 + 0.4 * rng.NextDouble()), rng.NextDouble() * Math.PI),
                5 + 50 * rng.NextDouble()));
        }
        if (rng.NextDouble() < 0.5)
        {
            var ang = a0 + Math.PI / 2 + Gaussian(rng) * 0.3;
            var r = radius * (0.08 + 0.08 * rng.NextDouble());
            pond = new Ellipse(cx + 0.55 * radius * Math.Cos(ang), cy + 0.55 * radius * Math.Sin(ang), r, r * 0.7, rng.NextDouble() * Math.PI);
            TurbidPond = rng.NextDouble() < 0.6;
        }
        var fa = a0 - Math.PI / 2 + Gaussian(rng) * 0.4;
        double fx = cx + 0.5 * radius * Math.Cos(fa), fy = cy + 0.5 * radius * Math.Sin(fa);
        var buildings = 3 + rng.Next(6);
        for (var b = 0; b < buildings; b++)
            facilities.Add(new Rect(fx + 70 * Gaussian(rng), fy + 70 * Gaussian(rng), 8 + 30 * rng.NextDouble(), 8 + 22 * rng.NextDouble(), rng.NextDouble() * 0.3, 2 + 8 * rng.NextDouble()));
        roads.Add(new Segment(pit.X, pit.Y, fx, fy, 6 + 5 * rng.NextDouble()));
        foreach (var (shape, _) in dumps) roads.Add(new Segment(pit.X, pit.Y, shape.X, shape.Y, 6 + 4 * rng.NextDouble()));
        disturbedBuffer = 40 + 80 * rng.NextDouble();
        vegetationThreshold = 1 - 2 * Math.Clamp(preset.Vegetation * (0.4 + 1.2 * rng.NextDouble()), 0.01, 0.95);
    }

    public long Id { get; }
    public double CentreX { get; }
    public double CentreY { get; }
    public double Radius { get; }
    public Polygon Polygon { get; }
    /// <summary>Whether the DCM masks this site's water (as TanDEM-X products often do).</summary>
    public bool WaterMasked { get; }
    public bool TurbidPond { get; }
    /// <summary>Multiplicative per-band shift of this site's spectra (geology, illumination).</summary>
    public float[] SpectralShift { get; }

    /// <summary>Class and true elevation change (metres) at a point; dh is NaN where the DCM has a void.</summary>
    public (LulcClass Class, double Dh, bool Turbid) Sample(double x, double y)
    {
        var wobble = 0.08 * edgeNoise.At(x, y);
        foreach (var f in facilities)
        {
            double dx = x - f.X, dy = y - f.Y, c = Math.Cos(f.Angle), s = Math.Sin(f.Angle);
            if (Math.Abs(dx * c + dy * s) <= f.HalfW && Math.Abs(-dx * s + dy * c) <= f.HalfH) return (LulcClass.Facility, f.Height, false);
        }
        var pn = pit.Norm(x, y) + wobble;
        if (pn < 1)
        {
            var depth = -pitDepth * Math.Pow(1 - pn * pn, 0.7);
            depth = Math.Round(depth / 8) * 8 + (depth - Math.Round(depth / 8) * 8) * 0.3; // terraces
            if (pn < pitWater) return (LulcClass.WaterBody, WaterMasked ? double.NaN : depth, false);
            var wallVoid = pn > 0.8 && voidNoise.At(x, y) > 0.45; // radar shadow on steep walls
            return (LulcClass.OpenPit, wallVoid ? double.NaN : depth, false);
        }
        foreach (var (shape, height) in dumps)
        {
            var dn = shape.Norm(x, y) + wobble;
            if (dn < 1) return (LulcClass.WasteDumpingSite, height * Math.Clamp((1 - dn) * 3.5, 0, 1), false);
        }
        if (pond is Ellipse p && p.Norm(x, y) + wobble < 1) return (LulcClass.WaterBody, WaterMasked ? double.NaN : 0.5, TurbidPond);
        foreach (var r in roads)
            if (DistanceToSegment(x, y, r) < r.HalfWidth) return (LulcClass.GeneralDisturbedLand, 0.2, false);
        var near = Math.Min(pit.Norm(x, y) - 1, dumps.Min(d => d.Shape.Norm(x, y) - 1)) * pit.Rx;
        foreach (var f in facilities) near = Math.Min(near, Math.Sqrt((x - f.X) * (x - f.X) + (y - f.Y) * (y - f.Y)) - f.HalfW);
        if (near < disturbedBuffer * (1 + 0.6 * edgeNoise.At(y, x))) return (LulcClass.GeneralDisturbedLand, 0.3, false);
        if (vegetationNoise.At(x, y) > vegetationThreshold) return (LulcClass.Vegetation, -2.5, false); // X-band penetration bias
        return (LulcClass.BareSoil, 0, false);
    }

    private static double DistanceToSegment(double x, double y, Segment s)
    {
        double vx = s.X1 - s.X0, vy = s.Y1 - s.Y0, wx = x - s.X0, wy = y - s.Y0;
        var t = Math.Clamp((wx * vx + wy * vy) / Math.Max(vx * vx + vy * vy, 1e-9), 0, 1);
        double dx = wx - t * vx, dy = wy - t * vy;
        return Math.Sqrt(dx * dx + dy * dy);
    }

    internal static double Gaussian(Random rng)
    {
        var u1 = 1.0 - rng.NextDouble();
        var u2 = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
