using MiningLulc.Assessment;
using MiningLulc.Catalog;
using MiningLulc.Geo;
using MiningLulc.Pipeline;
using MiningLulc.Vectorize;

namespace MiningLulc.Tests.Pipeline;

/// <summary>The whole pipeline on a tiny generated region (synthetic data, see SyntheticRegionFixture).</summary>
[Collection(SyntheticRegionCollection.Name)]
public class EndToEndTests(SyntheticRegionFixture region)
{
    [Fact]
    public void RunWritesThePublishedSchemaAndAgreesWithTheLabels()
    {
        var output = region.NewFolder("run");
        var result = RegionRunner.Run(new RunRequest { RegionDirectory = region.Region, Model = region.Model, OutDirectory = output, Config = region.Config, Zip = true });

        Assert.Equal(6, result.Done);
        Assert.Equal(0, result.Failed);
        Assert.NotEmpty(result.Files);
        foreach (var f in result.Files) Assert.Empty(PublishedSchemaValidator.Check(f));
        Assert.True(File.Exists(Path.Combine(output, "sample.zip")));
        Assert.True(File.Exists(result.ManifestPath));
        // Every site lies inside the rasters: coverage says so, per site, in the manifest too.
        Assert.All(result.Sites, s => Assert.False(s.Coverage!.Partial));
        Assert.All(result.Sites, s => Assert.InRange(s.Coverage!.WithReflectance, 0.8, 1.0));
        Assert.All(result.Sites, s => Assert.True(s.Coverage!.SitePixels >= s.ClassifiedPixels));
        using (var manifest = System.Text.Json.JsonDocument.Parse(File.ReadAllText(result.ManifestPath)))
        {
            Assert.Equal(0, manifest.RootElement.GetProperty("sites_partial").GetInt32());
            var first = manifest.RootElement.GetProperty("sites")[0].GetProperty("coverage");
            Assert.False(first.GetProperty("partial").GetBoolean());
            Assert.True(first.GetProperty("with_dh").GetDouble() > 0.5);
        }

        var predicted = LabelReader.Read(output);
        Assert.Equal(result.Features, predicted.Count); // loose files and the zip are counted once
        Assert.Equal(Enumerable.Range(1, predicted.Count).Select(i => (long)i), predicted.Select(p => p.IndexN!.Value).Order());

        // The polygons cover each site up to its boundary: their areas add up to the sites' area
        // (less pixels without reflectance, i.e. cloud gaps), and never more.
        var (sites, _) = SiteReader.Read(Path.Combine(region.Region, "sites.gpkg"));
        var ownedArea = SiteOwnership.Compute(sites).Values.Sum(GeodesicArea.Of);
        var mapped = predicted.Sum(p => p.AreaM2!.Value);
        Assert.InRange(mapped, 0.9 * ownedArea, 1.0005 * ownedArea);
        Assert.All(predicted, p => Assert.Equal(p.AreaM2!.Value, GeodesicArea.Of(p.Geometry), 1e-6 * p.AreaM2!.Value + 1e-6));

        // Floor: a classifier that learned anything beats 0.75 over all sites of this region (the
        // labels of 2/3 of them trained it; a majority-class guess scores ~0.5 here).
        var report = AccuracyAssessor.Assess(predicted, LabelReader.Read(Path.Combine(region.Region, "labels")));
        Assert.True(report.OverallAccuracy > 0.75, $"overall accuracy {report.OverallAccuracy}");
        Assert.True(report.Kappa > 0.6, $"kappa {report.Kappa}");
        Assert.Equal(report.ComparedAreaM2, report.ConfusionMatrixM2.Sum(r => r.Sum()), 1e-6 * report.ComparedAreaM2);
    }

    [Fact]
    public void SameInputsGiveByteIdenticalOutputs()
    {
        var a = region.NewFolder("a");
        var b = region.NewFolder("b");
        var ra = RegionRunner.Run(new RunRequest { RegionDirectory = region.Region, Model = region.Model, OutDirectory = a, Config = region.Config, Workers = 2 });
        var rb = RegionRunner.Run(new RunRequest { RegionDirectory = region.Region, Model = region.Model, OutDirectory = b, Config = region.Config, Workers = 1 });
        Assert.Equal(ra.Files.Select(Path.GetFileName), rb.Files.Select(Path.GetFileName));
        foreach (var (fa, fb) in ra.Files.Zip(rb.Files)) Assert.Equal(File.ReadAllBytes(fa), File.ReadAllBytes(fb));
    }

    [Fact]
    public void TrainingHeldSitesOutAndRecordedItInTheCard()
    {
        var t = region.Training;
        Assert.NotEmpty(t.HeldOutSites);
        Assert.Empty(t.TrainingSites.Intersect(t.HeldOutSites));
        Assert.NotNull(region.Model.Card.Holdout);
        Assert.Equal(t.HeldOutSites.Count, region.Model.Card.Holdout!.Sites);
        Assert.InRange(region.Model.Card.Holdout.OverallAccuracy, 0.5, 1.0);
    }

    [Fact]
    public void ABrokenSiteIsReportedAndTheOthersStillRun()
    {
        // A copy of the region whose 2020 composite is truncated: its sites fail, 2019 sites succeed.
        var copy = region.CopyOfRegion("broken");
        SyntheticRegionFixture.TruncateComposite(copy, 2020);

        var result = RegionRunner.Run(new RunRequest { RegionDirectory = copy, Model = region.Model, OutDirectory = Path.Combine(copy, "out"), Config = region.Config });
        var catalog = RegionCatalog.Build(copy, region.Config.Input);
        var of2020 = catalog.Ready.Count(e => e.Year == 2020);
        Assert.True(of2020 > 0 && of2020 < 6, "the fixture should have sites in both years");
        Assert.Equal(of2020, result.Failed);
        Assert.Equal(6 - of2020, result.Done);
        Assert.All(result.Sites.Where(s => s.Outcome == SiteOutcome.Failed), s => Assert.Contains("s2_2020.tif", s.Reason));
    }
}

/// <summary>Shards, merge and resume on the tiny synthetic region.</summary>
[Collection(SyntheticRegionCollection.Name)]
public class ShardAndResumeTests(SyntheticRegionFixture region)
{
    [Fact]
    public void ShardsThenAMergeGiveTheSameFilesAsOneRun()
    {
        var single = region.NewFolder("single");
        var whole = RegionRunner.Run(new RunRequest { RegionDirectory = region.Region, Model = region.Model, OutDirectory = single, Config = region.Config });

        var sharded = region.NewFolder("sharded");
        var parts = Enumerable.Range(1, 3).Select(i => RegionRunner.Run(new RunRequest
        {
            RegionDirectory = region.Region,
            Model = region.Model,
            OutDirectory = sharded,
            Config = region.Config,
            Shard = new Shard(i, 3),
        })).ToList();
        Assert.All(parts, p => Assert.Empty(p.Files));
        Assert.Equal(6, parts.Sum(p => p.Done));                       // every site in exactly one shard
        var merged = RegionRunner.Run(new RunRequest { RegionDirectory = region.Region, Model = region.Model, OutDirectory = sharded, Config = region.Config });
        Assert.Equal(6, merged.Reused);                                 // the merge classifies nothing again
        Assert.Equal(whole.Files.Select(Path.GetFileName), merged.Files.Select(Path.GetFileName));
        foreach (var (a, b) in whole.Files.Zip(merged.Files)) Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(b));
    }

    [Fact]
    public void ARerunRedoesOnlyTheSitesThatDidNotFinish()
    {
        var output = region.NewFolder("resume");
        var first = RegionRunner.Run(new RunRequest { RegionDirectory = region.Region, Model = region.Model, OutDirectory = output, Config = region.Config });
        Assert.Equal(0, first.Reused);
        File.Delete(Path.Combine(output, "work", "site-2.bin"));        // as if killed while site 2 ran
        File.WriteAllText(Path.Combine(output, "work", "site-3.bin"), "torn write"); // a damaged result is redone
        var second = RegionRunner.Run(new RunRequest { RegionDirectory = region.Region, Model = region.Model, OutDirectory = output, Config = region.Config });
        Assert.Equal(4, second.Reused);
        Assert.Equal(first.Features, second.Features);
        foreach (var (a, b) in first.Files.Zip(second.Files)) Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(b));
        // Other settings never reuse these results.
        var other = RegionRunner.Run(new RunRequest
        {
            RegionDirectory = region.Region,
            Model = region.Model,
            OutDirectory = output,
            Config = region.Config with { Vectorize = region.Config.Vectorize with { Connectivity = 8 } },
        });
        Assert.Equal(0, other.Reused);
    }

    [Theory]
    [InlineData("1/1", 1, 1)]
    [InlineData("3/8", 3, 8)]
    public void ShardsParse(string text, int i, int n) => Assert.Equal(new Shard(i, n), Shard.Parse(text));

    [Theory]
    [InlineData("0/2")]
    [InlineData("3/2")]
    [InlineData("a/b")]
    [InlineData("2")]
    public void BadShardsAreClearErrors(string text) => Assert.Contains("--shard", Assert.Throws<InvalidInputException>(() => Shard.Parse(text)).Message);

    [Fact]
    public void ShardsPartitionTheSites()
    {
        var ids = Enumerable.Range(1, 10_000).Select(i => (long)i).ToList();
        var counts = Enumerable.Range(1, 4).Select(i => ids.Count(id => new Shard(i, 4).Contains(id))).ToList();
        Assert.Equal(10_000, counts.Sum());
        Assert.All(counts, c => Assert.InRange(c, 2300, 2700));
        Assert.All(ids, id => Assert.Equal(1, Enumerable.Range(1, 4).Count(i => new Shard(i, 4).Contains(id))));
    }
}
