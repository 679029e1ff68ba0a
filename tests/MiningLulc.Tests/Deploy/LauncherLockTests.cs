namespace MiningLulc.Tests.Deploy;

/// <summary>
/// The ./mining-lulc launcher builds when the sources are newer than the built CLI; launchers started at
/// once on one checkout (a job array) build once, one after another, never together. Checked on a copy
/// of the launcher in a scratch "checkout" with a stand-in 'dotnet' that logs each build and takes a while,
/// so the real checkout is never rebuilt by the test.
/// </summary>
public class LauncherLockTests
{
    private const string FakeDotnet = """
        #!/usr/bin/env bash
        # Stand-in for 'dotnet build PROJECT ...': logs start and end, takes a second, writes the CLI's dll.
        set -eu
        [ "$1" = build ] || { echo "unexpected: $*" >&2; exit 9; }
        echo "start $$" >> "$FAKE_LOG"
        sleep 1
        dll="$(dirname "$2")/bin/Release/net10.0/mining-lulc.dll"
        mkdir -p "$(dirname "$dll")"; echo built > "$dll"
        echo "end $$" >> "$FAKE_LOG"
        """;

    [ToolFact("flock", "bash")]
    public void ConcurrentLaunchersBuildOnceAndOneAtATime()
    {
        using var tmp = new TempDir();
        var root = Path.Combine(tmp.Path, "checkout");
        var cli = Path.Combine(root, "src", "MiningLulc.Cli");
        Directory.CreateDirectory(cli);
        Directory.CreateDirectory(Path.Combine(root, "configs"));
        File.Copy(Path.Combine(TestPaths.RepositoryRoot, "mining-lulc"), Path.Combine(root, "mining-lulc"));
        File.WriteAllText(Path.Combine(cli, "MiningLulc.Cli.csproj"), "<Project />");
        File.WriteAllText(Path.Combine(cli, "Program.cs"), "// stand-in");
        File.WriteAllText(Path.Combine(root, "configs", "default.json"), "{}");
        var bin = Path.Combine(tmp.Path, "fakebin");
        Directory.CreateDirectory(bin);
        File.WriteAllText(Path.Combine(bin, "dotnet"), FakeDotnet.Replace("\r", ""));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Path.Combine(bin, "dotnet"), (UnixFileMode)0b111_101_101);
        var logFile = Path.Combine(tmp.Path, "builds.log");
        var env = new Dictionary<string, string?>
        {
            ["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH"),
            ["FAKE_LOG"] = logFile,
            ["MINING_LULC_SETUP_ONLY"] = "1",
        };

        ProcResult[] Launch(int count) => Enumerable.Range(0, count).AsParallel().WithDegreeOfParallelism(count)
            .Select(_ => Proc.Run("bash", [Path.Combine(root, "mining-lulc")], root, env, TimeSpan.FromMinutes(1))).ToArray();
        string[] Log() => File.Exists(logFile) ? File.ReadAllLines(logFile) : [];

        // Nothing built yet: four launchers at once build exactly once.
        var first = Launch(4);
        Assert.All(first, r => Assert.True(r.Code == 0, r.ToString()));
        Assert.Equal(2, Log().Length);
        Assert.StartsWith("start", Log()[0]);
        Assert.StartsWith("end", Log()[1]);
        Assert.Contains(first, r => r.Stderr.Contains("building (Release)"));

        // Fresh: nothing is built.
        Assert.All(Launch(2), r => Assert.True(r.Code == 0, r.ToString()));
        Assert.Equal(2, Log().Length);

        // A source or a compiled-in config changed: built again, once, and never two builds overlapping.
        foreach (var changed in new[] { Path.Combine(cli, "Program.cs"), Path.Combine(root, "configs", "default.json") })
        {
            File.SetLastWriteTimeUtc(Path.Combine(cli, "bin", "Release", "net10.0", "mining-lulc.dll"), DateTime.UtcNow.AddMinutes(-10));
            File.SetLastWriteTimeUtc(changed, DateTime.UtcNow.AddMinutes(-5));
            var before = Log().Length;
            Assert.All(Launch(3), r => Assert.True(r.Code == 0, r.ToString()));
            var lines = Log()[before..];
            Assert.Equal(2, lines.Length);
        }
        var all = Log();
        for (var i = 0; i < all.Length; i += 2)
        {
            Assert.StartsWith("start", all[i]);
            Assert.Equal(all[i].Split(' ')[1], all[i + 1].Split(' ')[1]); // each build ends before the next starts
        }
    }
}
