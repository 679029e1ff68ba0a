using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using static System.Runtime.CompilerServices.MethodImplOptions;

namespace MiningLulc.Features;

/// <summary>
/// One vector width, for kernels written once over the width: the float vector and the double vector of that
/// width, and the lane operations the kernels use on them. Every member forwards to the Vector128/256/512 method
/// or operator of the same name, so a generic kernel specialized at a width runs the instructions a kernel written
/// for that width would, in the same order: every width gives the same bits.
/// </summary>
/// <remarks>
/// Why a width struct and not constraints on the vector types: the runtime's <c>ISimdVector&lt;TSelf, T&gt;</c> is
/// internal in .NET 10, and the reference assemblies do not declare the generic-math operator interfaces the vector
/// types implement, so a generic kernel can reach neither. Nor could one vector type name <see cref="Widen"/> and
/// <see cref="Narrow"/>, which change the element type: hence the pair.
/// </remarks>
internal interface IVectorWidth<TFloat, TDouble>
{
    static abstract TFloat Create(float value);
    static abstract TDouble Create(double value);
    static abstract TFloat Load(ref readonly float source, nuint offset);
    static abstract TDouble Load(ref readonly double source, nuint offset);
    static abstract void Store(TFloat value, ref float destination, nuint offset);
    static abstract void Store(TDouble value, ref double destination, nuint offset);

    static abstract TFloat Subtract(TFloat x, TFloat y);
    static abstract TDouble Add(TDouble x, TDouble y);
    static abstract TDouble Subtract(TDouble x, TDouble y);
    static abstract TDouble Multiply(TDouble x, TDouble y);
    static abstract TDouble Divide(TDouble x, TDouble y);
    static abstract TDouble Sqrt(TDouble x);
    static abstract TDouble MaxNative(TDouble x, TDouble y);
    static abstract TFloat Abs(TFloat x);

    /// <summary>Lane masks: all bits set where true (a NaN, as a double).</summary>
    static abstract TFloat LessThan(TFloat x, TFloat y);

    /// <inheritdoc cref="LessThan"/>
    static abstract TFloat Equals(TFloat x, TFloat y);

    /// <inheritdoc cref="LessThan"/>
    static abstract TDouble Equals(TDouble x, TDouble y);

    static abstract TFloat And(TFloat x, TFloat y);
    static abstract TFloat Or(TFloat x, TFloat y);
    static abstract TDouble Or(TDouble x, TDouble y);

    /// <summary>Whether any bit of <paramref name="mask"/> is set.</summary>
    static abstract bool Any(TFloat mask);

    /// <summary>The lower and upper halves of <paramref name="x"/> as doubles (exact).</summary>
    static abstract (TDouble Lower, TDouble Upper) Widen(TFloat x);

    /// <summary>Both halves rounded to float, <paramref name="lower"/> first.</summary>
    static abstract TFloat Narrow(TDouble lower, TDouble upper);
}

internal readonly struct VectorWidth128 : IVectorWidth<Vector128<float>, Vector128<double>>
{
    [MethodImpl(AggressiveInlining)] public static Vector128<float> Create(float value) => Vector128.Create(value);
    [MethodImpl(AggressiveInlining)] public static Vector128<double> Create(double value) => Vector128.Create(value);
    [MethodImpl(AggressiveInlining)] public static Vector128<float> Load(ref readonly float source, nuint offset) => Vector128.LoadUnsafe(in source, offset);
    [MethodImpl(AggressiveInlining)] public static Vector128<double> Load(ref readonly double source, nuint offset) => Vector128.LoadUnsafe(in source, offset);
    [MethodImpl(AggressiveInlining)] public static void Store(Vector128<float> value, ref float destination, nuint offset) => value.StoreUnsafe(ref destination, offset);
    [MethodImpl(AggressiveInlining)] public static void Store(Vector128<double> value, ref double destination, nuint offset) => value.StoreUnsafe(ref destination, offset);
    [MethodImpl(AggressiveInlining)] public static Vector128<float> Subtract(Vector128<float> x, Vector128<float> y) => x - y;
    [MethodImpl(AggressiveInlining)] public static Vector128<double> Add(Vector128<double> x, Vector128<double> y) => x + y;
    [MethodImpl(AggressiveInlining)] public static Vector128<double> Subtract(Vector128<double> x, Vector128<double> y) => x - y;
    [MethodImpl(AggressiveInlining)] public static Vector128<double> Multiply(Vector128<double> x, Vector128<double> y) => x * y;
    [MethodImpl(AggressiveInlining)] public static Vector128<double> Divide(Vector128<double> x, Vector128<double> y) => x / y;
    [MethodImpl(AggressiveInlining)] public static Vector128<double> Sqrt(Vector128<double> x) => Vector128.Sqrt(x);
    [MethodImpl(AggressiveInlining)] public static Vector128<double> MaxNative(Vector128<double> x, Vector128<double> y) => Vector128.MaxNative(x, y);
    [MethodImpl(AggressiveInlining)] public static Vector128<float> Abs(Vector128<float> x) => Vector128.Abs(x);
    [MethodImpl(AggressiveInlining)] public static Vector128<float> LessThan(Vector128<float> x, Vector128<float> y) => Vector128.LessThan(x, y);
    [MethodImpl(AggressiveInlining)] public static Vector128<float> Equals(Vector128<float> x, Vector128<float> y) => Vector128.Equals(x, y);
    [MethodImpl(AggressiveInlining)] public static Vector128<double> Equals(Vector128<double> x, Vector128<double> y) => Vector128.Equals(x, y);
    [MethodImpl(AggressiveInlining)] public static Vector128<float> And(Vector128<float> x, Vector128<float> y) => x & y;
    [MethodImpl(AggressiveInlining)] public static Vector128<float> Or(Vector128<float> x, Vector128<float> y) => x | y;
    [MethodImpl(AggressiveInlining)] public static Vector128<double> Or(Vector128<double> x, Vector128<double> y) => x | y;
    [MethodImpl(AggressiveInlining)] public static bool Any(Vector128<float> mask) => mask.AsUInt32() != Vector128<uint>.Zero;
    [MethodImpl(AggressiveInlining)] public static (Vector128<double> Lower, Vector128<double> Upper) Widen(Vector128<float> x) => Vector128.Widen(x);
    [MethodImpl(AggressiveInlining)] public static Vector128<float> Narrow(Vector128<double> lower, Vector128<double> upper) => Vector128.Narrow(lower, upper);
}

internal readonly struct VectorWidth256 : IVectorWidth<Vector256<float>, Vector256<double>>
{
    [MethodImpl(AggressiveInlining)] public static Vector256<float> Create(float value) => Vector256.Create(value);
    [MethodImpl(AggressiveInlining)] public static Vector256<double> Create(double value) => Vector256.Create(value);
    [MethodImpl(AggressiveInlining)] public static Vector256<float> Load(ref readonly float source, nuint offset) => Vector256.LoadUnsafe(in source, offset);
    [MethodImpl(AggressiveInlining)] public static Vector256<double> Load(ref readonly double source, nuint offset) => Vector256.LoadUnsafe(in source, offset);
    [MethodImpl(AggressiveInlining)] public static void Store(Vector256<float> value, ref float destination, nuint offset) => value.StoreUnsafe(ref destination, offset);
    [MethodImpl(AggressiveInlining)] public static void Store(Vector256<double> value, ref double destination, nuint offset) => value.StoreUnsafe(ref destination, offset);
    [MethodImpl(AggressiveInlining)] public static Vector256<float> Subtract(Vector256<float> x, Vector256<float> y) => x - y;
    [MethodImpl(AggressiveInlining)] public static Vector256<double> Add(Vector256<double> x, Vector256<double> y) => x + y;
    [MethodImpl(AggressiveInlining)] public static Vector256<double> Subtract(Vector256<double> x, Vector256<double> y) => x - y;
    [MethodImpl(AggressiveInlining)] public static Vector256<double> Multiply(Vector256<double> x, Vector256<double> y) => x * y;
    [MethodImpl(AggressiveInlining)] public static Vector256<double> Divide(Vector256<double> x, Vector256<double> y) => x / y;
    [MethodImpl(AggressiveInlining)] public static Vector256<double> Sqrt(Vector256<double> x) => Vector256.Sqrt(x);
    [MethodImpl(AggressiveInlining)] public static Vector256<double> MaxNative(Vector256<double> x, Vector256<double> y) => Vector256.MaxNative(x, y);
    [MethodImpl(AggressiveInlining)] public static Vector256<float> Abs(Vector256<float> x) => Vector256.Abs(x);
    [MethodImpl(AggressiveInlining)] public static Vector256<float> LessThan(Vector256<float> x, Vector256<float> y) => Vector256.LessThan(x, y);
    [MethodImpl(AggressiveInlining)] public static Vector256<float> Equals(Vector256<float> x, Vector256<float> y) => Vector256.Equals(x, y);
    [MethodImpl(AggressiveInlining)] public static Vector256<double> Equals(Vector256<double> x, Vector256<double> y) => Vector256.Equals(x, y);
    [MethodImpl(AggressiveInlining)] public static Vector256<float> And(Vector256<float> x, Vector256<float> y) => x & y;
    [MethodImpl(AggressiveInlining)] public static Vector256<float> Or(Vector256<float> x, Vector256<float> y) => x | y;
    [MethodImpl(AggressiveInlining)] public static Vector256<double> Or(Vector256<double> x, Vector256<double> y) => x | y;
    [MethodImpl(AggressiveInlining)] public static bool Any(Vector256<float> mask) => mask.AsUInt32() != Vector256<uint>.Zero;
    [MethodImpl(AggressiveInlining)] public static (Vector256<double> Lower, Vector256<double> Upper) Widen(Vector256<float> x) => Vector256.Widen(x);
    [MethodImpl(AggressiveInlining)] public static Vector256<float> Narrow(Vector256<double> lower, Vector256<double> upper) => Vector256.Narrow(lower, upper);
}

internal readonly struct VectorWidth512 : IVectorWidth<Vector512<float>, Vector512<double>>
{
    [MethodImpl(AggressiveInlining)] public static Vector512<float> Create(float value) => Vector512.Create(value);
    [MethodImpl(AggressiveInlining)] public static Vector512<double> Create(double value) => Vector512.Create(value);
    [MethodImpl(AggressiveInlining)] public static Vector512<float> Load(ref readonly float source, nuint offset) => Vector512.LoadUnsafe(in source, offset);
    [MethodImpl(AggressiveInlining)] public static Vector512<double> Load(ref readonly double source, nuint offset) => Vector512.LoadUnsafe(in source, offset);
    [MethodImpl(AggressiveInlining)] public static void Store(Vector512<float> value, ref float destination, nuint offset) => value.StoreUnsafe(ref destination, offset);
    [MethodImpl(AggressiveInlining)] public static void Store(Vector512<double> value, ref double destination, nuint offset) => value.StoreUnsafe(ref destination, offset);
    [MethodImpl(AggressiveInlining)] public static Vector512<float> Subtract(Vector512<float> x, Vector512<float> y) => x - y;
    [MethodImpl(AggressiveInlining)] public static Vector512<double> Add(Vector512<double> x, Vector512<double> y) => x + y;
    [MethodImpl(AggressiveInlining)] public static Vector512<double> Subtract(Vector512<double> x, Vector512<double> y) => x - y;
    [MethodImpl(AggressiveInlining)] public static Vector512<double> Multiply(Vector512<double> x, Vector512<double> y) => x * y;
    [MethodImpl(AggressiveInlining)] public static Vector512<double> Divide(Vector512<double> x, Vector512<double> y) => x / y;
    [MethodImpl(AggressiveInlining)] public static Vector512<double> Sqrt(Vector512<double> x) => Vector512.Sqrt(x);
    [MethodImpl(AggressiveInlining)] public static Vector512<double> MaxNative(Vector512<double> x, Vector512<double> y) => Vector512.MaxNative(x, y);
    [MethodImpl(AggressiveInlining)] public static Vector512<float> Abs(Vector512<float> x) => Vector512.Abs(x);
    [MethodImpl(AggressiveInlining)] public static Vector512<float> LessThan(Vector512<float> x, Vector512<float> y) => Vector512.LessThan(x, y);
    [MethodImpl(AggressiveInlining)] public static Vector512<float> Equals(Vector512<float> x, Vector512<float> y) => Vector512.Equals(x, y);
    [MethodImpl(AggressiveInlining)] public static Vector512<double> Equals(Vector512<double> x, Vector512<double> y) => Vector512.Equals(x, y);
    [MethodImpl(AggressiveInlining)] public static Vector512<float> And(Vector512<float> x, Vector512<float> y) => x & y;
    [MethodImpl(AggressiveInlining)] public static Vector512<float> Or(Vector512<float> x, Vector512<float> y) => x | y;
    [MethodImpl(AggressiveInlining)] public static Vector512<double> Or(Vector512<double> x, Vector512<double> y) => x | y;
    [MethodImpl(AggressiveInlining)] public static bool Any(Vector512<float> mask) => mask.AsUInt32() != Vector512<uint>.Zero;
    [MethodImpl(AggressiveInlining)] public static (Vector512<double> Lower, Vector512<double> Upper) Widen(Vector512<float> x) => Vector512.Widen(x);
    [MethodImpl(AggressiveInlining)] public static Vector512<float> Narrow(Vector512<double> lower, Vector512<double> upper) => Vector512.Narrow(lower, upper);
}
