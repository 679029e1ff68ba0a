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
        var copy = region.NewFolder("broken");
        foreach (var file in Directory.EnumerateFiles(region.Region, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy, Path.GetRelativePath(region.Region, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        var composite = Directory.GetFiles(Path.Combine(copy, "s2", "2020")).Single();
        var bytes = File.ReadAllBytes(composite);
        File.WriteAllBytes(composite, bytes[..(bytes.Length * 2 / 3)]);

        var result = RegionRunner.Run(new RunRequest { RegionDirectory = copy, Model = region.Model, OutDirectory = Path.Combine(copy, "out"), Config = region.Config });
        var catalog = RegionCatalog.Build(copy, region.Config.Input);
        var of2020 = catalog.Ready.Count(e => e.Year == 2020);
        Assert.True(of2020 > 0 && of2020 < 6, "the fixture should have sites in both years");
        Assert.Equal(of2020, result.Failed);
        Assert.Equal(6 - of2020, result.Done);
        Assert.All(result.Sites.Where(s => s.Outcome == SiteOutcome.Failed), s => Assert.Contains("s2_2020.tif", s.Reason));
    }
}
