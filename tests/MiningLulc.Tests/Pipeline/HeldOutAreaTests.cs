using System.Text.Json;
using MiningLulc.Assessment;
using MiningLulc.Catalog;
using MiningLulc.Pipeline;
using MiningLulc.Model;

namespace MiningLulc.Tests.Pipeline;

/// <summary>
/// The held-out sites travel in the model card, so the map's accuracy on them can be measured again
/// from the CLI (`assess --holdout-of MODEL.zip`). On the tiny synthetic region, 34 % held out.
/// </summary>
[Collection(SyntheticRegionCollection.Name)]
public class HeldOutAreaTests(SyntheticRegionFixture region)
{
    [Fact]
    public void The_card_records_the_held_out_sites_by_region()
    {
        var held = Assert.Single(region.Model.Card.Holdout!.HeldOut!);
        Assert.Equal(RegionFolder.Open(region.Region, region.Config.Input).Name, held.Region);
        Assert.NotEmpty(held.SiteIds);
        Assert.Equal(region.Training.HeldOutSites, held.SiteIds);
        Assert.Equal(region.Model.Card.Holdout.Sites, held.SiteIds.Count);
        // It survives the model file.
        var path = Path.Combine(region.NewFolder("card"), "m.zip");
        region.Model.Save(path);
        Assert.Equal(held.SiteIds, Assert.Single(ClassifierModel.ReadCard(path).Holdout!.HeldOut!).SiteIds);
    }

    [Fact]
    public void The_area_is_the_union_of_exactly_those_sites()
    {
        var area = HeldOutArea.Of(region.Model.Card, "m.zip", region.Region, region.Config.Input);
        var (sites, _) = SiteReader.Read(Path.Combine(region.Region, "sites.gpkg"));
        var held = region.Training.HeldOutSites.ToHashSet();
        foreach (var s in sites.Where(s => held.Contains(s.Id)))
            Assert.True(area.Intersection(s.Geometry).Area / s.Geometry.Area > 0.999, $"held-out site {s.Id} not wholly inside");
        // And nothing more: the area is that of the held-out sites (they do not overlap in this region).
        Assert.Equal(sites.Where(s => held.Contains(s.Id)).Sum(s => s.Geometry.Area), area.Area, 9);
        Assert.Equal(region.Region, HeldOutArea.RegionOf(Path.Combine(region.Region, "labels"), region.Config.Input));
    }

    [Fact]
    public void A_card_without_held_out_sites_or_another_region_is_bad_input()
    {
        var noHoldout = region.Model.Card with { Holdout = null };
        Assert.Contains("--holdout", Assert.Throws<InvalidInputException>(() => HeldOutArea.Of(noHoldout, "m.zip", region.Region, region.Config.Input)).Message);
        var other = region.Model.Card with { Holdout = region.Model.Card.Holdout! with { HeldOut = [new HeldOutSites("andes", [1])] } };
        Assert.Contains("'andes'", Assert.Throws<InvalidInputException>(() => HeldOutArea.Of(other, "m.zip", region.Region, region.Config.Input)).Message);
    }

    [Fact]
    public void Assess_holdout_of_gives_the_held_out_figures_of_the_map()
    {
        var work = region.NewFolder("holdout-of");
        var model = Path.Combine(work, "m.zip");
        region.Model.Save(model);
        var run = RegionRunner.Run(new RunRequest { RegionDirectory = region.Region, Model = region.Model, OutDirectory = Path.Combine(work, "out"), Config = region.Config });
        var labels = Path.Combine(region.Region, "labels");
        var expected = ReportWriter.AssessFiles(Path.Combine(work, "out"), labels, Path.Combine(work, "lib"),
            HeldOutArea.Of(region.Model.Card, model, region.Region, region.Config.Input));

        var dll = Path.Combine(AppContext.BaseDirectory, "mining-lulc.dll");
        var (code, output) = Tools.Run("dotnet", [dll, "assess", "--pred", Path.Combine(work, "out"), "--ref", labels, "--out", Path.Combine(work, "cli"), "--holdout-of", model]);
        Assert.True(code == 0, output);
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(work, "cli", "report.json")));
        Assert.Equal(expected.OverallAccuracy, report.RootElement.GetProperty("overall_accuracy").GetDouble(), 12);
        Assert.Equal(expected.ComparedAreaM2, report.RootElement.GetProperty("compared_area_m2").GetDouble(), 6);
        // Fewer sites than the whole map: the held-out area is smaller than all of it.
        var all = ReportWriter.AssessFiles(Path.Combine(work, "out"), labels, Path.Combine(work, "all"));
        Assert.True(expected.ComparedAreaM2 < all.ComparedAreaM2 * 0.9, $"{expected.ComparedAreaM2} of {all.ComparedAreaM2}");
        Assert.Equal(6, run.Done);
    }
}
