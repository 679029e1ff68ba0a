using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MiningLulc.Trees;

/// <summary>
/// Per feature, the distinct split thresholds of a tree ensemble, ascending (<c>-0</c> counted as
/// <c>0</c>, NaN thresholds left out), and the byte bin of a value: how many of them lie below it, or
/// <see cref="NaNBin"/> for NaN. A split on threshold number <c>c</c> sends a number right
/// (<c>x &gt; t</c>) exactly when its bin is above <c>c</c>. At most <see cref="MaxCuts"/> thresholds
/// per feature, so value bins and the NaN bin fit in a byte; LightGBM's and FastTree's 255-bin
/// histograms give at most 254.
/// Immutable and thread-safe.
/// </summary>
internal sealed class ByteBins
{
    public const int MaxCuts = 254;
    private const int Chunk = 16;

    private readonly float[][] cuts;
    private readonly float[] upper;      // per feature, 16 floats: the last cut of each 16-cut chunk, padded with +inf
    private readonly float[] chunked;    // per feature: its cuts padded with +inf to whole chunks, plus one chunk of +inf
    private readonly int[] chunkedStart; // per feature: where its cuts start in chunked
    private readonly int[] nanBin;       // per feature

    private ByteBins(float[][] cuts)
    {
        this.cuts = cuts;
        var width = cuts.Length;
        upper = new float[width * Chunk];
        chunkedStart = new int[width];
        nanBin = new int[width];
        var total = 0;
        for (var f = 0; f < width; f++)
        {
            chunkedStart[f] = total;
            total += Chunk * ((cuts[f].Length + Chunk - 1) / Chunk + 1);
            nanBin[f] = cuts[f].Length + 1;
        }
        chunked = new float[total];
        Array.Fill(chunked, float.PositiveInfinity);
        Array.Fill(upper, float.PositiveInfinity);
        for (var f = 0; f < width; f++)
        {
            cuts[f].CopyTo(chunked, chunkedStart[f]);
            for (var k = 0; k < (cuts[f].Length + Chunk - 1) / Chunk; k++) upper[f * Chunk + k] = chunked[chunkedStart[f] + Chunk * k + Chunk - 1];
        }
    }

    /// <summary>The bins of <paramref name="trees"/>' features, or null when a feature has more than <see cref="MaxCuts"/> thresholds.</summary>
    public static ByteBins? TryCreate(int width, IReadOnlyList<FlatTree> trees)
    {
        var cuts = new float[width][];
        for (var f = 0; f < width; f++)
        {
            cuts[f] = Cuts(trees, f);
            if (cuts[f].Length > MaxCuts) return null;
        }
        return new ByteBins(cuts);
    }

    public int Width => cuts.Length;

    /// <summary>Thresholds of feature <paramref name="f"/>; its NaN bin is one past the last value bin.</summary>
    public int CutCount(int f) => cuts[f].Length;

    public int NaNBin(int f) => nanBin[f];

    /// <summary>The index of a (non-NaN) threshold among feature <paramref name="f"/>'s cuts.</summary>
    public int IndexOf(int f, float threshold)
    {
        var c = Array.BinarySearch(cuts[f], Normal(threshold));
        Debug.Assert(c >= 0);
        return c;
    }

    /// <summary>-0 cuts like 0 (they compare equal).</summary>
    internal static float Normal(float t) => t == 0f ? 0f : t;

    /// <summary>Distinct non-NaN thresholds of feature <paramref name="feature"/>, ascending.</summary>
    internal static float[] Cuts(IEnumerable<FlatTree> trees, int feature)
    {
        var set = new SortedSet<float>();
        foreach (var t in trees)
            for (var n = 0; n < t.NodeCount; n++)
                if (t.Feature[n] == feature && !float.IsNaN(t.Threshold[n])) set.Add(Normal(t.Threshold[n]));
        return [.. set];
    }

    /// <summary>
    /// The bins of <paramref name="count"/> rows (<see cref="Width"/> features each), feature-major:
    /// <c>bins[f * stride + row]</c>, each XOR 0x80 so that a signed byte comparison orders them as
    /// unsigned. Rows from <paramref name="count"/> to <paramref name="stride"/> get bin 0.
    /// </summary>
    public void Bin(ReadOnlySpan<float> rows, int count, Span<byte> bins, int stride)
    {
        var width = cuts.Length;
        if (count > stride || bins.Length < width * stride || rows.Length < count * width) throw new ArgumentException("bin buffer too small");
        ref var upper0 = ref MemoryMarshal.GetArrayDataReference(upper);
        ref var chunked0 = ref MemoryMarshal.GetArrayDataReference(chunked);
        ref var start0 = ref MemoryMarshal.GetArrayDataReference(chunkedStart);
        ref var nan0 = ref MemoryMarshal.GetArrayDataReference(nanBin);
        ref var out0 = ref MemoryMarshal.GetReference(bins);
        for (var i = 0; i < count; i++)
        {
            ref var x0 = ref Unsafe.AsRef(in rows[i * width]);
            for (var f = 0; f < width; f++)
            {
                var x = Unsafe.Add(ref x0, f);
                // NaN compares false everywhere (count 0); it takes the NaN bin instead.
                var bin = CountBelow(ref Unsafe.Add(ref upper0, f * Chunk), ref Unsafe.Add(ref chunked0, Unsafe.Add(ref start0, f)), x);
                if (float.IsNaN(x)) bin = Unsafe.Add(ref nan0, f);
                Unsafe.Add(ref out0, f * stride + i) = (byte)(bin ^ 0x80);
            }
        }
        for (var f = 0; f < width; f++) bins.Slice(f * stride + count, stride - count).Fill(0x80);
    }

    /// <summary>
    /// How many of a feature's ascending cuts are below <paramref name="x"/> (not NaN), in two 16-wide
    /// steps: the number of whole chunks below <paramref name="x"/> (their last cut is), then the cuts
    /// below it in the next chunk.
    /// No data-dependent branch and no chain of dependent loads; up to 256 cuts.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int CountBelow(ref float upper, ref float chunked, float x)
    {
        if (!Vector256.IsHardwareAccelerated) return CountBelow128(ref upper, ref chunked, x);
        var v = Vector256.Create(x);
        var whole = BitOperations.PopCount(Vector256.LessThan(Vector256.LoadUnsafe(ref upper), v).ExtractMostSignificantBits()
            | (Vector256.LessThan(Vector256.LoadUnsafe(ref upper, 8), v).ExtractMostSignificantBits() << 8));
        ref var next = ref Unsafe.Add(ref chunked, whole * Chunk);
        return whole * Chunk + BitOperations.PopCount(Vector256.LessThan(Vector256.LoadUnsafe(ref next), v).ExtractMostSignificantBits()
            | (Vector256.LessThan(Vector256.LoadUnsafe(ref next, 8), v).ExtractMostSignificantBits() << 8));
    }

    /// <summary>
    /// <see cref="CountBelow(ref float, ref float, float)"/> with <see cref="Vector128{T}"/>, where
    /// <see cref="Vector256{T}"/> would run in software (ARM64, x86 without AVX2).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int CountBelow128(ref float upper, ref float chunked, float x)
    {
        var whole = Below16(ref upper, x);
        return whole * Chunk + Below16(ref Unsafe.Add(ref chunked, whole * Chunk), x);
    }

    /// <summary>How many of the 16 floats at <paramref name="at"/> are below <paramref name="x"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Below16(ref float at, float x)
    {
        var v = Vector128.Create(x);
        return BitOperations.PopCount(Vector128.LessThan(Vector128.LoadUnsafe(ref at), v).ExtractMostSignificantBits()
            | (Vector128.LessThan(Vector128.LoadUnsafe(ref at, 4), v).ExtractMostSignificantBits() << 4)
            | (Vector128.LessThan(Vector128.LoadUnsafe(ref at, 8), v).ExtractMostSignificantBits() << 8)
            | (Vector128.LessThan(Vector128.LoadUnsafe(ref at, 12), v).ExtractMostSignificantBits() << 12));
    }
}
