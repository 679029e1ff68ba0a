using MiningLulc.Features;
using MiningLulc.Tests.Features;
using MiningLulc.Tests;

/// <summary>
/// Runs the feature engine's self-check in a child process started by <see cref="NoIntrinsicsTests"/>, then exits
/// (0 when it passes). The runtime requires this name, in no namespace, with a public static Initialize; it does
/// nothing unless the test's switch variable is set.
/// </summary>
internal static class StartupHook
{
    public static void Initialize()
    {
        if (Environment.GetEnvironmentVariable(NoIntrinsicsTests.SwitchVariable) != "1") return;
        Console.WriteLine($"best width {SimdWidths.Best}");
        var ok = true;
        foreach (var simd in new[] { SimdWidths.Best, SimdWidth.Vector256 })
        {
            var c = FeatureEquivalence.SelfCheck(simd);
            Console.WriteLine($"{simd}:\n{c}");
            ok &= c.Ok;
        }
        Console.WriteLine(ok ? "self-check passed" : "self-check FAILED");
        Environment.Exit(ok ? 0 : 1);
    }
}
