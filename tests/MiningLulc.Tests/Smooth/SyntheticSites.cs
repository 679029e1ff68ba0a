using MiningLulc.Smooth;

namespace MiningLulc.Tests.Smooth;

/// <summary>
/// Synthetic (seeded, made-up) grids and class rasters for comparing the fast filter with the
/// brute-force reference. Nothing here comes from real data.
/// </summary>
internal static class SyntheticSites
{
    /// <summary>
    /// Coordinates x = x0 + c*ux + r*vx + curve*(c^2 + r^2), y likewise (curve in metres per pixel^2
    /// adds a projection-like bend so the grid is not exactly affine).
    /// </summary>
    public static MetricGrid Grid(int width, int height, double ux, double uy, double vx, double vy,
        double curve = 0, double x0 = 405_000, double y0 = 7_455_000)
    {
        var x = new double[width * height];
        var y = new double[width * height];
        for (int r = 0; r < height; r++)
            for (int c = 0; c < width; c++)
            {
                int i = r * width + c;
                x[i] = x0 + c * ux + r * vx + curve * (c * c - 0.5 * r * r);
                y[i] = y0 + c * uy + r * vy + curve * (0.7 * c * r + 0.3 * r * r);
            }
        return new MetricGrid(width, height, x, y);
    }

    /// <summary>Square 10 m north-up grid (many exact distance ties).</summary>
    public static MetricGrid Square(int width, int height) => Grid(width, height, 10, 0, 0, -10);

    /// <summary>EPSG:4326-like pixel at 40 degrees latitude: about 7.6 m wide, 10 m high.</summary>
    public static MetricGrid Anisotropic(int width, int height) => Grid(width, height, 7.6, 0, 0, -10);

    /// <summary>Anisotropic, rotated by <paramref name="radians"/> and slightly sheared, optionally bent.</summary>
    public static MetricGrid Rotated(int width, int height, double radians, double curve = 0)
    {
        double cos = Math.Cos(radians), sin = Math.Sin(radians);
        // Column step (7.6, 0) and row step (0.05, -10) (a small shear), both rotated.
        return Grid(width, height,
            7.6 * cos, 7.6 * sin,
            0.05 * cos + 10 * sin, 0.05 * sin - 10 * cos, curve);
    }

    /// <summary>
    /// Blobby classes 1..7 (a coarse random pattern) with salt-and-pepper noise, inside an ellipse, with
    /// round holes and scattered missing pixels set to 0.
    /// </summary>
    public static byte[] Classes(int width, int height, int seed, double salt = 0.1, double missing = 0.03,
        int holes = 2, int blob = 6)
    {
        var rng = new Random(seed);
        int bw = width / blob + 2, bh = height / blob + 2;
        var coarse = new byte[bw * bh];
        for (int i = 0; i < coarse.Length; i++)
            coarse[i] = (byte)rng.Next(1, 8);
        var holeList = Enumerable.Range(0, holes)
            .Select(_ => (r: rng.NextDouble() * height, c: rng.NextDouble() * width,
                rad: 2 + rng.NextDouble() * Math.Min(width, height) / 8.0))
            .ToArray();

        var classes = new byte[width * height];
        for (int r = 0; r < height; r++)
            for (int c = 0; c < width; c++)
            {
                double er = (r - height / 2.0) / (height / 2.0), ec = (c - width / 2.0) / (width / 2.0);
                bool inside = er * er + ec * ec <= 1.05
                              && !holeList.Any(hl => (r - hl.r) * (r - hl.r) + (c - hl.c) * (c - hl.c) < hl.rad * hl.rad)
                              && rng.NextDouble() >= missing;
                if (!inside)
                    continue;
                // Jitter the block lookup so blob edges are ragged.
                int br = Math.Clamp((r + rng.Next(-1, 2)) / blob, 0, bh - 1);
                int bc = Math.Clamp((c + rng.Next(-1, 2)) / blob, 0, bw - 1);
                classes[r * width + c] = rng.NextDouble() < salt ? (byte)rng.Next(1, 8) : coarse[br * bw + bc];
            }
        return classes;
    }

    /// <summary>Exactly <paramref name="count"/> random classified pixels (classes 1..7), the rest 0.</summary>
    public static byte[] Scattered(int width, int height, int count, int seed)
    {
        var rng = new Random(seed);
        var classes = new byte[width * height];
        foreach (int i in Enumerable.Range(0, width * height).OrderBy(_ => rng.Next()).Take(count))
            classes[i] = (byte)rng.Next(1, 8);
        return classes;
    }
}
