using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MiningLulc.Features;

/// <summary>A per-pixel function of two planes, at every vector width and as the scalar spec.</summary>
internal interface IBinaryOperator
{
    static abstract float Invoke(float x, float y);
    static abstract Vector128<float> Invoke(Vector128<float> x, Vector128<float> y);
    static abstract Vector256<float> Invoke(Vector256<float> x, Vector256<float> y);
    static abstract Vector512<float> Invoke(Vector512<float> x, Vector512<float> y);
}

/// <summary>A per-pixel function of four planes, at every vector width and as the scalar spec.</summary>
internal interface IQuaternaryOperator
{
    static abstract float Invoke(float x, float y, float z, float w);
    static abstract Vector128<float> Invoke(Vector128<float> x, Vector128<float> y, Vector128<float> z, Vector128<float> w);
    static abstract Vector256<float> Invoke(Vector256<float> x, Vector256<float> y, Vector256<float> z, Vector256<float> w);
    static abstract Vector512<float> Invoke(Vector512<float> x, Vector512<float> y, Vector512<float> z, Vector512<float> w);
}

/// <summary>
/// (x - y) / (x + y), 0 where x + y = 0: <see cref="ScalarFeatures.NormalizedDifference"/> lane by lane, bit for
/// bit (the same float operations; where the sum is 0 the quotient's bits are cleared, giving +0).
/// </summary>
internal readonly struct NormalizedDifferenceOperator : IBinaryOperator
{
    public static float Invoke(float x, float y) => ScalarFeatures.NormalizedDifference(x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Invoke(Vector128<float> x, Vector128<float> y)
    {
        var s = x + y;
        return Vector128.AndNot((x - y) / s, Vector128.Equals(s, Vector128<float>.Zero));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> y)
    {
        var s = x + y;
        return Vector256.AndNot((x - y) / s, Vector256.Equals(s, Vector256<float>.Zero));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> y)
    {
        var s = x + y;
        return Vector512.AndNot((x - y) / s, Vector512.Equals(s, Vector512<float>.Zero));
    }
}

/// <summary>BSI of (B02, B04, B08, B11): <see cref="ScalarFeatures.Bsi"/> lane by lane, bit for bit.</summary>
internal readonly struct BsiOperator : IQuaternaryOperator
{
    private const float Epsilon = 1e-6f;

    public static float Invoke(float b2, float b4, float b8, float b11) => ScalarFeatures.Bsi(b2, b4, b8, b11);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Invoke(Vector128<float> b2, Vector128<float> b4, Vector128<float> b8, Vector128<float> b11)
    {
        var p = b11 + b4;
        var q = b8 + b2;
        var d = p + q + Vector128.Create(Epsilon);
        return Vector128.AndNot((p - q) / d, Vector128.Equals(d, Vector128<float>.Zero));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> b2, Vector256<float> b4, Vector256<float> b8, Vector256<float> b11)
    {
        var p = b11 + b4;
        var q = b8 + b2;
        var d = p + q + Vector256.Create(Epsilon);
        return Vector256.AndNot((p - q) / d, Vector256.Equals(d, Vector256<float>.Zero));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Invoke(Vector512<float> b2, Vector512<float> b4, Vector512<float> b8, Vector512<float> b11)
    {
        var p = b11 + b4;
        var q = b8 + b2;
        var d = p + q + Vector512.Create(Epsilon);
        return Vector512.AndNot((p - q) / d, Vector512.Equals(d, Vector512<float>.Zero));
    }
}

/// <summary>
/// The span drivers and row kernels of the feature engine. Every driver takes the width once, runs whole
/// vectors, then finishes the remainder with the operator's scalar form, which is the spec; lengths are
/// checked by <see cref="Debug.Assert(bool)"/> only (callers validate at the public edge). Destinations must
/// not overlap sources.
/// </summary>
internal static partial class FeatureKernels
{
    /// <summary>dst[i] = TOp(x[i], y[i]).</summary>
    public static void Invoke<TOp>(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> dst, SimdWidth width)
        where TOp : struct, IBinaryOperator
    {
        Debug.Assert(x.Length >= dst.Length && y.Length >= dst.Length);
        ref readonly var rx = ref MemoryMarshal.GetReference(x);
        ref readonly var ry = ref MemoryMarshal.GetReference(y);
        ref var rd = ref MemoryMarshal.GetReference(dst);
        var n = (nuint)dst.Length;
        nuint i = 0;
        switch (width)
        {
            case SimdWidth.Vector512:
                for (; i + 16 <= n; i += 16)
                    TOp.Invoke(Vector512.LoadUnsafe(in rx, i), Vector512.LoadUnsafe(in ry, i)).StoreUnsafe(ref rd, i);
                break;
            case SimdWidth.Vector256:
                for (; i + 8 <= n; i += 8)
                    TOp.Invoke(Vector256.LoadUnsafe(in rx, i), Vector256.LoadUnsafe(in ry, i)).StoreUnsafe(ref rd, i);
                break;
            case SimdWidth.Vector128:
                for (; i + 4 <= n; i += 4)
                    TOp.Invoke(Vector128.LoadUnsafe(in rx, i), Vector128.LoadUnsafe(in ry, i)).StoreUnsafe(ref rd, i);
                break;
        }
        for (; i < n; i++) dst[(int)i] = TOp.Invoke(x[(int)i], y[(int)i]);
    }

    /// <summary>dst[i] = TOp(x[i], y[i], z[i], w[i]).</summary>
    public static void Invoke<TOp>(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> z, ReadOnlySpan<float> w, Span<float> dst, SimdWidth width)
        where TOp : struct, IQuaternaryOperator
    {
        Debug.Assert(x.Length >= dst.Length && y.Length >= dst.Length && z.Length >= dst.Length && w.Length >= dst.Length);
        ref readonly var rx = ref MemoryMarshal.GetReference(x);
        ref readonly var ry = ref MemoryMarshal.GetReference(y);
        ref readonly var rz = ref MemoryMarshal.GetReference(z);
        ref readonly var rw = ref MemoryMarshal.GetReference(w);
        ref var rd = ref MemoryMarshal.GetReference(dst);
        var n = (nuint)dst.Length;
        nuint i = 0;
        switch (width)
        {
            case SimdWidth.Vector512:
                for (; i + 16 <= n; i += 16)
                    TOp.Invoke(Vector512.LoadUnsafe(in rx, i), Vector512.LoadUnsafe(in ry, i), Vector512.LoadUnsafe(in rz, i), Vector512.LoadUnsafe(in rw, i)).StoreUnsafe(ref rd, i);
                break;
            case SimdWidth.Vector256:
                for (; i + 8 <= n; i += 8)
                    TOp.Invoke(Vector256.LoadUnsafe(in rx, i), Vector256.LoadUnsafe(in ry, i), Vector256.LoadUnsafe(in rz, i), Vector256.LoadUnsafe(in rw, i)).StoreUnsafe(ref rd, i);
                break;
            case SimdWidth.Vector128:
                for (; i + 4 <= n; i += 4)
                    TOp.Invoke(Vector128.LoadUnsafe(in rx, i), Vector128.LoadUnsafe(in ry, i), Vector128.LoadUnsafe(in rz, i), Vector128.LoadUnsafe(in rw, i)).StoreUnsafe(ref rd, i);
                break;
        }
        for (; i < n; i++) dst[(int)i] = TOp.Invoke(x[(int)i], y[(int)i], z[(int)i], w[(int)i]);
    }
}
