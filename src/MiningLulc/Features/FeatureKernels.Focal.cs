using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MiningLulc.Features;

// Row kernels of the focal features and the gradient. Sums are kept in double (float sums of squares would
// lose the variance to cancellation); the per-width bodies are the same code at three widths, and the scalar
// remainder repeats their operations in the same order, so every width gives the same bits.
internal static partial class FeatureKernels
{
    /// <summary>
    /// One row of focal inputs: value where finite, else 0 (<paramref name="sum"/>); its square
    /// (<paramref name="sum2"/>); 1 where finite, else 0 (<paramref name="count"/>). NaN is a void; an infinity
    /// is also left out here, and reported: the caller recomputes every window that sees one with the reference.
    /// </summary>
    /// <returns>Whether <paramref name="src"/> holds an infinity.</returns>
    public static bool ConvertRow(ReadOnlySpan<float> src, Span<double> sum, Span<double> sum2, Span<double> count, SimdWidth width)
    {
        Debug.Assert(sum.Length >= src.Length && sum2.Length >= src.Length && count.Length >= src.Length);
        var n = (nuint)src.Length;
        nuint i = 0;
        var infinite = width switch
        {
            SimdWidth.Vector512 => ConvertRow512(src, sum, sum2, count, ref i),
            SimdWidth.Vector256 => ConvertRow256(src, sum, sum2, count, ref i),
            SimdWidth.Vector128 => ConvertRow128(src, sum, sum2, count, ref i),
            _ => false,
        };
        for (; i < n; i++)
        {
            var v = src[(int)i];
            var finite = float.IsFinite(v);
            double d = finite ? v : 0f;
            sum[(int)i] = d;
            sum2[(int)i] = d * d;
            count[(int)i] = finite ? 1 : 0;
            infinite |= float.IsInfinity(v);
        }
        return infinite;
    }

    /// <summary>
    /// Mean and population standard deviation of one output row from column sums (layout of
    /// <see cref="ConvertRow"/>, padded by <paramref name="pad"/> zero columns each side): the window's sums are
    /// the 2r+1 column sums around the pixel, added left to right; mean = S/N, std = sqrt(max(0, S2/N - mean²)),
    /// both NaN when N = 0 (as <see cref="ScalarFeatures.WindowMeanStd"/>). <paramref name="mean"/> may be empty.
    /// </summary>
    public static void MeanStdRow(ReadOnlySpan<double> sum, ReadOnlySpan<double> sum2, ReadOnlySpan<double> count, int pad, int radius,
        Span<float> mean, Span<float> std, SimdWidth width)
    {
        Debug.Assert(radius >= 0 && pad >= radius);
        Debug.Assert(mean.IsEmpty || mean.Length == std.Length);
        Debug.Assert(sum.Length >= std.Length + 2 * pad && sum2.Length >= std.Length + 2 * pad && count.Length >= std.Length + 2 * pad);
        var n = (nuint)std.Length;
        nuint i = 0;
        switch (width)
        {
            case SimdWidth.Vector512: MeanStdRow512(sum, sum2, count, pad, radius, mean, std, ref i); break;
            case SimdWidth.Vector256: MeanStdRow256(sum, sum2, count, pad, radius, mean, std, ref i); break;
            case SimdWidth.Vector128: MeanStdRow128(sum, sum2, count, pad, radius, mean, std, ref i); break;
        }
        var taps = 2 * radius + 1;
        for (; i < n; i++)
        {
            var j = pad + (int)i - radius;
            double s = sum[j], s2 = sum2[j], c = count[j];
            for (var k = 1; k < taps; k++) { s += sum[j + k]; s2 += sum2[j + k]; c += count[j + k]; }
            float m = float.NaN, sd = float.NaN;
            if (c != 0)
            {
                var md = s / c;
                m = (float)md;
                sd = (float)Math.Sqrt(Math.Max(0, s2 / c - md * md));
            }
            if (!mean.IsEmpty) mean[(int)i] = m;
            std[(int)i] = sd;
        }
    }

    /// <summary>
    /// Gradient magnitude of one row (<paramref name="row"/>, with the rows above and below): as
    /// <see cref="ScalarFeatures.GradientAt"/>, float differences then double; NaN in the first and last column.
    /// <paramref name="twoDx"/> and <paramref name="twoDy"/> are twice the pixel spacing in metres.
    /// </summary>
    public static void GradientRow(ReadOnlySpan<float> above, ReadOnlySpan<float> row, ReadOnlySpan<float> below, Span<float> dst,
        double twoDx, double twoDy, SimdWidth width)
    {
        Debug.Assert(above.Length >= dst.Length && row.Length >= dst.Length && below.Length >= dst.Length);
        var n = dst.Length;
        if (n == 0) return;
        dst[0] = float.NaN;
        dst[n - 1] = float.NaN;
        if (n < 3) return;
        nuint i = 1;
        var end = (nuint)(n - 1);
        switch (width)
        {
            case SimdWidth.Vector512: GradientRow512(above, row, below, dst, twoDx, twoDy, end, ref i); break;
            case SimdWidth.Vector256: GradientRow256(above, row, below, dst, twoDx, twoDy, end, ref i); break;
            case SimdWidth.Vector128: GradientRow128(above, row, below, dst, twoDx, twoDy, end, ref i); break;
        }
        for (; i < end; i++)
        {
            var k = (int)i;
            var gx = (row[k + 1] - row[k - 1]) / twoDx;
            var gy = (below[k] - above[k]) / twoDy;
            dst[k] = (float)Math.Sqrt(gx * gx + gy * gy);
        }
    }

    private static bool ConvertRow512(ReadOnlySpan<float> src, Span<double> sum, Span<double> sum2, Span<double> count, ref nuint i)
    {
        ref readonly var rs = ref MemoryMarshal.GetReference(src);
        ref var r1 = ref MemoryMarshal.GetReference(sum);
        ref var r2 = ref MemoryMarshal.GetReference(sum2);
        ref var rc = ref MemoryMarshal.GetReference(count);
        var n = (nuint)src.Length;
        var infinity = Vector512.Create(float.PositiveInfinity);
        var seen = Vector512<uint>.Zero;
        for (; i + 16 <= n; i += 16)
        {
            var v = Vector512.LoadUnsafe(in rs, i);
            var a = Vector512.Abs(v);
            var finite = Vector512.LessThan(a, infinity);
            seen |= Vector512.Equals(a, infinity).AsUInt32();
            var (lo, hi) = Vector512.Widen(v & finite);
            lo.StoreUnsafe(ref r1, i);
            hi.StoreUnsafe(ref r1, i + 8);
            (lo * lo).StoreUnsafe(ref r2, i);
            (hi * hi).StoreUnsafe(ref r2, i + 8);
            var (clo, chi) = Vector512.Widen(Vector512<float>.One & finite);
            clo.StoreUnsafe(ref rc, i);
            chi.StoreUnsafe(ref rc, i + 8);
        }
        return seen != Vector512<uint>.Zero;
    }

    private static void MeanStdRow512(ReadOnlySpan<double> sum, ReadOnlySpan<double> sum2, ReadOnlySpan<double> count, int pad, int radius,
        Span<float> mean, Span<float> std, ref nuint i)
    {
        ref readonly var rs = ref MemoryMarshal.GetReference(sum);
        ref readonly var rs2 = ref MemoryMarshal.GetReference(sum2);
        ref readonly var rc = ref MemoryMarshal.GetReference(count);
        ref var rm = ref MemoryMarshal.GetReference(mean);
        ref var rsd = ref MemoryMarshal.GetReference(std);
        var writeMean = !mean.IsEmpty;
        var n = (nuint)std.Length;
        var taps = (nuint)(2 * radius + 1);
        for (; i + 16 <= n; i += 16)
        {
            var j = (nuint)pad + i - (nuint)radius;
            var (m0, s0) = MeanStd512(in rs, in rs2, in rc, j, taps);
            var (m1, s1) = MeanStd512(in rs, in rs2, in rc, j + 8, taps);
            if (writeMean) Vector512.Narrow(m0, m1).StoreUnsafe(ref rm, i);
            Vector512.Narrow(s0, s1).StoreUnsafe(ref rsd, i);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<double> Mean, Vector512<double> Std) MeanStd512(ref readonly double rs, ref readonly double rs2, ref readonly double rc, nuint j, nuint taps)
    {
        var s = Vector512.LoadUnsafe(in rs, j);
        var s2 = Vector512.LoadUnsafe(in rs2, j);
        var c = Vector512.LoadUnsafe(in rc, j);
        for (nuint k = 1; k < taps; k++)
        {
            s += Vector512.LoadUnsafe(in rs, j + k);
            s2 += Vector512.LoadUnsafe(in rs2, j + k);
            c += Vector512.LoadUnsafe(in rc, j + k);
        }
        var m = s / c;
        var sd = Vector512.Sqrt(Vector512.MaxNative(s2 / c - m * m, Vector512<double>.Zero));
        var empty = Vector512.Equals(c, Vector512<double>.Zero); // all bits set: NaN
        return (m | empty, sd | empty);
    }

    private static void GradientRow512(ReadOnlySpan<float> above, ReadOnlySpan<float> row, ReadOnlySpan<float> below, Span<float> dst,
        double twoDx, double twoDy, nuint end, ref nuint i)
    {
        ref readonly var ra = ref MemoryMarshal.GetReference(above);
        ref readonly var rr = ref MemoryMarshal.GetReference(row);
        ref readonly var rb = ref MemoryMarshal.GetReference(below);
        ref var rd = ref MemoryMarshal.GetReference(dst);
        var tx = Vector512.Create(twoDx);
        var ty = Vector512.Create(twoDy);
        for (; i + 16 <= end; i += 16)
        {
            var (xl, xh) = Vector512.Widen(Vector512.LoadUnsafe(in rr, i + 1) - Vector512.LoadUnsafe(in rr, i - 1));
            var (yl, yh) = Vector512.Widen(Vector512.LoadUnsafe(in rb, i) - Vector512.LoadUnsafe(in ra, i));
            xl /= tx; xh /= tx; yl /= ty; yh /= ty;
            Vector512.Narrow(Vector512.Sqrt(xl * xl + yl * yl), Vector512.Sqrt(xh * xh + yh * yh)).StoreUnsafe(ref rd, i);
        }
    }

    private static bool ConvertRow256(ReadOnlySpan<float> src, Span<double> sum, Span<double> sum2, Span<double> count, ref nuint i)
    {
        ref readonly var rs = ref MemoryMarshal.GetReference(src);
        ref var r1 = ref MemoryMarshal.GetReference(sum);
        ref var r2 = ref MemoryMarshal.GetReference(sum2);
        ref var rc = ref MemoryMarshal.GetReference(count);
        var n = (nuint)src.Length;
        var infinity = Vector256.Create(float.PositiveInfinity);
        var seen = Vector256<uint>.Zero;
        for (; i + 8 <= n; i += 8)
        {
            var v = Vector256.LoadUnsafe(in rs, i);
            var a = Vector256.Abs(v);
            var finite = Vector256.LessThan(a, infinity);
            seen |= Vector256.Equals(a, infinity).AsUInt32();
            var (lo, hi) = Vector256.Widen(v & finite);
            lo.StoreUnsafe(ref r1, i);
            hi.StoreUnsafe(ref r1, i + 4);
            (lo * lo).StoreUnsafe(ref r2, i);
            (hi * hi).StoreUnsafe(ref r2, i + 4);
            var (clo, chi) = Vector256.Widen(Vector256<float>.One & finite);
            clo.StoreUnsafe(ref rc, i);
            chi.StoreUnsafe(ref rc, i + 4);
        }
        return seen != Vector256<uint>.Zero;
    }

    private static void MeanStdRow256(ReadOnlySpan<double> sum, ReadOnlySpan<double> sum2, ReadOnlySpan<double> count, int pad, int radius,
        Span<float> mean, Span<float> std, ref nuint i)
    {
        ref readonly var rs = ref MemoryMarshal.GetReference(sum);
        ref readonly var rs2 = ref MemoryMarshal.GetReference(sum2);
        ref readonly var rc = ref MemoryMarshal.GetReference(count);
        ref var rm = ref MemoryMarshal.GetReference(mean);
        ref var rsd = ref MemoryMarshal.GetReference(std);
        var writeMean = !mean.IsEmpty;
        var n = (nuint)std.Length;
        var taps = (nuint)(2 * radius + 1);
        for (; i + 8 <= n; i += 8)
        {
            var j = (nuint)pad + i - (nuint)radius;
            var (m0, s0) = MeanStd256(in rs, in rs2, in rc, j, taps);
            var (m1, s1) = MeanStd256(in rs, in rs2, in rc, j + 4, taps);
            if (writeMean) Vector256.Narrow(m0, m1).StoreUnsafe(ref rm, i);
            Vector256.Narrow(s0, s1).StoreUnsafe(ref rsd, i);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<double> Mean, Vector256<double> Std) MeanStd256(ref readonly double rs, ref readonly double rs2, ref readonly double rc, nuint j, nuint taps)
    {
        var s = Vector256.LoadUnsafe(in rs, j);
        var s2 = Vector256.LoadUnsafe(in rs2, j);
        var c = Vector256.LoadUnsafe(in rc, j);
        for (nuint k = 1; k < taps; k++)
        {
            s += Vector256.LoadUnsafe(in rs, j + k);
            s2 += Vector256.LoadUnsafe(in rs2, j + k);
            c += Vector256.LoadUnsafe(in rc, j + k);
        }
        var m = s / c;
        var sd = Vector256.Sqrt(Vector256.MaxNative(s2 / c - m * m, Vector256<double>.Zero));
        var empty = Vector256.Equals(c, Vector256<double>.Zero); // all bits set: NaN
        return (m | empty, sd | empty);
    }

    private static void GradientRow256(ReadOnlySpan<float> above, ReadOnlySpan<float> row, ReadOnlySpan<float> below, Span<float> dst,
        double twoDx, double twoDy, nuint end, ref nuint i)
    {
        ref readonly var ra = ref MemoryMarshal.GetReference(above);
        ref readonly var rr = ref MemoryMarshal.GetReference(row);
        ref readonly var rb = ref MemoryMarshal.GetReference(below);
        ref var rd = ref MemoryMarshal.GetReference(dst);
        var tx = Vector256.Create(twoDx);
        var ty = Vector256.Create(twoDy);
        for (; i + 8 <= end; i += 8)
        {
            var (xl, xh) = Vector256.Widen(Vector256.LoadUnsafe(in rr, i + 1) - Vector256.LoadUnsafe(in rr, i - 1));
            var (yl, yh) = Vector256.Widen(Vector256.LoadUnsafe(in rb, i) - Vector256.LoadUnsafe(in ra, i));
            xl /= tx; xh /= tx; yl /= ty; yh /= ty;
            Vector256.Narrow(Vector256.Sqrt(xl * xl + yl * yl), Vector256.Sqrt(xh * xh + yh * yh)).StoreUnsafe(ref rd, i);
        }
    }

    private static bool ConvertRow128(ReadOnlySpan<float> src, Span<double> sum, Span<double> sum2, Span<double> count, ref nuint i)
    {
        ref readonly var rs = ref MemoryMarshal.GetReference(src);
        ref var r1 = ref MemoryMarshal.GetReference(sum);
        ref var r2 = ref MemoryMarshal.GetReference(sum2);
        ref var rc = ref MemoryMarshal.GetReference(count);
        var n = (nuint)src.Length;
        var infinity = Vector128.Create(float.PositiveInfinity);
        var seen = Vector128<uint>.Zero;
        for (; i + 4 <= n; i += 4)
        {
            var v = Vector128.LoadUnsafe(in rs, i);
            var a = Vector128.Abs(v);
            var finite = Vector128.LessThan(a, infinity);
            seen |= Vector128.Equals(a, infinity).AsUInt32();
            var (lo, hi) = Vector128.Widen(v & finite);
            lo.StoreUnsafe(ref r1, i);
            hi.StoreUnsafe(ref r1, i + 2);
            (lo * lo).StoreUnsafe(ref r2, i);
            (hi * hi).StoreUnsafe(ref r2, i + 2);
            var (clo, chi) = Vector128.Widen(Vector128<float>.One & finite);
            clo.StoreUnsafe(ref rc, i);
            chi.StoreUnsafe(ref rc, i + 2);
        }
        return seen != Vector128<uint>.Zero;
    }

    private static void MeanStdRow128(ReadOnlySpan<double> sum, ReadOnlySpan<double> sum2, ReadOnlySpan<double> count, int pad, int radius,
        Span<float> mean, Span<float> std, ref nuint i)
    {
        ref readonly var rs = ref MemoryMarshal.GetReference(sum);
        ref readonly var rs2 = ref MemoryMarshal.GetReference(sum2);
        ref readonly var rc = ref MemoryMarshal.GetReference(count);
        ref var rm = ref MemoryMarshal.GetReference(mean);
        ref var rsd = ref MemoryMarshal.GetReference(std);
        var writeMean = !mean.IsEmpty;
        var n = (nuint)std.Length;
        var taps = (nuint)(2 * radius + 1);
        for (; i + 4 <= n; i += 4)
        {
            var j = (nuint)pad + i - (nuint)radius;
            var (m0, s0) = MeanStd128(in rs, in rs2, in rc, j, taps);
            var (m1, s1) = MeanStd128(in rs, in rs2, in rc, j + 2, taps);
            if (writeMean) Vector128.Narrow(m0, m1).StoreUnsafe(ref rm, i);
            Vector128.Narrow(s0, s1).StoreUnsafe(ref rsd, i);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<double> Mean, Vector128<double> Std) MeanStd128(ref readonly double rs, ref readonly double rs2, ref readonly double rc, nuint j, nuint taps)
    {
        var s = Vector128.LoadUnsafe(in rs, j);
        var s2 = Vector128.LoadUnsafe(in rs2, j);
        var c = Vector128.LoadUnsafe(in rc, j);
        for (nuint k = 1; k < taps; k++)
        {
            s += Vector128.LoadUnsafe(in rs, j + k);
            s2 += Vector128.LoadUnsafe(in rs2, j + k);
            c += Vector128.LoadUnsafe(in rc, j + k);
        }
        var m = s / c;
        var sd = Vector128.Sqrt(Vector128.MaxNative(s2 / c - m * m, Vector128<double>.Zero));
        var empty = Vector128.Equals(c, Vector128<double>.Zero); // all bits set: NaN
        return (m | empty, sd | empty);
    }

    private static void GradientRow128(ReadOnlySpan<float> above, ReadOnlySpan<float> row, ReadOnlySpan<float> below, Span<float> dst,
        double twoDx, double twoDy, nuint end, ref nuint i)
    {
        ref readonly var ra = ref MemoryMarshal.GetReference(above);
        ref readonly var rr = ref MemoryMarshal.GetReference(row);
        ref readonly var rb = ref MemoryMarshal.GetReference(below);
        ref var rd = ref MemoryMarshal.GetReference(dst);
        var tx = Vector128.Create(twoDx);
        var ty = Vector128.Create(twoDy);
        for (; i + 4 <= end; i += 4)
        {
            var (xl, xh) = Vector128.Widen(Vector128.LoadUnsafe(in rr, i + 1) - Vector128.LoadUnsafe(in rr, i - 1));
            var (yl, yh) = Vector128.Widen(Vector128.LoadUnsafe(in rb, i) - Vector128.LoadUnsafe(in ra, i));
            xl /= tx; xh /= tx; yl /= ty; yh /= ty;
            Vector128.Narrow(Vector128.Sqrt(xl * xl + yl * yl), Vector128.Sqrt(xh * xh + yh * yh)).StoreUnsafe(ref rd, i);
        }
    }
}
