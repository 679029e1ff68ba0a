using MiningLulc.Pipeline;
using MiningLulc.Training;
using MiningLulc.Model;

namespace MiningLulc.Tests.Pipeline;

/// <summary>
/// The folds' training and scoring on made-up sites: one feature that separates open pit (x = 0) from
/// vegetation (x = 10) perfectly, so a forest trained on clean rows maps every pixel by its x, and
/// the scores follow from the labels given to the held-out pixels alone.
/// </summary>
public class SiteCrossValidationTests
{
    private static readonly FeatureSet OneFeature = new("x", ["x"]);

    private static readonly EngineConfig Forest = EngineConfig.Default with
    {
        Training = EngineConfig.Default.Training with { Trainer = TrainerKind.RandomForest, Trees = 5, MinSamplesPerLeaf = 1 },
    };

    private static ClassifierModel Fit(TrainingTable rows) => ModelTrainer.Train(rows, OneFeature, Forest, ["made up"], threads: 1);

    private static TrainingTable Rows(long site, params (float X, LulcClass Label, int Count)[] runs)
    {
        var table = new TrainingTable(1);
        foreach (var (x, label, count) in runs) for (var i = 0; i < count; i++) table.Add([x], label, site);
        return table;
    }

    /// <summary>
    /// A site trained on 20 clean rows of each class, whose labelled pixels are 4 pits and 4 vegetation
    /// pixels the forest maps right, and 2 pixels labelled vegetation that look like pit (x = 0).
    /// </summary>
    private static CrossValidationSite Site(int region, long id, long group) => new(region, $"r{region}", id, group,
        Rows(id, (0, LulcClass.OpenPit, 20), (10, LulcClass.Vegetation, 20)),
        Rows(id, (0, LulcClass.OpenPit, 4), (10, LulcClass.Vegetation, 4), (0, LulcClass.Vegetation, 2)));

    [Fact]
    public void Folds_are_scored_on_the_labelled_pixels_of_their_sites_not_on_the_training_rows()
    {
        // Sites 1-2 touch (group 1), 3, 4 and 5 stand alone: 4 groups in 2 folds.
        CrossValidationSite[] sites = [Site(0, 1, 1), Site(0, 2, 1), Site(0, 3, 3), Site(0, 4, 4), Site(0, 5, 5)];
        var cv = SiteCrossValidation.Run(sites, 2, seed: 42, Fit, workers: 2);

        // Each fold, whatever sites it holds: pit 4 right; vegetation 4 right and 2 mapped pit, out of 10 per site.
        // po = 0.8; pe = 0.4 x 0.6 + 0.6 x 0.4 = 0.48; kappa = 0.32 / 0.52; F1 pit = 2 x 1 x 4/6 / (1 + 4/6) = 0.8, vegetation alike.
        Assert.Equal(2, cv.Folds.Count);
        foreach (var fold in cv.Folds)
        {
            Assert.Equal(0.8, fold.Scores.OverallAccuracy);
            Assert.Equal(Math.Round(0.32 / 0.52, 6), fold.Scores.Kappa);
            Assert.Equal(0.8, fold.Scores.MacroF1);
            Assert.Equal(0.8, fold.Scores.F1["Open pit"]);
            Assert.Equal(0.8, fold.Scores.F1["Vegetation"]);
            Assert.Null(fold.Scores.F1["Facility"]); // no facility pixel to score
            Assert.Equal(10 * fold.Sites, fold.Pixels);
            Assert.Equal(40 * (sites.Length - fold.Sites), fold.TrainingRows); // the other folds' rows, all of them
        }
        Assert.Equal(0.8, cv.Mean.OverallAccuracy);
        Assert.Equal(0, cv.Sd.OverallAccuracy);
        Assert.Equal(new long[] { 1, 2, 3, 4, 5 }, cv.Folds.SelectMany(f => f.HeldOut.Single().SiteIds).Order());
        Assert.Equal(4, cv.Folds.Sum(f => f.Groups));
        var touching = cv.Folds.Single(f => f.HeldOut.Single().SiteIds.Contains(1));
        Assert.Contains(2L, touching.HeldOut.Single().SiteIds);
    }

    [Fact]
    public void Sites_of_two_regions_never_share_a_group_even_with_the_same_ids()
    {
        // Region 0 and region 1 each have a site 1 (group 1): two groups, so two folds are possible, one site each.
        var cv = SiteCrossValidation.Run([Site(0, 1, 1), Site(1, 1, 1)], 2, seed: 42, Fit, workers: 1);
        Assert.Equal(new[] { 1, 1 }, cv.Folds.Select(f => f.Sites));
        Assert.Equal(new[] { "r0", "r1" }, cv.Folds.Select(f => f.HeldOut.Single().Region).Order());
    }

    [Fact]
    public void A_fold_that_cannot_be_trained_says_which_fold_and_why()
    {
        // Site 1 holds only pits, site 2 only vegetation: each fold would train on one class.
        CrossValidationSite[] sites =
        [
            new(0, "r0", 1, 1, Rows(1, (0, LulcClass.OpenPit, 20)), Rows(1, (0, LulcClass.OpenPit, 5))),
            new(0, "r0", 2, 2, Rows(2, (10, LulcClass.Vegetation, 20)), Rows(2, (10, LulcClass.Vegetation, 5))),
        ];
        var e = Assert.Throws<InvalidInputException>(() => SiteCrossValidation.Run(sites, 2, seed: 42, Fit, workers: 1));
        Assert.Matches("cross-validation fold [12] \\(sites [12] held out\\)", e.Message);
        Assert.Contains("at least two classes", e.Message);
    }
}
