using MiningLulc.Inspection;
using MiningLulc.Model;

namespace MiningLulc.Tests.Training;

/// <summary>The cross-validation record: mean and spread over folds, its place in the model card, and what inspect shows (made-up figures).</summary>
[Collection(SyntheticRegionCollection.Name)]
public class CrossValidationResultTests(SyntheticRegionFixture region)
{
    private static CrossValidationScores Scores(double oa, double? facilityF1) => new(oa, oa - 0.1, oa - 0.05,
        LulcClasses.Names.ToDictionary(n => n, n => n == "Facility" ? facilityF1 : (double?)oa));

    private static CrossValidationFold Fold(int fold, double oa, double? facilityF1) =>
        new(fold, 2, 3, 1000 * fold, 500, Scores(oa, facilityF1), [new HeldOutSites("made-up", [fold, 10L + fold])]);

    private static CrossValidationResult ThreeFolds() => CrossValidationResult.Summarize(3, 42, [Fold(1, 0.7, 0.5), Fold(2, 0.8, null), Fold(3, 0.9, 0.9)]);

    [Fact]
    public void Mean_and_sample_standard_deviation_are_over_the_folds_where_a_figure_is_defined()
    {
        var cv = ThreeFolds();
        Assert.Equal(0.8, cv.Mean.OverallAccuracy!.Value, 12);
        Assert.Equal(0.1, cv.Sd.OverallAccuracy!.Value, 12);  // sqrt((0.01 + 0 + 0.01) / 2)
        Assert.Equal(0.7, cv.Mean.Kappa!.Value, 12);
        // Facility has no reference pixel in fold 2: the mean and sd of folds 1 and 3 alone.
        Assert.Equal(0.7, cv.Mean.F1["Facility"]!.Value, 12);
        Assert.Equal(Math.Round(Math.Sqrt(0.08), 6), cv.Sd.F1["Facility"]!.Value, 12);
        var single = CrossValidationResult.Summarize(2, 42, [Fold(1, 0.7, null), Fold(2, 0.8, 0.6)]);
        Assert.Equal(0.6, single.Mean.F1["Facility"]);
        Assert.Null(single.Sd.F1["Facility"]); // one value has no spread
    }

    [Fact]
    public void The_card_keeps_the_cross_validation_through_a_model_zip_and_inspect_shows_it()
    {
        var cv = ThreeFolds();
        var card = region.Model.Card with { Cv = cv };
        var json = card.ToJson();
        Assert.Contains("\"cv\": {", json);
        Assert.Equal(json, ModelCard.FromJson(json).ToJson());
        Assert.DoesNotContain("\"cv\"", (card with { Cv = null }).ToJson()); // absent, not null, in cards without it

        using var dir = new TempDir();
        var path = dir.File("model.zip");
        new ClassifierModel(region.Model, card).Save(path);
        var read = ClassifierModel.ReadCard(path).Cv!;
        Assert.Equal(3, read.K);
        Assert.Equal(42, read.Seed);
        Assert.Null(read.Folds[1].Scores.F1["Facility"]);
        Assert.Equal(new long[] { 2, 12 }, read.Folds[1].HeldOut.Single().SiteIds);
        Assert.Equal(cv.Sd.F1["Facility"], read.Sd.F1["Facility"]);

        var report = Inspector.Inspect(path);
        Assert.Contains(report.Facts, f => f.Key == "cross-validation" && f.Value.StartsWith("3 folds of site groups, seed 42: overall accuracy 0.800 ± 0.100", StringComparison.Ordinal));
        var table = Assert.Single(report.MoreTables);
        Assert.Equal(["figure", "fold 1", "fold 2", "fold 3", "mean", "sd"], table.Header);
        Assert.Equal(["overall accuracy", "0.700", "0.800", "0.900", "0.800", "0.100"], table.Rows.Single(r => r[0] == "overall accuracy"));
        Assert.Equal(["F1 Facility", "0.500", "n/a", "0.900", "0.700", "0.283"], table.Rows.Single(r => r[0] == "F1 Facility"));
        Assert.Equal(["held-out pixels", "1000", "2000", "3000", "", ""], table.Rows.Single(r => r[0] == "held-out pixels"));
        using (var reportJson = System.Text.Json.JsonDocument.Parse(report.ToJson()))
        {
            var rows = reportJson.RootElement.GetProperty("tables")[0].GetProperty("rows");
            Assert.Equal("0.100", rows.EnumerateArray().Single(r => r.GetProperty("figure").GetString() == "overall accuracy").GetProperty("sd").GetString());
        }
        Assert.DoesNotContain("\"tables\"", Inspector.Inspect(SaveWithout(dir)).ToJson());

        string SaveWithout(TempDir d)
        {
            var plain = d.File("plain.zip");
            region.Model.Save(plain);
            return plain;
        }
    }
}
