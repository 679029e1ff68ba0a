using BenchmarkDotNet.Running;
using MiningLulc.Features;
using MiningLulc.Tests;

// `--verify`: the engine against the scalar reference at the hardware's best width and at every forced width, on
// hard inputs; exit 0 when all agree (run it under DOTNET_EnableHWIntrinsic=0 or DOTNET_EnableAVX2=0 too).
// Anything else goes to BenchmarkDotNet: a quick run is `dotnet run -c Release --project benchmarks/MiningLulc.Benchmarks -- --filter '*' --job short --inProcess`.
if (args.Length > 0 && args[0] == "--verify")
{
    Console.WriteLine($"best width {SimdWidths.Best}");
    var ok = true;
    foreach (var simd in new[] { SimdWidths.Best, SimdWidth.Scalar, SimdWidth.Vector128, SimdWidth.Vector256, SimdWidth.Vector512 }.Distinct())
    {
        var c = FeatureEquivalence.SelfCheck(simd);
        Console.WriteLine($"{simd}: {(c.Ok ? "ok" : "FAILED")}\n{c}");
        ok &= c.Ok;
    }
    Console.WriteLine(ok ? "self-check passed" : "self-check FAILED");
    return ok ? 0 : 1;
}

if (args.Length > 0 && args[0] == "--engines") return MiningLulc.Benchmarks.EngineTimes.Run(args.Length > 1 ? int.Parse(args[1]) : 5, withForest: !args.Contains("--no-forest"), only: Array.IndexOf(args, "--only") is var o and >= 0 ? args[o + 1] : null);

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
