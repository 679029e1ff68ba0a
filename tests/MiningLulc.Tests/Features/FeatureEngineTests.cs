using MiningLulc.Features;

namespace MiningLulc.Tests.Features;

/// <summary>The SIMD engine against the scalar reference: every width, odd lengths and shapes, hard values, block edges.</summary>
public class FeatureEngineTests
{
    private static readonly int[] Lengths = [0, 1, 7, 8, 9, 15, 16, 17, 31, 33, 257, 1023];

    internal static readonly SimdWidth[] AllWidths = [SimdWidth.Scalar, SimdWidth.Vector128, SimdWidth.Vector256, SimdWidth.Vector512];

    /// <summary>Lengths x widths (in bits, 0 = the scalar loop).</summary>
    public static TheoryData<int, int> LengthsAndWidths()
    {
        var data = new TheoryData<int, int>();
        foreach (var n in Lengths) foreach (var w in AllWidths) data.Add(n, (int)w);
        return data;
    }

    [Theory]
    [MemberData(nameof(LengthsAndWidths))]
    public void RowsOfEveryLengthMatchTheReference(int length, int widthBits)
    {
        // Five rows of `length` pixels: every kernel runs along rows, so the row length sets the vector/remainder split.
        CheckAgainstReference(length, 5, seed: length + 1, (SimdWidth)widthBits);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 1)]
    [InlineData(1, 9)]
    [InlineData(5, 3)]
    [InlineData(13, 11)]
    [InlineData(17, 33)]
    [InlineData(100, 7)]
    [InlineData(65, 70)]
    public void OddShapesMatchTheReferenceAtEveryWidth(int width, int height)
    {
        foreach (var simd in AllWidths) CheckAgainstReference(width, height, seed: width * 31 + height, simd);
    }

    [Fact]
    public void OperatorsMatchTheSpecOnEveryCombinationOfSpecialValues()
    {
        float[] specials = [0f, -0f, 1f, -1f, 0.1f, 3000f, 65535f, 1e-6f, -1e-6f, 5e-7f, -5e-7f, float.Epsilon,
            float.MaxValue, -float.MaxValue, float.NaN, float.PositiveInfinity, float.NegativeInfinity];
        var k = specials.Length;
        float[] a = new float[k * k * k * k], b = new float[a.Length], c = new float[a.Length], d = new float[a.Length];
        for (var i = 0; i < a.Length; i++)
        {
            a[i] = specials[i % k]; b[i] = specials[i / k % k]; c[i] = specials[i / (k * k) % k]; d[i] = specials[i / (k * k * k)];
        }
        var nd = new float[a.Length];
        var bsi = new float[a.Length];
        var ndSpec = a.Select((x, i) => ScalarFeatures.NormalizedDifference(x, b[i])).ToArray();
        var bsiSpec = a.Select((x, i) => ScalarFeatures.Bsi(x, b[i], c[i], d[i])).ToArray();
        foreach (var simd in AllWidths)
        {
            FeatureKernels.Invoke<NormalizedDifferenceOperator>(a, b, nd, simd);
            FeatureKernels.Invoke<BsiOperator>(a, b, c, d, bsi, simd);
            AssertSameBits(ndSpec, nd, $"normalized difference at {simd}");
            AssertSameBits(bsiSpec, bsi, $"BSI at {simd}");
        }
        Assert.Equal(0f, ScalarFeatures.Bsi(-5e-7f, -5e-7f, 0, 0)); // d = -1e-6 + 1e-6 = 0: defined as 0
    }

    [Fact]
    public void EveryWidthGivesTheSameBits()
    {
        // The remainder loops repeat the vector operations in the same order, so widths agree exactly.
        const int w = 37, h = 23;
        var (bands, dh) = FeatureEquivalence.HardInputs(w, h, seed: 9);
        var reference = Run(new FeatureEngine(SimdWidth.Scalar), bands, dh, w, h);
        foreach (var simd in AllWidths[1..])
        {
            var planes = Run(new FeatureEngine(simd), bands, dh, w, h);
            for (var f = 0; f < FeatureSchema.Count; f++) AssertSameBits(reference[f], planes[f], $"{FeatureSchema.Names[f]} at {simd}");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    public void BlocksComputedApartEqualTheWholeImage(int blockRows)
    {
        // Blocks with halos: each reads the rows around it and writes only its own; nothing but inputs crosses a
        // block edge, so the seams are invisible, bit for bit, on any input.
        const int w = 41, h = 30;
        var (bands, dh) = FeatureEquivalence.HardInputs(w, h, seed: 6);
        var whole = Run(new FeatureEngine(), bands, dh, w, h);
        var blocks = FeatureEquivalence.NewPlanes(w * h);
        var engine = new FeatureEngine();
        for (var r0 = 0; r0 < h; r0 += blockRows) engine.ComputeRows(bands, dh, w, h, 10, 7.6, r0, Math.Min(blockRows, h - r0), blocks);
        for (var f = 0; f < FeatureSchema.Count; f++) AssertSameBits(whole[f], blocks[f], FeatureSchema.Names[f]);
    }

    [Fact]
    public void FocalPlanesAreBitExactWhenTheSumsAreExact()
    {
        // Integer reflectances, dh on a 1/256 m grid: every double sum is exact in any order, so the engine's
        // column-first sums give the reference's bits.
        const int w = 29, h = 26;
        var (bands, dh) = ExactInputs(w, h, seed: 4);
        var expected = FeatureEquivalence.NewPlanes(w * h);
        ScalarFeatures.Compute(bands, dh, w, h, 10, 7.6, expected);
        foreach (var simd in AllWidths)
        {
            var actual = Run(new FeatureEngine(simd), bands, dh, w, h);
            for (var f = 0; f < FeatureSchema.Count; f++) AssertSameBits(expected[f], actual[f], $"{FeatureSchema.Names[f]} at {simd}");
        }
    }

    [Fact]
    public void HighDynamicRangeStaysWithinTheBound()
    {
        // Values from 1e-8 to 1e30 in dh and rare 1e15 reflectances: the double sums round, in another order than the
        // reference's, and the rounding must stay inside each window (a 1e15 two rows up may not spoil a flat window).
        const int w = 60, h = 60;
        var rng = new Random(1);
        var bands = new float[10][];
        for (var b = 0; b < 10; b++)
        {
            bands[b] = new float[w * h];
            for (var i = 0; i < bands[b].Length; i++) bands[b][i] = (float)(rng.NextDouble() < 0.05 ? 1e15 * rng.NextDouble() : rng.NextDouble());
        }
        var dh = new float[w * h];
        for (var i = 0; i < dh.Length; i++) dh[i] = (float)(Math.Pow(10, rng.Next(-8, 31)) * (rng.NextDouble() - 0.5));
        var expected = FeatureEquivalence.NewPlanes(w * h);
        ScalarFeatures.Compute(bands, dh, w, h, 10, 7.6, expected);
        foreach (var simd in AllWidths)
        {
            var c = FeatureEquivalence.Compare(expected, Run(new FeatureEngine(simd), bands, dh, w, h), bands, dh, w, h);
            Assert.True(c.Ok, $"{simd}:\n{c}");
        }
    }

    [Fact]
    public void InfinitiesAndEmptyWindowsFollowTheReference()
    {
        // +inf in dh: windows that see it have mean +inf and std NaN; both signs: mean NaN. A fully void patch: NaN.
        const int w = 12, h = 10;
        var (bands, dh) = ExactInputs(w, h, seed: 2);
        dh[3 * w + 3] = float.PositiveInfinity;
        dh[3 * w + 8] = float.PositiveInfinity;
        dh[4 * w + 10] = float.NegativeInfinity;
        for (var r = 6; r < 10; r++) for (var c = 0; c < 5; c++) dh[r * w + c] = float.NaN;
        bands[FeatureSchema.B08][7 * w + 7] = float.NegativeInfinity;
        foreach (var simd in AllWidths)
        {
            var actual = Run(new FeatureEngine(simd), bands, dh, w, h);
            var expected = FeatureEquivalence.NewPlanes(w * h);
            ScalarFeatures.Compute(bands, dh, w, h, 10, 7.6, expected);
            for (var f = 0; f < FeatureSchema.Count; f++) AssertSameBits(expected[f], actual[f], $"{FeatureSchema.Names[f]} at {simd}");
            Assert.Equal(float.PositiveInfinity, actual[FeatureSchema.DhMean3][2 * w + 2]);
            Assert.True(float.IsNaN(actual[FeatureSchema.DhStd3][2 * w + 2]));
            Assert.True(float.IsNaN(actual[FeatureSchema.DhMean5][3 * w + 9])); // +inf and -inf in one window
            Assert.True(float.IsNaN(actual[FeatureSchema.DhMean3][8 * w + 1]));  // all void
            Assert.True(float.IsNaN(actual[FeatureSchema.NirStd3][7 * w + 6]));
        }
    }

    [Fact]
    public void SelfCheckPassesAtEveryWidth()
    {
        foreach (var simd in AllWidths)
        {
            var c = FeatureEquivalence.SelfCheck(simd);
            Assert.True(c.Ok, $"{simd}:\n{c}");
        }
    }

    [Fact]
    public void SteadyStateAllocatesNothing()
    {
        const int w = 300, h = 70;
        var (bands, dh) = FeatureEquivalence.HardInputs(w, h, seed: 3);
        var output = FeatureEquivalence.NewPlanes(w * h);
        var engine = new FeatureEngine();
        engine.Compute(bands, dh, w, h, 10, 10, output);
        engine.Compute(bands, dh, w - 7, h, 10, 10, output); // a narrower grid reuses the scratch too
        var before = GC.GetAllocatedBytesForCurrentThread();
        engine.Compute(bands, dh, w, h, 10, 10, output);
        engine.Compute(bands, dh, w - 7, h, 10, 10, output);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void BadArgumentsAreRejectedAtTheEdge()
    {
        var (bands, dh) = FeatureEquivalence.HardInputs(4, 4, seed: 1);
        var output = FeatureEquivalence.NewPlanes(16);
        var engine = new FeatureEngine();
        Assert.Throws<ArgumentException>(() => engine.Compute(bands[..9], dh, 4, 4, 10, 10, output));
        Assert.Throws<ArgumentException>(() => engine.Compute(bands, dh, 5, 4, 10, 10, output));
        Assert.Throws<ArgumentOutOfRangeException>(() => engine.Compute(bands, dh, 4, 4, 0, 10, output));
        Assert.Throws<ArgumentOutOfRangeException>(() => engine.ComputeRows(bands, dh, 4, 4, 10, 10, 3, 2, output));
        var aliased = (float[][])output.Clone();
        aliased[FeatureSchema.Ndvi] = bands[FeatureSchema.B08];
        Assert.Throws<ArgumentException>(() => engine.Compute(bands, dh, 4, 4, 10, 10, aliased));
    }

    private static void CheckAgainstReference(int width, int height, int seed, SimdWidth simd)
    {
        var (bands, dh) = FeatureEquivalence.HardInputs(width, height, seed);
        var expected = FeatureEquivalence.NewPlanes(width * height);
        ScalarFeatures.Compute(bands, dh, width, height, 10, 7.6, expected);
        var actual = Run(new FeatureEngine(simd), bands, dh, width, height);
        var c = FeatureEquivalence.Compare(expected, actual, bands, dh, width, height);
        Assert.True(c.Ok, $"{width}x{height} at {simd}:\n{c}");
    }

    internal static float[][] Run(FeatureEngine engine, float[][] bands, float[] dh, int w, int h)
    {
        var planes = FeatureEquivalence.NewPlanes(w * h);
        engine.Compute(bands, dh, w, h, 10, 7.6, planes);
        return planes;
    }

    /// <summary>Integer reflectances (with NaN), dh on a 1/256 m grid in ±1000 m (with voids): every double sum is exact.</summary>
    internal static (float[][] Bands, float[] Dh) ExactInputs(int w, int h, int seed)
    {
        var rng = new Random(seed);
        var bands = new float[10][];
        for (var b = 0; b < 10; b++)
        {
            bands[b] = new float[w * h];
            for (var i = 0; i < bands[b].Length; i++) bands[b][i] = rng.NextDouble() < 0.03 ? float.NaN : rng.Next(0, 65536);
        }
        var dh = new float[w * h];
        for (var i = 0; i < dh.Length; i++) dh[i] = rng.NextDouble() < 0.05 ? float.NaN : rng.Next(-256000, 256001) / 256f;
        return (bands, dh);
    }

    internal static void AssertSameBits(float[] expected, float[] actual, string what)
    {
        for (var i = 0; i < expected.Length; i++)
        {
            if (float.IsNaN(expected[i]) && float.IsNaN(actual[i])) continue;
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"{what}: pixel {i}: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }
}
