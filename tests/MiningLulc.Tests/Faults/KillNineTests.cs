using System.Diagnostics;
using Xunit.Abstractions;

namespace MiningLulc.Tests.Faults;

/// <summary>
/// kill -9 at random moments of a run, of a shard and of the merge, including while the GeoPackages
/// are written: after every kill each GeoPackage under a final name is complete (byte-identical to
/// the uninterrupted run's), and the rerun writes exactly the uninterrupted run's files, byte for
/// byte (DESIGN.md: "a killed run loses nothing that was finished"). Region and model are synthetic;
/// the files hold 10 features each (76 files) so that the write lasts long enough to be hit.
/// </summary>
[Collection(SyntheticRegionCollection.Name)]
public class KillNineTests(SyntheticRegionFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private enum Moment { Anytime, DuringWrite }

    [Fact]
    public void RunsShardsAndMergesKilledAtRandomMomentsRerunToTheSameBytes()
    {
        var work = fixture.NewFolder("kill9");
        var model = Path.Combine(work, "model.zip");
        fixture.Model.Save(model);
        var config = Path.Combine(work, "ten-per-file.json");
        File.WriteAllText(config, """{"vectorize": {"max_features_per_file": 10}}""");
        string[] Run(string outDir, params string[] extra) => ["run", "--region", fixture.Region, "--model", model, "--out", outDir, "--config", config, .. extra];

        var reference = Path.Combine(work, "uninterrupted");
        var clock = Stopwatch.StartNew();
        var first = CliChild.Run(Limit, Run(reference));
        Assert.True(first.Code == 0, first.Stderr);
        var runTime = clock.Elapsed;
        var expected = GeoPackages(reference);
        Assert.True(expected.Count >= 20, $"{expected.Count} files");

        var random = new Random(20250612);
        var kills = new List<string>();

        // A whole-region run: killed twice anywhere (start-up, catalog, sites in flight), twice while writing.
        var killed = Path.Combine(work, "killed-run");
        foreach (var moment in new[] { Moment.Anytime, Moment.Anytime, Moment.DuringWrite, Moment.DuringWrite })
            kills.Add("run: " + KillOnce(Run(killed), killed, moment, random, runTime, expected));
        var rerun = CliChild.Run(Limit, Run(killed));
        Assert.True(rerun.Code == 0, rerun.Stderr);
        AssertSameFiles(expected, killed);

        // Shards and the merge: shard 1/2 killed anywhere, both shards finished, the merge killed twice while writing.
        var shared = Path.Combine(work, "killed-shards");
        kills.Add("shard 1/2: " + KillOnce(Run(shared, "--shard", "1/2"), shared, Moment.Anytime, random, runTime, expected));
        foreach (var shard in new[] { "1/2", "2/2" })
        {
            var s = CliChild.Run(Limit, Run(shared, "--shard", shard));
            Assert.True(s.Code == 0, s.Stderr);
        }
        foreach (var _ in Enumerable.Range(0, 2))
            kills.Add("merge: " + KillOnce(Run(shared), shared, Moment.DuringWrite, random, runTime, expected));
        var merge = CliChild.Run(Limit, Run(shared));
        Assert.True(merge.Code == 0, merge.Stderr);
        AssertSameFiles(expected, shared);

        foreach (var k in kills) output.WriteLine(k);
        output.WriteLine($"{kills.Count} kills, {kills.Count + 5} runs in all (the uninterrupted one, the kills, the rerun, two shards, the merge); {expected.Count} GeoPackages compared byte for byte after each rerun");
        Assert.Contains(kills, k => k.Contains("while writing", StringComparison.Ordinal) && k.StartsWith("run", StringComparison.Ordinal));
        Assert.Contains(kills, k => k.Contains("while writing", StringComparison.Ordinal) && k.StartsWith("merge", StringComparison.Ordinal));
    }

    /// <summary>
    /// Starts a run and sends it SIGKILL: at a random moment of a normal run's length, or a random few
    /// milliseconds after a temporary GeoPackage appears. Then checks that every GeoPackage under a
    /// final name is one of the uninterrupted run's, whole. Returns what happened, for the figures.
    /// </summary>
    private static string KillOnce(string[] args, string outDir, Moment moment, Random random, TimeSpan runTime, IReadOnlyDictionary<string, byte[]> expected)
    {
        using var child = CliChild.Start(args);
        var clock = Stopwatch.StartNew();
        string when;
        if (moment == Moment.Anytime)
        {
            var delay = random.Next(100, Math.Max(200, (int)(runTime.TotalMilliseconds * 0.6)));
            while (clock.ElapsedMilliseconds < delay && !child.HasExited) Thread.Sleep(5);
            when = $"at {delay} ms";
        }
        else
        {
            while (!child.HasExited && !TemporaryGeoPackages(outDir).Any())
            {
                Assert.True(clock.Elapsed < Limit, "no GeoPackage was started within the time limit");
                Thread.Sleep(1);
            }
            var delay = random.Next(0, 120);
            Thread.Sleep(delay);
            when = $"{delay} ms after the first temporary GeoPackage appeared";
        }
        var running = !child.HasExited;
        var inWrite = TemporaryGeoPackages(outDir).Any();
        child.Kill9();
        var written = GeoPackages(outDir);
        foreach (var (name, bytes) in written)
        {
            Assert.True(expected.TryGetValue(name, out var same), $"{name} is not a file of the uninterrupted run");
            Assert.True(same.AsSpan().SequenceEqual(bytes), $"{name} under its final name differs from the uninterrupted run's after a kill {when}");
        }
        return (running ? $"killed {when}" : $"ended by itself before the kill {when}")
            + (running && inWrite ? " (while writing)" : "") + $", {written.Count} of {expected.Count} GeoPackages in place";
    }

    private static IEnumerable<string> TemporaryGeoPackages(string dir) =>
        Directory.Exists(dir) ? Directory.EnumerateFiles(dir, ".*.tmp.gpkg*") : [];

    /// <summary>The GeoPackages under final names (not the dot-named temporary ones), by name.</summary>
    private static Dictionary<string, byte[]> GeoPackages(string dir) =>
        !Directory.Exists(dir) ? [] : Directory.GetFiles(dir, "*.gpkg").Where(f => !Path.GetFileName(f).StartsWith('.'))
            .ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);

    private static void AssertSameFiles(IReadOnlyDictionary<string, byte[]> expected, string dir)
    {
        var actual = GeoPackages(dir);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, bytes) in expected) Assert.True(bytes.AsSpan().SequenceEqual(actual[name]), $"{name} differs from the uninterrupted run's");
        Assert.Empty(TemporaryGeoPackages(dir)); // nothing half-written left behind, journals included
    }
}
