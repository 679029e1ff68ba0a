using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using MiningLulc.Catalog;
using Xunit.Abstractions;

namespace MiningLulc.Tests.Deploy;

/// <summary>
/// A fact that needs a one-node Slurm cluster started by deploy/slurm/local-cluster.sh: skipped, with the
/// reason, off Linux, when not root (the daemons run as root), or when Slurm is neither installed nor
/// installable with apt. MINING_LULC_SKIP_SLURM=1 skips it too.
/// </summary>
public sealed class SlurmFactAttribute : FactAttribute
{
    public SlurmFactAttribute()
    {
        if (!OperatingSystem.IsLinux()) Skip = "Slurm test: Linux only";
        else if (Environment.GetEnvironmentVariable("MINING_LULC_SKIP_SLURM") == "1") Skip = "Slurm test: MINING_LULC_SKIP_SLURM=1";
        else if (Tools.Run("id", "-u").Output.Trim() != "0") Skip = "Slurm test: needs root to start slurmctld, slurmd and munged (run ./test.sh as root)";
        else if (new[] { "slurmctld", "slurmd", "munged", "sbatch" }.Any(t => Tools.Find(t) is null) && Tools.Find("apt-get") is null)
            Skip = "Slurm test: slurm-wlm and munge are not installed and there is no apt-get to install them";
        else if (Tools.Find("flock") is null) Skip = "Slurm test: flock (util-linux) is missing";
    }
}

/// <summary>
/// deploy/slurm/submit.sh on a real one-node Slurm (slurmctld + slurmd + munge on 127.0.0.1): a job array
/// of shards and a merge after all of them (afterany), on a synthetic region with one broken site, run by
/// the published artefact (MINING_LULC_BIN).
/// </summary>
[Collection(DeployCollection.Name)]
public class SlurmTests(PublishedCliFixture cli, ITestOutputHelper log)
{
    private const int Shards = 3;
    private static readonly string Scripts = Path.Combine(TestPaths.RepositoryRoot, "deploy", "slurm");

    [SlurmFact]
    public void AJobArrayOfShardsThenAMergeAfterAnyMatchesAnUnshardedRunAndReportsTheBrokenSite()
    {
        var clock = Stopwatch.StartNew();
        var up = Proc.Run("bash", [Path.Combine(Scripts, "local-cluster.sh"), "up"], timeout: TimeSpan.FromMinutes(3));
        Assert.True(up.Code == 0, $"the local Slurm cluster did not start:\n{up}");
        var lines = up.Stdout.Trim().Split('\n');
        var slurmConf = lines.Single(l => l.StartsWith("SLURM_CONF=", StringComparison.Ordinal))["SLURM_CONF=".Length..];
        var startedHere = lines[^1] == "started";
        var jobcomp = Path.Combine(Path.GetDirectoryName(slurmConf)!, "log", "jobcomp.txt");
        var slurmEnv = new Dictionary<string, string?> { ["SLURM_CONF"] = slurmConf };
        log.WriteLine($"cluster up ({lines[^1]}) in {clock.Elapsed.TotalSeconds:F1} s, {slurmConf}");

        using var work = new TempDir();
        string? array = null, merge = null;
        try
        {
            // A region of 8 synthetic sites and a small model, made by the artefact as a user would.
            var synth = cli.Run(work.Path, "synth", "--out", "region", "--sites", "8", "--seed", "5", "--years", "2017-2022");
            Assert.True(synth.Code == 0, synth.ToString());
            File.WriteAllText(work.File("tiny.json"), """{ "name": "tiny", "training": { "trees": 10, "samples_per_class_per_site": 60 } }""");
            var train = cli.Run(work.Path, "train", "--region", "region", "--out", "model.zip", "--config", "tiny.json");
            Assert.True(train.Code == 0, train.ToString());

            // One broken site: the only site of its year gets a truncated composite, so it fails when read.
            var region = work.File("region");
            var catalog = RegionCatalog.Build(region, EngineConfig.Default.Input);
            var single = catalog.Ready.GroupBy(e => e.Year).Where(g => g.Count() == 1).OrderBy(g => g.Key).FirstOrDefault();
            Assert.True(single is not null, "the synthetic region (8 sites, seed 5, 2017-2022) should have a year with a single site");
            var broken = single!.Single().Site.Id;
            var composite = Directory.GetFiles(Path.Combine(region, "s2", $"{single.Key}"), "*.tif").Single();
            var bytes = File.ReadAllBytes(composite);
            File.WriteAllBytes(composite, bytes[..(bytes.Length * 2 / 3)]);
            log.WriteLine($"broken site {broken}: {Path.GetFileName(composite)} ({single.Key}) truncated");

            // The reference: one unsharded run of the same region (exit 1: one site has no result).
            var reference = cli.Run(work.Path, "run", "--region", "region", "--model", "model.zip", "--out", "reference", "--zip");
            Assert.True(reference.Code == 1, reference.ToString());

            // Submit: N shard tasks (one core each, so two run at once on this 2-core node) and the merge.
            var submit = Proc.Run("bash", [Path.Combine(Scripts, "submit.sh"), "region", "model.zip", "sharded", Shards.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--cpus-per-task=1", "--mem=2G", "--time=10:00"], work.Path,
                new Dictionary<string, string?>(slurmEnv) { ["MINING_LULC_BIN"] = cli.Bin }, TimeSpan.FromMinutes(1));
            Assert.True(submit.Code == 0, submit.ToString());
            log.WriteLine(submit.Stdout.TrimEnd());
            array = Regex.Match(submit.Stdout, @"job array (\d+)").Groups[1].Value;
            merge = submit.Stdout.Trim().Split('\n')[^1].Trim();
            Assert.Matches(@"^\d+$", array);
            Assert.Matches(@"^\d+$", merge);

            // Wait for the merge's completion record (jobcomp/filetxt: one line per finished job or array task).
            var records = new List<Dictionary<string, string>>();
            var deadline = DateTime.UtcNow.AddMinutes(2.5);
            while (true)
            {
                records = File.Exists(jobcomp) ? File.ReadAllLines(jobcomp).Select(Record).ToList() : [];
                if (records.Any(r => r.GetValueOrDefault("JobId") == merge)) break;
                if (DateTime.UtcNow > deadline)
                    Assert.Fail($"the merge job {merge} did not finish in time\n{Proc.Run("squeue", [], environment: slurmEnv).Output}\n{string.Join('\n', records.Select(r => string.Join(' ', r)))}");
                Thread.Sleep(1000);
            }
            var tasks = records.Where(r => r.GetValueOrDefault("ArrayJobId") == array).OrderBy(r => int.Parse(r["ArrayTaskId"], System.Globalization.CultureInfo.InvariantCulture)).ToList();
            var mergeRecord = records.Single(r => r.GetValueOrDefault("JobId") == merge);
            foreach (var t in tasks) log.WriteLine($"array task {array}_{t["ArrayTaskId"]} (job {t["JobId"]}): {t["JobState"]}, ExitCode={t["ExitCode"]}, {t["StartTime"]}..{t["EndTime"]}");
            log.WriteLine($"merge job {merge}: {mergeRecord["JobState"]}, ExitCode={mergeRecord["ExitCode"]}, {mergeRecord["StartTime"]}..{mergeRecord["EndTime"]}");

            // Every shard task ended with exit 0, the broken site included (a failed site is an outcome).
            Assert.Equal(Enumerable.Range(1, Shards).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), tasks.Select(t => t["ArrayTaskId"]));
            Assert.All(tasks, t => Assert.Equal(("COMPLETED", "0:0"), (t["JobState"], t["ExitCode"])));
            // The merge ran after every task had ended, and reported the region: exit 1, one site without a result.
            Assert.True(string.CompareOrdinal(mergeRecord["StartTime"], tasks.Max(t => t["EndTime"])) >= 0, "the merge started before a task ended");
            Assert.Equal(("FAILED", "1:0"), (mergeRecord["JobState"], mergeRecord["ExitCode"]));

            var sharded = work.File("sharded");
            for (var i = 1; i <= Shards; i++)
                Assert.True(File.Exists(Path.Combine(sharded, $"manifest-shard-{i}-of-{Shards}.json")), $"shard {i} left no manifest");
            var shardOutcomes = Enumerable.Range(1, Shards).SelectMany(i => Sites(Path.Combine(sharded, $"manifest-shard-{i}-of-{Shards}.json"))).ToList();
            Assert.Equal(8, shardOutcomes.Count);
            Assert.Equal("failed", shardOutcomes.Single(s => s.Id == broken).Outcome);

            // The merge's manifest and stderr name the broken site; every other site is done.
            var merged = Sites(Path.Combine(sharded, "manifest.json"));
            Assert.Equal(8, merged.Count);
            var brokenReport = merged.Single(s => s.Id == broken);
            Assert.Equal("failed", brokenReport.Outcome);
            Assert.Contains(Path.GetFileName(composite), brokenReport.Reason);
            Assert.All(merged.Where(s => s.Id != broken), s => Assert.Equal("done", s.Outcome));
            var stderr = File.ReadAllText(Path.Combine(sharded, "slurm-logs", $"merge-{merge}.err"));
            var line = stderr.Split('\n').Single(l => l.StartsWith($"site {broken} failed:", StringComparison.Ordinal));
            log.WriteLine($"merge stderr: {line}");

            // The merge's GeoPackages (and zip) are the unsharded run's, byte for byte.
            var files = Directory.GetFiles(work.File("reference"), "*.gpkg").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
            Assert.NotEmpty(files);
            Assert.Equal(files, Directory.GetFiles(sharded, "*.gpkg").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList());
            foreach (var f in files.Append(Path.GetFileName(Directory.GetFiles(work.File("reference"), "*.zip").Single())))
            {
                var cmp = Proc.Run("cmp", [Path.Combine(work.File("reference"), f!), Path.Combine(sharded, f!)]);
                log.WriteLine($"cmp reference/{f} sharded/{f}: exit {cmp.Code} {cmp.Output.Trim()}");
                Assert.True(cmp.Code == 0, cmp.ToString());
            }
            array = merge = null; // finished: nothing to cancel
            log.WriteLine($"Slurm test took {clock.Elapsed.TotalSeconds:F0} s");
        }
        finally
        {
            if (array is not null || merge is not null)
                Proc.Run("scancel", new[] { array, merge }.Where(j => j is not null).Select(j => j!), environment: slurmEnv);
            if (startedHere) Proc.Run("bash", [Path.Combine(Scripts, "local-cluster.sh"), "down"]);
        }
    }

    private static Dictionary<string, string> Record(string line) =>
        Regex.Matches(line, @"(\w+)=(\S*)").GroupBy(m => m.Groups[1].Value).ToDictionary(g => g.Key, g => g.First().Groups[2].Value);

    private static List<(long Id, string Outcome, string Reason)> Sites(string manifest)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(manifest));
        return doc.RootElement.GetProperty("sites").EnumerateArray()
            .Select(s => (s.GetProperty("site_id").GetInt64(), s.GetProperty("outcome").GetString()!, s.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : ""))
            .ToList();
    }
}
