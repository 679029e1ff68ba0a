using System.Globalization;
using System.Text;
using MiningLulc.Features;

namespace MiningLulc.Tests;

/// <summary>
/// The agreement the fast engine keeps with <see cref="ScalarFeatures"/>, as a check: tests, the benchmarks'
/// <c>--verify</c> and the child-process runs without hardware intrinsics all use it.
/// </summary>
/// <remarks>
/// Reflectances, dh, the seven indices and the gradient: the same bits (any NaN matches any NaN). Focal means and
/// standard deviations: |engine - reference| ≤ <see cref="FocalRelative"/>·|reference| +
/// <see cref="FocalOfWindowMagnitude"/>·M, M the largest finite |value| in the window; NaN and infinities exactly.
/// Why the second term: sqrt(S2/N - mean²) cancels when the deviation is small against the values. The sums of 25
/// squares differ between the two orders by at most ~32 roundings of 25·M², about 1e-13·M², so the variance by as
/// much and the deviation by at most sqrt(1e-13)·M ≈ 3e-7·M: the bound leaves a margin of six. Neither side is
/// more accurate than that there.
/// </remarks>
internal static class FeatureEquivalence
{
    public const double FocalRelative = 1e-5;
    public const double FocalOfWindowMagnitude = 2e-6;

    /// <summary>Compares every plane of <paramref name="actual"/> with <paramref name="expected"/> (both from the same inputs).</summary>
    public static FeatureComparison Compare(float[][] expected, float[][] actual, IReadOnlyList<float[]> bands, float[] dh, int width, int height)
    {
        var planes = new PlaneDifference[FeatureSchema.Count];
        var n = width * height;
        for (var f = 0; f < FeatureSchema.Count; f++)
        {
            var focal = Focal(f, bands, dh);
            double maxAbs = 0, maxRel = 0;
            var bad = 0;
            var first = -1;
            for (var i = 0; i < n; i++)
            {
                float e = expected[f][i], a = actual[f][i];
                if (float.IsNaN(e) && float.IsNaN(a)) continue;
                if (BitConverter.SingleToInt32Bits(e) == BitConverter.SingleToInt32Bits(a)) continue;
                var diff = Math.Abs((double)a - e);
                var ok = false;
                if (focal is { } w && float.IsFinite(e) && float.IsFinite(a))
                {
                    maxAbs = Math.Max(maxAbs, diff);
                    if (e != 0) maxRel = Math.Max(maxRel, diff / Math.Abs(e));
                    ok = diff <= FocalRelative * Math.Abs(e) + FocalOfWindowMagnitude * WindowMagnitude(w.Src, width, height, i, w.Radius);
                }
                else if (float.IsFinite(e) && float.IsFinite(a))
                {
                    maxAbs = Math.Max(maxAbs, diff);
                    if (e != 0) maxRel = Math.Max(maxRel, diff / Math.Abs(e));
                }
                if (ok) continue;
                bad++;
                if (first < 0) first = i;
            }
            planes[f] = new PlaneDifference(FeatureSchema.Names[f], maxAbs, maxRel, bad,
                first < 0 ? "" : $"first at row {first / width}, column {first % width}: reference {expected[f][first].ToString("R", CultureInfo.InvariantCulture)}, engine {actual[f][first].ToString("R", CultureInfo.InvariantCulture)}");
        }
        return new FeatureComparison(planes);
    }

    /// <summary>
    /// Engine (at <paramref name="simd"/>) against the reference on hard synthetic inputs of several odd shapes:
    /// integer and fractional reflectances, zeros, zero-sum pairs, NaN, 65535, infinities; dh with voids (scattered
    /// and in patches), raw nodata -32767, negative and tiny values, signed zeros, infinities.
    /// </summary>
    public static FeatureComparison SelfCheck(SimdWidth simd)
    {
        var engine = new FeatureEngine(simd);
        FeatureComparison? worst = null;
        foreach (var (w, h, seed) in new[] { (1, 1, 1), (7, 3, 2), (9, 17, 3), (33, 8, 4), (257, 5, 5), (31, 31, 6), (64, 40, 7) })
        {
            var (bands, dh) = HardInputs(w, h, seed);
            var expected = NewPlanes(w * h);
            var actual = NewPlanes(w * h);
            ScalarFeatures.Compute(bands, dh, w, h, 10, 7.6, expected);
            engine.Compute(bands, dh, w, h, 10, 7.6, actual);
            var c = Compare(expected, actual, bands, dh, w, h);
            worst = worst is null ? c : worst.Merge(c);
        }
        return worst!;
    }

    /// <summary>Hard inputs for equality checks (deterministic in <paramref name="seed"/>).</summary>
    public static (float[][] Bands, float[] Dh) HardInputs(int width, int height, int seed, bool infinities = true)
    {
        var rng = new Random(seed);
        var n = width * height;
        var bands = new float[10][];
        for (var b = 0; b < 10; b++)
        {
            bands[b] = new float[n];
            for (var i = 0; i < n; i++)
            {
                var u = rng.NextDouble();
                bands[b][i] = u switch
                {
                    < 0.02 => 0f,
                    < 0.04 => float.NaN,
                    < 0.05 => 65535f,
                    < 0.06 => (float)(rng.NextDouble() * 2 - 1),
                    < 0.065 when infinities => rng.Next(2) == 0 ? float.PositiveInfinity : float.NegativeInfinity,
                    < 0.5 => rng.Next(1, 10001),
                    _ => (float)(rng.NextDouble() * 12000 - 500),
                };
            }
        }
        // Zero-sum pairs for every index's denominator, and the BSI's d = -1e-6 edge.
        for (var i = 0; i < n; i += 11)
        {
            bands[FeatureSchema.B04][i] = -bands[FeatureSchema.B08][i];
            bands[FeatureSchema.B8A][i] = -bands[FeatureSchema.B05][i];
        }
        for (var i = 5; i < n; i += 13) { bands[FeatureSchema.B02][i] = -0.5e-6f; bands[FeatureSchema.B04][i] = -0.5e-6f; bands[FeatureSchema.B08][i] = 0; bands[FeatureSchema.B11][i] = 0; }

        var dh = new float[n];
        for (var i = 0; i < n; i++)
        {
            var u = rng.NextDouble();
            dh[i] = u switch
            {
                < 0.05 => float.NaN,
                < 0.06 => -32767f,
                < 0.07 => (float)(rng.NextDouble() * 1e-3),
                < 0.075 => -0f,
                < 0.08 => 0f,
                < 0.085 => (float)(rng.NextDouble() * 18000 - 9000),
                < 0.087 when infinities => rng.Next(2) == 0 ? float.PositiveInfinity : float.NegativeInfinity,
                _ => (float)(rng.NextDouble() * 60 - 40),
            };
        }
        // A void patch (a DCM gap) wider than the 5x5 window.
        if (width >= 8 && height >= 8)
            for (var r = height / 4; r < height / 4 + 6; r++)
                for (var c = width / 3; c < Math.Min(width, width / 3 + 7); c++) dh[r * width + c] = float.NaN;
        return (bands, dh);
    }

    public static float[][] NewPlanes(int n)
    {
        var planes = new float[FeatureSchema.Count][];
        for (var f = 0; f < planes.Length; f++) planes[f] = new float[n];
        return planes;
    }

    private static (float[] Src, int Radius)? Focal(int f, IReadOnlyList<float[]> bands, float[] dh) => f switch
    {
        FeatureSchema.DhMean3 or FeatureSchema.DhStd3 => (dh, 1),
        FeatureSchema.DhMean5 or FeatureSchema.DhStd5 => (dh, 2),
        FeatureSchema.NirStd3 => (bands[FeatureSchema.B08], 1),
        FeatureSchema.DhMean15 or FeatureSchema.DhStd15 => (dh, 7),
        FeatureSchema.DhMean31 or FeatureSchema.DhStd31 => (dh, 15),
        FeatureSchema.NirStd7 => (bands[FeatureSchema.B08], 3),
        _ => null,
    };

    private static double WindowMagnitude(float[] src, int width, int height, int i, int radius)
    {
        int r = i / width, c = i % width;
        double m = 0;
        for (var rr = Math.Max(0, r - radius); rr <= Math.Min(height - 1, r + radius); rr++)
            for (var cc = Math.Max(0, c - radius); cc <= Math.Min(width - 1, c + radius); cc++)
            {
                var v = src[rr * width + cc];
                if (float.IsFinite(v)) m = Math.Max(m, Math.Abs(v));
            }
        return m;
    }
}

/// <summary>How one plane of the engine differs from the reference: largest finite differences, and violations of the bound.</summary>
internal sealed record PlaneDifference(string Name, double MaxAbsolute, double MaxRelative, int Violations, string FirstViolation);

/// <summary>A comparison of all planes.</summary>
internal sealed record FeatureComparison(IReadOnlyList<PlaneDifference> Planes)
{
    public bool Ok => Planes.All(p => p.Violations == 0);

    /// <summary>Plane by plane, the worse of two comparisons.</summary>
    public FeatureComparison Merge(FeatureComparison other) => new(Planes.Zip(other.Planes, (a, b) => new PlaneDifference(a.Name,
        Math.Max(a.MaxAbsolute, b.MaxAbsolute), Math.Max(a.MaxRelative, b.MaxRelative), a.Violations + b.Violations,
        a.FirstViolation.Length > 0 ? a.FirstViolation : b.FirstViolation)).ToList());

    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var p in Planes)
            sb.Append(CultureInfo.InvariantCulture, $"{p.Name,-9} max abs {p.MaxAbsolute:E2} max rel {p.MaxRelative:E2} violations {p.Violations} {p.FirstViolation}\n");
        return sb.ToString();
    }
}
