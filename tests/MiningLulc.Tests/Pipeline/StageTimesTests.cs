using System.Text.Json;
using MiningLulc.Pipeline;

namespace MiningLulc.Tests.Pipeline;

public class StageTimesTests
{
    private static SiteReport Done(long id, StageTimes? times) => new(id, SiteOutcome.Done, null, 2020, 1, 1) { Times = times };

    [Fact]
    public void SummaryAddsTheSitesStageByStageWithShares()
    {
        var a = new StageTimes { ReadWarp = 3, Features = 0.5, Classify = 1.5, Smooth = 0, Polygonize = 1, ClipTransform = 2 };
        var b = new StageTimes { ReadWarp = 1, Features = 0.5, Classify = 0.5, Smooth = 0, Polygonize = 1, ClipTransform = 2 };
        var line = StageTimes.Summary([Done(1, a), Done(2, b), new SiteReport(3, SiteOutcome.Failed, "x", 2020, 0, 0)]);
        Assert.Equal("time per stage (all workers, s): read/warp 4.0 (31%), features 1.0 (8%), classify 2.0 (15%), smooth 0.0 (0%), " +
            "polygonize 2.0 (15%), clip/transform 4.0 (31%); total 13.0 over 2 site(s)", line);
    }

    [Fact]
    public void SummaryIsNullWhenNoSiteWasTimed()
    {
        Assert.Null(StageTimes.Summary([]));
        Assert.Null(StageTimes.Summary([Done(1, null), new SiteReport(2, SiteOutcome.Skipped, "no year", null, 0, 0)]));
    }

    [Fact]
    public void SumAndTotalAreStageByStage()
    {
        var a = new StageTimes { ReadWarp = 0.1, Features = 0.2, Classify = 0.3, Smooth = 0.4, Polygonize = 0.5, ClipTransform = 0.6 };
        var sum = a + a;
        Assert.Equal([0.2, 0.4, 0.6, 0.8, 1.0, 1.2], sum.Stages().Select(s => s.Seconds).ToArray(), new ToleranceComparer(1e-12));
        Assert.Equal(2.1, a.Total, 12);
        Assert.Equal(["read/warp", "features", "classify", "smooth", "polygonize", "clip/transform"], a.Stages().Select(s => s.Stage));
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(double obj) => 0;
    }
}

/// <summary>Stage times of a real run: measured per site, written to the manifest in snake_case.</summary>
[Collection(SyntheticRegionCollection.Name)]
public class StageTimesRunTests(SyntheticRegionFixture region)
{
    [Fact]
    public void EachProcessedSiteReportsItsStageTimesInTheManifest()
    {
        var output = region.NewFolder("times");
        var result = RegionRunner.Run(new RunRequest { RegionDirectory = region.Region, Model = region.Model, OutDirectory = output, Config = region.Config });

        Assert.Equal(6, result.Done);
        foreach (var site in result.Sites)
        {
            var t = site.Times!;
            // Every site reads pixels, computes features, classifies and polygonizes: those take time.
            Assert.True(t.ReadWarp > 0 && t.Features > 0 && t.Classify > 0 && t.Polygonize > 0 && t.ClipTransform > 0, t.ToString());
            Assert.InRange(t.Smooth, 0, 0.05); // the default method does not smooth: only the check that it is off
            // The total is the stages' sum rounded to 0.1 ms (comparing at 3 decimals could straddle a rounding edge).
            Assert.InRange(t.Total - t.Stages().Sum(s => s.Seconds), -0.6e-4, 0.6e-4);
        }

        using var manifest = JsonDocument.Parse(File.ReadAllText(result.ManifestPath));
        var sites = manifest.RootElement.GetProperty("sites").EnumerateArray().ToList();
        Assert.Equal(result.Sites.Count, sites.Count);
        foreach (var (json, report) in sites.Zip(result.Sites))
        {
            var times = json.GetProperty("times");
            Assert.Equal(["read_warp", "features", "classify", "smooth", "polygonize", "clip_transform", "total"], times.EnumerateObject().Select(p => p.Name));
            Assert.Equal(report.Times!.ReadWarp, times.GetProperty("read_warp").GetDouble());
            Assert.Equal(report.Times.ClipTransform, times.GetProperty("clip_transform").GetDouble());
        }
        Assert.NotNull(StageTimes.Summary(result.Sites));
        // The run's totals: each stage summed over its sites, and the time the GeoPackages took.
        var sum = result.Sites.Select(s => s.Times!).Aggregate((a, b) => a + b);
        Assert.Equal(sum.Classify, manifest.RootElement.GetProperty("stage_seconds").GetProperty("classify").GetDouble(), 9);
        Assert.True(result.WriteSeconds > 0);
        Assert.Equal(result.WriteSeconds!.Value, manifest.RootElement.GetProperty("write_seconds").GetDouble());
        Assert.EndsWith($"then writing the GeoPackages {result.WriteSeconds.Value.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)} s", StageTimes.Summary(result.Sites, result.WriteSeconds));

        // A rerun reuses every site: nothing was processed, so nothing is timed.
        var again = RegionRunner.Run(new RunRequest { RegionDirectory = region.Region, Model = region.Model, OutDirectory = output, Config = region.Config });
        Assert.Equal(6, again.Reused);
        Assert.All(again.Sites, s => Assert.Null(s.Times));
        Assert.Null(StageTimes.Summary(again.Sites));
    }
}
