using MiningLulc.Catalog;
using MiningLulc.Pipeline;
using MiningLulc.Training;
using MiningLulc.Model;

namespace MiningLulc.Tests.Pipeline;

/// <summary>
/// <c>train --cv</c> on the tiny synthetic region (6 generated sites, 1, 3 and 4 touching one another),
/// with the published preset (refinement rules, class balance, forest of 10 trees), so the checks
/// below see caps and refinement at work in training and absent from scoring.
/// </summary>
[Collection(SyntheticRegionCollection.Name)]
public class SiteCrossValidationRegionTests(SyntheticRegionFixture region)
{
    private static readonly EngineConfig Published = LoadPublished();

    private static EngineConfig LoadPublished()
    {
        var p = EngineConfig.LoadPreset("published", Path.Combine(TestPaths.RepositoryRoot, "configs"));
        return p with { Training = p.Training with { Trees = 10 } };
    }

    /// <summary>One cross-validated training per fixture region, shared by the tests of this class.</summary>
    private static readonly Dictionary<string, TrainResult> Runs = [];

    private TrainResult CrossValidated()
    {
        lock (Runs)
        {
            if (!Runs.TryGetValue(region.Region, out var run))
                Runs[region.Region] = run = TrainingRunner.Train(new TrainRequest { Regions = [region.Region], Config = Published, CrossValidationFolds = 3, Workers = 2 });
            return run;
        }
    }

    private static IEnumerable<long> HeldOutIds(CrossValidationFold fold) => fold.HeldOut.SelectMany(h => h.SiteIds);

    [Fact]
    public void Touching_sites_are_held_out_in_the_same_fold()
    {
        var cv = CrossValidated().Model.Card.Cv!;
        var foldOf = cv.Folds.SelectMany(f => HeldOutIds(f).Select(id => (id, f.Fold))).ToDictionary();
        // Every pair of sites that touch or overlap, found here by brute force over the sites file, not by the engine's index.
        var (sites, _) = SiteReader.Read(Path.Combine(region.Region, "sites.gpkg"), "site_id");
        var touching = sites.SelectMany(a => sites.Where(b => a.Id < b.Id && a.Geometry.Intersects(b.Geometry)).Select(b => (A: a.Id, B: b.Id))).ToList();
        Assert.Contains((1L, 3L), touching); // the region has its group of three, so the check below has something to check
        foreach (var (a, b) in touching) Assert.Equal(foldOf[a], foldOf[b]);
        Assert.Equal(3, cv.Folds.Count);
        Assert.Equal(4, cv.Folds.Sum(f => f.Groups)); // {1, 3, 4}, {2}, {5}, {6}
    }

    [Fact]
    public void Folds_are_disjoint_and_hold_out_every_labelled_site_once()
    {
        var run = CrossValidated();
        var heldOut = run.Model.Card.Cv!.Folds.SelectMany(HeldOutIds).ToList();
        Assert.Equal(heldOut.Count, heldOut.Distinct().Count());
        Assert.Equal(run.TrainingSites, heldOut.Order());
        Assert.Equal(region.Summary.Sites, heldOut.Count);
        Assert.All(run.Model.Card.Cv!.Folds, f => Assert.True(f.Sites > 0 && f.Pixels > 0, $"fold {f.Fold} is empty"));
    }

    [Fact]
    public void Each_fold_trains_on_the_other_sites_rows_as_train_draws_them_and_scores_every_labelled_pixel_of_its_own()
    {
        var cv = CrossValidated().Model.Card.Cv!;
        // The rows train draws (refined, capped per site), and every labelled pixel (no cap, no refinement), each by its own path.
        var drawn = TrainingRunner.Sample(new TrainRequest { Regions = [region.Region], Config = Published }).Train;
        var everyPixel = Published with
        {
            Training = Published.Training with { SamplesPerClassPerSite = int.MaxValue, Refinement = Published.Training.Refinement with { Enabled = false } },
        };
        var labelled = TrainingRunner.Sample(new TrainRequest { Regions = [region.Region], Config = everyPixel }).Train;
        Assert.True(labelled.Count > 2 * drawn.Count, $"{labelled.Count} labelled pixels, {drawn.Count} drawn: the caps and rules should leave out most");

        var cap = Published.Training.MaxSamplesPerClass;
        foreach (var fold in cv.Folds)
        {
            var held = HeldOutIds(fold).ToHashSet();
            Assert.Equal(labelled.Sites.Count(held.Contains), fold.Pixels);
            // Trained on the other sites' drawn rows, balanced to the preset's cap per class.
            var others = drawn.Where(s => !held.Contains(s)).ClassCounts();
            Assert.Equal(others.Sum(n => Math.Min(n, cap)), fold.TrainingRows);
        }
    }

    [Fact]
    public void The_model_in_the_zip_is_the_one_trained_without_cv()
    {
        var withCv = CrossValidated().Model;
        var without = TrainingRunner.Train(new TrainRequest { Regions = [region.Region], Config = Published, Workers = 2 }).Model;
        Assert.Null(without.Card.Cv);
        Assert.Null(without.Card.Calibration); // no hold-out, no cross-validation: nothing to calibrate on
        Assert.Equal(without.ContentHash, new ClassifierModel(withCv, withCv.Card with { Cv = null, Calibration = null }).ContentHash);
    }

    [Fact]
    public void A_model_trained_with_cv_is_calibrated_on_the_pixels_its_folds_held_out()
    {
        // LightGBM (the default trainer), whose scores are margins a temperature rescales.
        var config = region.Config with { Training = region.Config.Training with { Trees = 5 } };
        var card = TrainingRunner.Train(new TrainRequest { Regions = [region.Region], Config = config, CrossValidationFolds = 3, Workers = 2 }).Model.Card;
        var calibration = card.Calibration!;
        Assert.Contains("3-fold site-grouped cross-validation", calibration.FittedOn);
        // Every held-out pixel of every fold (the region is small: under the per-fold cap), each once.
        Assert.Equal(card.Cv!.Folds.Sum(f => f.Pixels), calibration.Pixels);
        Assert.True(calibration.Temperature > 0);
        Assert.True(calibration.LogLossAfter <= calibration.LogLossBefore + 1e-9, $"{calibration.LogLossAfter} > {calibration.LogLossBefore}");
    }

    [Fact]
    public void A_forests_calibration_never_raises_the_log_loss()
    {
        // The published forest's vote shares: the temperature search used to stop in a local minimum above T = 1
        // (log-loss 3.098 -> 3.145 on this region); no scaling is kept then.
        var calibration = CrossValidated().Model.Card.Calibration!;
        Assert.True(calibration.LogLossAfter <= calibration.LogLossBefore, $"{calibration.LogLossAfter} > {calibration.LogLossBefore}");
    }

    [Fact]
    public void The_same_settings_give_the_same_folds_and_figures_on_any_number_of_workers()
    {
        // LightGBM (the default trainer) here, whose fold models fit side by side on different threads.
        var config = region.Config with { Training = region.Config.Training with { Trees = 5 } };
        string Cv(int workers)
        {
            var card = TrainingRunner.Train(new TrainRequest { Regions = [region.Region], Config = config, CrossValidationFolds = 2, Workers = workers }).Model.Card;
            return System.Text.Json.JsonSerializer.Serialize(new { card.Cv, card.Calibration });
        }
        Assert.Equal(Cv(1), Cv(2));
    }
}
