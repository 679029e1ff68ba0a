using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MiningLulc.Features;

// Row kernels of the focal features and the gradient. Sums are kept in double (float sums of squares would
// lose the variance to cancellation). Each kernel's vector body is written once, generic over the width
// (FocalRows below), and the scalar remainder repeats its operations in the same order, so every width gives
// the same bits.
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
            SimdWidth.Vector512 => FocalRows<VectorWidth512, Vector512<float>, Vector512<double>>.ConvertRow(src, sum, sum2, count, ref i),
            SimdWidth.Vector256 => FocalRows<VectorWidth256, Vector256<float>, Vector256<double>>.ConvertRow(src, sum, sum2, count, ref i),
            SimdWidth.Vector128 => FocalRows<VectorWidth128, Vector128<float>, Vector128<double>>.ConvertRow(src, sum, sum2, count, ref i),
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
            case SimdWidth.Vector512: FocalRows<VectorWidth512, Vector512<float>, Vector512<double>>.MeanStdRow(sum, sum2, count, pad, radius, mean, std, ref i); break;
            case SimdWidth.Vector256: FocalRows<VectorWidth256, Vector256<float>, Vector256<double>>.MeanStdRow(sum, sum2, count, pad, radius, mean, std, ref i); break;
            case SimdWidth.Vector128: FocalRows<VectorWidth128, Vector128<float>, Vector128<double>>.MeanStdRow(sum, sum2, count, pad, radius, mean, std, ref i); break;
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
            case SimdWidth.Vector512: FocalRows<VectorWidth512, Vector512<float>, Vector512<double>>.GradientRow(above, row, below, dst, twoDx, twoDy, end, ref i); break;
            case SimdWidth.Vector256: FocalRows<VectorWidth256, Vector256<float>, Vector256<double>>.GradientRow(above, row, below, dst, twoDx, twoDy, end, ref i); break;
            case SimdWidth.Vector128: FocalRows<VectorWidth128, Vector128<float>, Vector128<double>>.GradientRow(above, row, below, dst, twoDx, twoDy, end, ref i); break;
        }
        for (; i < end; i++)
        {
            var k = (int)i;
            var gx = (row[k + 1] - row[k - 1]) / twoDx;
            var gy = (below[k] - above[k]) / twoDy;
            dst[k] = (float)Math.Sqrt(gx * gx + gy * gy);
        }
    }

    /// <summary>
    /// The vector bodies of the focal kernels, written once for every width: each runs whole vectors from
    /// <c>i</c> and leaves <c>i</c> at the first pixel it did not do, for the caller's scalar remainder.
    /// </summary>
    /// <remarks>All three type arguments are structs, so the JIT compiles one specialized body per width, with the
    /// width's members inlined: the instructions a kernel written for that width had (checked in the disassembly).</remarks>
    private static class FocalRows<TWidth, TFloat, TDouble>
        where TWidth : struct, IVectorWidth<TFloat, TDouble>
        where TFloat : struct
        where TDouble : struct
    {
        /// <summary>Float lanes per vector (a constant once the JIT specializes the width); a double vector holds half.</summary>
        private static nuint Lanes => (nuint)(Unsafe.SizeOf<TFloat>() / sizeof(float));

        public static bool ConvertRow(ReadOnlySpan<float> src, Span<double> sum, Span<double> sum2, Span<double> count, ref nuint i)
        {
            ref readonly var rs = ref MemoryMarshal.GetReference(src);
            ref var r1 = ref MemoryMarshal.GetReference(sum);
            ref var r2 = ref MemoryMarshal.GetReference(sum2);
            ref var rc = ref MemoryMarshal.GetReference(count);
            var n = (nuint)src.Length;
            var half = Lanes / 2;
            var infinity = TWidth.Create(float.PositiveInfinity);
            var one = TWidth.Create(1f);
            var seen = TWidth.Create(0f);
            for (; i + Lanes <= n; i += Lanes)
            {
                var v = TWidth.Load(in rs, i);
                var a = TWidth.Abs(v);
                var finite = TWidth.LessThan(a, infinity);
                seen = TWidth.Or(seen, TWidth.Equals(a, infinity));
                var (lo, hi) = TWidth.Widen(TWidth.And(v, finite));
                TWidth.Store(lo, ref r1, i);
                TWidth.Store(hi, ref r1, i + half);
                TWidth.Store(TWidth.Multiply(lo, lo), ref r2, i);
                TWidth.Store(TWidth.Multiply(hi, hi), ref r2, i + half);
                var (clo, chi) = TWidth.Widen(TWidth.And(one, finite));
                TWidth.Store(clo, ref rc, i);
                TWidth.Store(chi, ref rc, i + half);
            }
            return TWidth.Any(seen);
        }

        public static void MeanStdRow(ReadOnlySpan<double> sum, ReadOnlySpan<double> sum2, ReadOnlySpan<double> count, int pad, int radius,
            Span<float> mean, Span<float> std, ref nuint i)
        {
            ref readonly var rs = ref MemoryMarshal.GetReference(sum);
            ref readonly var rs2 = ref MemoryMarshal.GetReference(sum2);
            ref readonly var rc = ref MemoryMarshal.GetReference(count);
            ref var rm = ref MemoryMarshal.GetReference(mean);
            ref var rsd = ref MemoryMarshal.GetReference(std);
            var writeMean = !mean.IsEmpty;
            var n = (nuint)std.Length;
            var half = Lanes / 2;
            var taps = (nuint)(2 * radius + 1);
            for (; i + Lanes <= n; i += Lanes)
            {
                var j = (nuint)pad + i - (nuint)radius;
                var (m0, s0) = MeanStd(in rs, in rs2, in rc, j, taps);
                var (m1, s1) = MeanStd(in rs, in rs2, in rc, j + half, taps);
                if (writeMean) TWidth.Store(TWidth.Narrow(m0, m1), ref rm, i);
                TWidth.Store(TWidth.Narrow(s0, s1), ref rsd, i);
            }
        }

        /// <summary>Mean and std of the windows whose leftmost column sums start at <paramref name="j"/>, one double vector of them.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static (TDouble Mean, TDouble Std) MeanStd(ref readonly double rs, ref readonly double rs2, ref readonly double rc, nuint j, nuint taps)
        {
            var s = TWidth.Load(in rs, j);
            var s2 = TWidth.Load(in rs2, j);
            var c = TWidth.Load(in rc, j);
            for (nuint k = 1; k < taps; k++)
            {
                s = TWidth.Add(s, TWidth.Load(in rs, j + k));
                s2 = TWidth.Add(s2, TWidth.Load(in rs2, j + k));
                c = TWidth.Add(c, TWidth.Load(in rc, j + k));
            }
            var zero = TWidth.Create(0.0);
            var m = TWidth.Divide(s, c);
            var variance = TWidth.Subtract(TWidth.Divide(s2, c), TWidth.Multiply(m, m));
            var sd = TWidth.Sqrt(TWidth.MaxNative(variance, zero));
            var empty = TWidth.Equals(c, zero); // all bits set: NaN
            return (TWidth.Or(m, empty), TWidth.Or(sd, empty));
        }

        public static void GradientRow(ReadOnlySpan<float> above, ReadOnlySpan<float> row, ReadOnlySpan<float> below, Span<float> dst,
            double twoDx, double twoDy, nuint end, ref nuint i)
        {
            ref readonly var ra = ref MemoryMarshal.GetReference(above);
            ref readonly var rr = ref MemoryMarshal.GetReference(row);
            ref readonly var rb = ref MemoryMarshal.GetReference(below);
            ref var rd = ref MemoryMarshal.GetReference(dst);
            var tx = TWidth.Create(twoDx);
            var ty = TWidth.Create(twoDy);
            for (; i + Lanes <= end; i += Lanes)
            {
                var (xl, xh) = TWidth.Widen(TWidth.Subtract(TWidth.Load(in rr, i + 1), TWidth.Load(in rr, i - 1)));
                var (yl, yh) = TWidth.Widen(TWidth.Subtract(TWidth.Load(in rb, i), TWidth.Load(in ra, i)));
                var lower = Magnitude(TWidth.Divide(xl, tx), TWidth.Divide(yl, ty));
                var upper = Magnitude(TWidth.Divide(xh, tx), TWidth.Divide(yh, ty));
                TWidth.Store(TWidth.Narrow(lower, upper), ref rd, i);
            }
        }

        /// <summary>sqrt(x² + y²), as the scalar remainder computes it.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TDouble Magnitude(TDouble x, TDouble y) => TWidth.Sqrt(TWidth.Add(TWidth.Multiply(x, x), TWidth.Multiply(y, y)));
    }
}
