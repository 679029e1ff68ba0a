using System.Diagnostics;

namespace MiningLulc.Tests.Features;

/// <summary>
/// The engine without hardware intrinsics, in a child process: the runtime reads DOTNET_EnableHWIntrinsic and
/// DOTNET_EnableAVX2 only at start-up. The child is this test assembly's own (empty) entry point with
/// <see cref="global::StartupHook"/> loaded through DOTNET_STARTUP_HOOKS, which runs the engine's self-check.
/// </summary>
public class NoIntrinsicsTests
{
    internal const string SwitchVariable = "MINING_LULC_FEATURES_SELFCHECK";

    [Theory]
    [InlineData("DOTNET_EnableHWIntrinsic", "Scalar")]
    [InlineData("DOTNET_EnableAVX2", "Vector128")]
    public async Task EngineMatchesTheReferenceWithIntrinsicsOff(string variable, string expectedWidth)
    {
        var assembly = typeof(NoIntrinsicsTests).Assembly.Location;
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h
            : Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
        var psi = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(assembly);
        psi.Environment["DOTNET_STARTUP_HOOKS"] = assembly;
        psi.Environment[SwitchVariable] = "1";
        psi.Environment[variable] = "0";
        using var child = Process.Start(psi)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stdout = child.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = child.StandardError.ReadToEndAsync(timeout.Token);
        await child.WaitForExitAsync(timeout.Token);
        var output = await stdout + await stderr;
        Assert.True(child.ExitCode == 0, $"exit {child.ExitCode}:\n{output}");
        Assert.Contains($"best width {expectedWidth}", output);
        Assert.Contains("self-check passed", output);
    }
}
