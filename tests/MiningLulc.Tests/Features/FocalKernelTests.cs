using MiningLulc.Features;

namespace MiningLulc.Tests.Features;

/// <summary>
/// The focal row kernels alone, at each vector width, against their own scalar loop (the width
/// <see cref="SimdWidth.Scalar"/>, which the vector bodies repeat operation for operation): the same bits on hard
/// values, at lengths on both sides of every width's vector/remainder split. Tighter than the engine tests, which
/// reach the kernels only through whole images and recompute windows with infinities by the reference.
/// </summary>
public class FocalKernelTests
{
    // 0..3 lanes, around one and two vectors of 4, 8 and 16 floats, and longer rows.
    private static readonly int[] Lengths = [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 48, 49, 100];

    private static readonly float[] Specials = [0f, -0f, 1f, -1f, 0.1f, 3000f, 65535f, -32767f, 1e-6f, float.Epsilon,
        1e15f, -1e30f, float.MaxValue, -float.MaxValue, float.NaN, float.PositiveInfinity, float.NegativeInfinity];

    /// <summary>The vector widths in bits; all three run whatever the hardware (a width it lacks is emulated).</summary>
    public static TheoryData<int> VectorWidths() => new(128, 256, 512);

    [Theory]
    [MemberData(nameof(VectorWidths))]
    public void ConvertRowGivesTheScalarBits(int widthBits)
    {
        foreach (var n in Lengths)
        {
            CheckConvert(HardRow(n, seed: n), (SimdWidth)widthBits);
            // One infinity, at each position in turn: the flag must come from the vector part as from the remainder.
            for (var p = 0; p < n; p++)
            {
                var row = HardRow(n, seed: n, specials: false);
                row[p] = p % 2 == 0 ? float.PositiveInfinity : float.NegativeInfinity;
                CheckConvert(row, (SimdWidth)widthBits);
            }
            CheckConvert(HardRow(n, seed: n + 1, specials: false), (SimdWidth)widthBits);
        }
    }

    [Theory]
    [MemberData(nameof(VectorWidths))]
    public void MeanStdRowGivesTheScalarBits(int widthBits)
    {
        const int pad = 15; // up to the largest radius of the schema (31x31)
        var rng = new Random(widthBits);
        foreach (var n in Lengths)
        {
            // Column sums as FocalSums keeps them: finite doubles, zero pads, counts 0..5 (0: an empty window, NaN);
            // sum2 is not tied to sum, so negative variances (clamped to 0) occur too.
            var sum = new double[n + 2 * pad];
            var sum2 = new double[sum.Length];
            var count = new double[sum.Length];
            for (var i = pad; i < pad + n; i++)
            {
                count[i] = rng.NextDouble() < 0.3 ? 0 : rng.Next(1, 6);
                sum[i] = count[i] == 0 ? 0 : (rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-8, 20));
                sum2[i] = count[i] == 0 ? 0 : rng.NextDouble() < 0.1 ? 0 : sum[i] * sum[i] / count[i] * (0.5 + rng.NextDouble());
            }
            for (var radius = 0; radius <= pad; radius++)
                foreach (var withMean in new[] { true, false })
                {
                    var (expectedMean, expectedStd) = MeanStd(sum, sum2, count, pad, radius, n, withMean, SimdWidth.Scalar);
                    var (mean, std) = MeanStd(sum, sum2, count, pad, radius, n, withMean, (SimdWidth)widthBits);
                    var what = $"{n} pixels, radius {radius}, at {(SimdWidth)widthBits}";
                    FeatureEngineTests.AssertSameBits(expectedMean, mean, $"mean of {what}");
                    FeatureEngineTests.AssertSameBits(expectedStd, std, $"std of {what}");
                }
        }
    }

    [Theory]
    [MemberData(nameof(VectorWidths))]
    public void GradientRowGivesTheScalarBits(int widthBits)
    {
        foreach (var n in Lengths)
        {
            float[] above = HardRow(n, seed: 3 * n), row = HardRow(n, seed: 3 * n + 1), below = HardRow(n, seed: 3 * n + 2);
            var expected = new float[n];
            var actual = new float[n];
            FeatureKernels.GradientRow(above, row, below, expected, 20, 15.2, SimdWidth.Scalar);
            FeatureKernels.GradientRow(above, row, below, actual, 20, 15.2, (SimdWidth)widthBits);
            FeatureEngineTests.AssertSameBits(expected, actual, $"gradient of {n} pixels at {(SimdWidth)widthBits}");
        }
    }

    private static void CheckConvert(float[] src, SimdWidth width)
    {
        var n = src.Length;
        double[] s = new double[n], s2 = new double[n], c = new double[n], es = new double[n], es2 = new double[n], ec = new double[n];
        var expectedInfinite = FeatureKernels.ConvertRow(src, es, es2, ec, SimdWidth.Scalar);
        var infinite = FeatureKernels.ConvertRow(src, s, s2, c, width);
        Assert.True(expectedInfinite == infinite, $"infinity flag of {n} pixels at {width}: expected {expectedInfinite}");
        for (var i = 0; i < n; i++)
        {
            Assert.True(BitConverter.DoubleToInt64Bits(es[i]) == BitConverter.DoubleToInt64Bits(s[i]), $"sum at {i} of {n} at {width}");
            Assert.True(BitConverter.DoubleToInt64Bits(es2[i]) == BitConverter.DoubleToInt64Bits(s2[i]), $"sum2 at {i} of {n} at {width}");
            Assert.True(BitConverter.DoubleToInt64Bits(ec[i]) == BitConverter.DoubleToInt64Bits(c[i]), $"count at {i} of {n} at {width}");
        }
    }

    private static (float[] Mean, float[] Std) MeanStd(double[] sum, double[] sum2, double[] count, int pad, int radius, int n, bool withMean, SimdWidth width)
    {
        var mean = withMean ? new float[n] : [];
        var std = new float[n];
        FeatureKernels.MeanStdRow(sum, sum2, count, pad, radius, mean, std, width);
        return (withMean ? mean : new float[n], std);
    }

    /// <summary>Values from a few orders of magnitude, fractional and integer, and (with <paramref name="specials"/>) signed zeros, extremes, NaN and infinities.</summary>
    private static float[] HardRow(int n, int seed, bool specials = true)
    {
        var rng = new Random(seed);
        var row = new float[n];
        for (var i = 0; i < n; i++)
            row[i] = specials && rng.NextDouble() < 0.4 ? Specials[rng.Next(Specials.Length)]
                : (float)((rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-3, 6)));
        return row;
    }
}
