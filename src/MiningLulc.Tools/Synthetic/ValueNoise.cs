namespace MiningLulc.Synthetic;

/// <summary>
/// Smooth, seeded 2-D value noise in [-1, 1]: random values on a lattice of the given cell size
/// (metres), smoothstep-interpolated, summed over octaves. Deterministic for a seed; thread-safe.
/// </summary>
public sealed class ValueNoise(int seed, double cellSize, int octaves = 3)
{
    public double At(double x, double y)
    {
        double sum = 0, amplitude = 1, norm = 0, size = cellSize;
        for (var o = 0; o < octaves; o++)
        {
            sum += amplitude * Lattice(x / size, y / size, seed + o * 7919);
            norm += amplitude;
            amplitude *= 0.5;
            size *= 0.5;
        }
        return sum / norm;
    }

    private static double Lattice(double x, double y, int s)
    {
        var x0 = Math.Floor(x);
        var y0 = Math.Floor(y);
        var fx = Smooth(x - x0);
        var fy = Smooth(y - y0);
        var ix = (long)x0;
        var iy = (long)y0;
        var a = Hash(ix, iy, s);
        var b = Hash(ix + 1, iy, s);
        var c = Hash(ix, iy + 1, s);
        var d = Hash(ix + 1, iy + 1, s);
        return a + (b - a) * fx + (c - a) * fy + (a - b - c + d) * fx * fy;
    }

    private static double Smooth(double t) => t * t * (3 - 2 * t);

    /// <summary>A uniform value in [-1, 1] for a lattice point (SplitMix64 of the coordinates).</summary>
    internal static double Hash(long x, long y, int seed)
    {
        var h = (ulong)x * 0x9E3779B97F4A7C15UL + (ulong)y * 0xC2B2AE3D27D4EB4FUL + (ulong)(uint)seed * 0x165667B19E3779F9UL;
        h ^= h >> 30; h *= 0xBF58476D1CE4E5B9UL;
        h ^= h >> 27; h *= 0x94D049BB133111EBUL;
        h ^= h >> 31;
        return (h >> 11) * (2.0 / (1UL << 53)) - 1.0;
    }
}
