using System.Text.Json;

namespace MiningLulc.Tests.Deploy;

/// <summary>A fact skipped, with the reason, when python3 with PyYAML is not there to parse the manifests.</summary>
public sealed class PythonYamlFactAttribute : FactAttribute
{
    public PythonYamlFactAttribute()
    {
        if (Tools.Find("python3") is null) Skip = "python3 is not installed (needed to parse YAML)";
        else if (Tools.Run("python3", "-c", "import yaml").Code != 0) Skip = "python3 has no yaml module (apt-get install python3-yaml)";
    }
}

/// <summary>
/// deploy/kubernetes: no cluster runs here, so the manifests are checked as far as that goes: rendered by
/// submit.sh --dry-run, parsed as YAML, the fields that carry the semantics checked, and the shard
/// container's shell command run with a stand-in CLI for the first and last index.
/// </summary>
public class KubernetesManifestTests
{
    private static readonly string Submit = Path.Combine(TestPaths.RepositoryRoot, "deploy", "kubernetes", "submit.sh");

    private static JsonElement[] Render(int shards)
    {
        var rendered = Proc.Run("bash", [Submit, "--dry-run", "/data/regions/andes", "/data/models/global.zip", "/data/out/andes", shards.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            environment: new Dictionary<string, string?> { ["MINING_LULC_IMAGE"] = "registry.example.org/mining-lulc:1.0", ["MINING_LULC_CPUS"] = "2" });
        Assert.True(rendered.Code == 0, rendered.ToString());
        Assert.DoesNotMatch(@"\$\{[A-Z]+\}", rendered.Stdout); // every template value filled in
        using var tmp = new TempDir();
        File.WriteAllText(tmp.File("jobs.yaml"), rendered.Stdout);
        var json = Tools.Run("python3", "-c", "import json, sys, yaml; print(json.dumps(list(yaml.safe_load_all(open(sys.argv[1])))))", tmp.File("jobs.yaml"));
        Assert.True(json.Code == 0, json.Output);
        return JsonDocument.Parse(json.Output).RootElement.EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    [PythonYamlFact]
    public void TheShardsAreAnIndexedJobRetryingOnlyCrashesPerIndex()
    {
        var jobs = Render(5);
        Assert.Equal(2, jobs.Length);
        var shards = jobs[0];
        Assert.Equal("Job", shards.GetProperty("kind").GetString());
        Assert.Equal("mining-lulc-andes-shards", shards.GetProperty("metadata").GetProperty("name").GetString());
        var spec = shards.GetProperty("spec");
        Assert.Equal("Indexed", spec.GetProperty("completionMode").GetString());
        Assert.Equal(5, spec.GetProperty("completions").GetInt32());
        Assert.True(spec.GetProperty("backoffLimitPerIndex").GetInt32() > 0);
        Assert.Equal(5, spec.GetProperty("maxFailedIndexes").GetInt32()); // no index ends the others early
        var rules = spec.GetProperty("podFailurePolicy").GetProperty("rules").EnumerateArray().ToList();
        var failIndex = rules.Single(r => r.GetProperty("action").GetString() == "FailIndex").GetProperty("onExitCodes");
        Assert.Equal([2], failIndex.GetProperty("values").EnumerateArray().Select(v => v.GetInt32()));
        var pod = spec.GetProperty("template").GetProperty("spec");
        Assert.Equal("Never", pod.GetProperty("restartPolicy").GetString());
        var container = pod.GetProperty("containers")[0];
        Assert.Equal("registry.example.org/mining-lulc:1.0", container.GetProperty("image").GetString());

        // The container's command, run for the first and the last index with a stand-in CLI that prints its arguments.
        using var tmp = new TempDir();
        File.WriteAllText(tmp.File("mining-lulc"), "#!/bin/sh\nprintf '%s\\n' \"$@\"\n");
        Tools.Run("chmod", "+x", tmp.File("mining-lulc"));
        var command = container.GetProperty("command").EnumerateArray().Select(c => c.GetString()!).ToList();
        var args = container.GetProperty("args").EnumerateArray().Select(c => c.GetString()!).ToList();
        var env = container.GetProperty("env").EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!, e => (string?)e.GetProperty("value").GetString());
        env["PATH"] = tmp.Path + ":" + Environment.GetEnvironmentVariable("PATH");
        foreach (var (index, shard) in new[] { ("0", "1/5"), ("4", "5/5") })
        {
            env["JOB_COMPLETION_INDEX"] = index;
            var run = Proc.Run(command[0], [.. command.Skip(1), .. args], tmp.Path, env);
            Assert.True(run.Code == 0, run.ToString());
            Assert.Equal(["run", "--region", "/data/regions/andes", "--model", "/data/models/global.zip", "--out", "/data/out/andes", "--shard", shard, "--workers", "2"],
                run.Stdout.TrimEnd('\n').Split('\n'));
        }
    }

    [PythonYamlFact]
    public void TheMergeIsAJobWhoseRegionReportIsNotRetried()
    {
        var merge = Render(3)[1];
        Assert.Equal("mining-lulc-andes-merge", merge.GetProperty("metadata").GetProperty("name").GetString());
        var spec = merge.GetProperty("spec");
        Assert.False(spec.TryGetProperty("completionMode", out _));
        var failJob = spec.GetProperty("podFailurePolicy").GetProperty("rules").EnumerateArray().Single(r => r.GetProperty("action").GetString() == "FailJob");
        Assert.Equal([1, 2], failJob.GetProperty("onExitCodes").GetProperty("values").EnumerateArray().Select(v => v.GetInt32()));
        var container = spec.GetProperty("template").GetProperty("spec").GetProperty("containers")[0];
        var env = container.GetProperty("env").EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!, e => e.GetProperty("value").GetString()!);
        // Kubernetes expands $(VAR) in args from the container's env: the merge is the run without --shard.
        var args = container.GetProperty("args").EnumerateArray().Select(a => env.Aggregate(a.GetString()!, (s, kv) => s.Replace($"$({kv.Key})", kv.Value))).ToList();
        Assert.Equal(["run", "--region", "/data/regions/andes", "--model", "/data/models/global.zip", "--out", "/data/out/andes", "--workers", "2", "--zip"], args);
        Assert.DoesNotContain(args, a => a.Contains("--shard"));
    }

    [Fact]
    public void BadArgumentsAreExitCode2()
    {
        var r = Proc.Run("bash", [Submit, "--dry-run", "/data/r", "/data/m.zip", "/data/out", "zero"]);
        Assert.Equal(2, r.Code);
        Assert.Contains("N must be a positive whole number", r.Stderr);
        var noImage = Proc.Run("bash", [Submit, "/data/r", "/data/m.zip", "/data/out", "2"], environment: new Dictionary<string, string?> { ["MINING_LULC_IMAGE"] = null });
        Assert.Equal(2, noImage.Code);
        Assert.Contains("MINING_LULC_IMAGE", noImage.Stderr);
    }
}
