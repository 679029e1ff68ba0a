using System.Runtime.Intrinsics;

namespace MiningLulc.Features;

/// <summary>The vector width a kernel runs at; <see cref="Scalar"/> is the plain loop.</summary>
internal enum SimdWidth
{
    Scalar = 0,
    Vector128 = 128,
    Vector256 = 256,
    Vector512 = 512,
}

internal static class SimdWidths
{
    /// <summary>
    /// The widest width the hardware accelerates (the runtime's own verdict, so DOTNET_EnableHWIntrinsic=0,
    /// DOTNET_EnableAVX2=0 and friends are honoured). Chosen once; kernels branch on it outside their loops.
    /// </summary>
    public static SimdWidth Best { get; } =
        Vector512.IsHardwareAccelerated ? SimdWidth.Vector512
        : Vector256.IsHardwareAccelerated ? SimdWidth.Vector256
        : Vector128.IsHardwareAccelerated ? SimdWidth.Vector128
        : SimdWidth.Scalar;
}
