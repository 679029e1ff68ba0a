using MiningLulc.Cli;
using MiningLulc.Pipeline;

namespace MiningLulc.Tests.Cli;

/// <summary>
/// What a scheduler and a batch log see (README.md, "Commands"): exit codes of shards and merges with
/// one broken site, and progress lines when output is not a terminal. The region is synthetic.
/// </summary>
[Collection(SyntheticRegionCollection.Name)]
public class BatchCliTests(SyntheticRegionFixture fixture)
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "mining-lulc.dll");

    private static (int Code, string Output) Cli(params string[] args) => Tools.Run("dotnet", [Dll, .. args]);

    [Fact]
    public void ShardsExit0WithABrokenSiteAndTheMergeExits1NamingIt()
    {
        // A copy of the region whose 2020 composite is truncated: its sites fail, the others are done.
        var copy = fixture.CopyOfRegion("broken-cli");
        SyntheticRegionFixture.TruncateComposite(copy, 2020);
        var model = Path.Combine(copy, "model.zip");
        fixture.Model.Save(model);
        var output = Path.Combine(copy, "out");

        var shards = Enumerable.Range(1, 2).Select(i => Cli("run", "--region", copy, "--model", model, "--out", output, "--shard", $"{i}/2", "--workers", "1")).ToList();
        Assert.All(shards, s => Assert.Equal((int)ExitCode.Success, s.Code));          // every site has an outcome: nothing to retry
        Assert.Contains(shards, s => s.Output.Contains("failed: ") && s.Output.Contains("s2_2020.tif"));

        var (code, merge) = Cli("run", "--region", copy, "--model", model, "--out", output);
        Assert.Equal((int)ExitCode.SitesFailed, code);                                    // the region is incomplete
        Assert.Matches(@"site \d+ failed: .*s2_2020\.tif", merge);
        Assert.Contains("[", merge);                                                       // progress lines, not bars: output is not a terminal
        Assert.Matches(@"sites \d+/\d+ \(100%\)", merge);
    }

    [Fact]
    public void BatchLogsShowProgressEvery5PercentAndAHeartbeatWhileASiteRuns()
    {
        var log = new StringWriter();
        using (var logger = new ConsoleUi.StageLogger(log, heartbeat: TimeSpan.FromMilliseconds(200)))
        {
            logger.Report(new PipelineProgress("classify", 0, 100));
            Thread.Sleep(1500);                                                            // one long site: the log must still move
            for (var i = 1; i <= 100; i++)
                logger.Report(new PipelineProgress("classify", i, 100, i) { Failed = i / 50, Pixels = i * 250_000L });
        }
        var lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Count(l => l.Contains("sites 0/100 (0%)")) >= 3, string.Join('\n', lines)); // the first line and at least two heartbeats
        for (var p = 5; p <= 100; p += 5) Assert.Single(lines, l => l.Contains($"sites {p}/100 ({p}%)"));
        Assert.Contains(lines, l => l.Contains("sites 100/100 (100%): 98 done (0 reused), 2 failed, 0 skipped; ") && l.Contains("Mpx/s"));
        Assert.Contains(lines, l => l.Contains("sites 50/100") && l.Contains("ETA "));
    }
}
