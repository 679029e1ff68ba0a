using MiningLulc.Catalog;
using MiningLulc.Training;
using MiningLulc.Model;

namespace MiningLulc.Pipeline;

/// <summary>
/// A labelled site as cross-validation needs it: its region, its group of touching sites, the rows
/// <c>train</c> draws from it (refined and capped per class), and every labelled pixel it has (to score on).
/// </summary>
public sealed record CrossValidationSite(int Region, string RegionName, long SiteId, long Group, TrainingTable TrainingRows, TrainingTable LabelledPixels);

/// <summary>
/// Site-grouped K-fold cross-validation (<c>train --cv K</c>): groups of touching sites are dealt
/// into K folds (<see cref="SiteFolds"/>); each fold's model is trained exactly as <c>train</c>
/// trains, on the other folds' sampled rows, and scored on every labelled pixel of the fold's own
/// sites (<see cref="CrossValidationResult.ScoringRule"/>). The sites' pixels are read once, by
/// <see cref="Sample"/>, for all folds and for the final model.
/// </summary>
public static class SiteCrossValidation
{
    /// <summary>
    /// One pass over a labelled site's blocks giving both the training rows, drawn exactly as
    /// <see cref="SiteProcessor.Sample"/> draws them (same settings, same seeded reservoir), and
    /// every labelled pixel without caps or refinement.
    /// </summary>
    public static (TrainingTable TrainingRows, TrainingTable LabelledPixels) Sample(SiteProcessor processor, CatalogEntry entry, IReadOnlyList<LabelPolygon> labels, TrainingSettings training)
    {
        var layout = processor.Plan(entry);
        var drawn = new SiteSampler(processor.Extractor, training, layout, labels);
        var every = new SiteSampler(processor.Extractor, EveryLabelledPixel(training), layout, labels);
        foreach (var (block, interior, planes) in processor.Blocks(layout))
        {
            drawn.Add(block, interior, planes);
            every.Add(block, interior, planes);
        }
        return (drawn.ToTable(), every.ToTable());
    }

    /// <summary>The sampler settings that keep every labelled pixel: no cap per class (the reservoir never fills), no refinement.</summary>
    private static TrainingSettings EveryLabelledPixel(TrainingSettings s) =>
        s with { SamplesPerClassPerSite = int.MaxValue, Refinement = s.Refinement with { Enabled = false } };

    /// <param name="sites">In the order <c>train</c> gathers rows: regions in order, sites by id.</param>
    /// <param name="fit">How <c>train</c> turns sampled rows into a model (balance, trainer); called once per fold, from several threads.</param>
    /// <param name="outOfFold">When given, collects each fold model's scores on the pixels it held out (to calibrate the final model's confidence).</param>
    public static CrossValidationResult Run(IReadOnlyList<CrossValidationSite> sites, int k, int seed, Func<TrainingTable, ClassifierModel> fit, int workers,
        IProgress<PipelineProgress>? progress = null, OutOfFoldScores? outOfFold = null)
    {
        var groups = sites.GroupBy(s => (s.Region, s.Group))
            .Select(g => new SiteGroup(g.Key.Region, g.Key.Group, g.Sum(s => (long)s.LabelledPixels.Count)))
            .OrderBy(g => g.Region).ThenBy(g => g.FirstSiteId).ToList();
        var foldOfGroup = SiteFolds.Deal(groups, k, seed);
        var foldOf = groups.Select((g, i) => (g, i)).ToDictionary(x => (x.g.Region, x.g.FirstSiteId), x => foldOfGroup[x.i]);
        var siteFold = sites.Select(s => foldOf[(s.Region, s.Group)]).ToArray();

        var folds = new CrossValidationFold[k];
        var failures = new InvalidInputException?[k];
        var done = 0;
        progress?.Report(new PipelineProgress("cross-validation", 0, k));
        // Folds train in parallel: LightGBM fits on one thread, and a forest is the same on any number of threads.
        Parallel.For(0, k, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, workers) }, f =>
        {
            try { folds[f] = RunFold(sites, siteFold, f, fit, foldOfGroup.Count(g => g == f), outOfFold); }
            catch (InvalidInputException e) { failures[f] = e; }
            progress?.Report(new PipelineProgress("cross-validation", Interlocked.Increment(ref done), k));
        });
        // The first fold that failed, whichever thread finished first, so the message is the same in every run.
        if (failures.FirstOrDefault(e => e is not null) is { } failure) throw failure;
        return CrossValidationResult.Summarize(k, seed, folds);
    }

    private static CrossValidationFold RunFold(IReadOnlyList<CrossValidationSite> sites, int[] siteFold, int fold, Func<TrainingTable, ClassifierModel> fit, int groups,
        OutOfFoldScores? outOfFold)
    {
        var width = sites[0].TrainingRows.FeatureCount;
        var training = new TrainingTable(width);
        for (var i = 0; i < sites.Count; i++) if (siteFold[i] != fold) training.AddRange(sites[i].TrainingRows);
        var heldOut = sites.Where((_, i) => siteFold[i] == fold).ToList();
        ClassifierModel model;
        try { model = fit(training); }
        catch (InvalidInputException e)
        {
            throw new InvalidInputException($"cross-validation fold {fold + 1} (sites {string.Join(", ", heldOut.Take(10).Select(s => s.SiteId))}{(heldOut.Count > 10 ? ", ..." : "")} held out): {e.Message}", inner: e);
        }

        // Site by site, so no matrix of the whole fold is ever built.
        var cm = new ConfusionMatrix();
        var scored = outOfFold?.Fold(fold, model.ScoreClassCodes, heldOut.Sum(s => (long)s.LabelledPixels.Count));
        foreach (var site in heldOut)
        {
            var pixels = site.LabelledPixels;
            var matrix = new float[pixels.Count * width];
            for (var i = 0; i < pixels.Count; i++) pixels.Row(i).CopyTo(matrix.AsSpan(i * width));
            var predicted = new byte[pixels.Count];
            var scores = scored is null ? [] : new float[pixels.Count * model.ScoreCount];
            model.Predict(matrix, pixels.Count, predicted, scores);
            for (var i = 0; i < pixels.Count; i++) cm.Add(pixels.Labels[i], predicted[i], 1);
            scored?.Add(scores, pixels.Labels);
        }
        var ids = heldOut.GroupBy(s => (s.Region, s.RegionName)).Select(g => new HeldOutSites(g.Key.RegionName, g.Select(s => s.SiteId).ToList())).ToList();
        return new CrossValidationFold(fold + 1, groups, heldOut.Count, heldOut.Sum(s => (long)s.LabelledPixels.Count), model.Card.SamplesPerClass.Values.Sum(),
            CrossValidationScores.Of(cm), ids);
    }
}

/// <summary>
/// The cross-validation's fold models' scores on the pixels each held out: what calibrates a model
/// trained with <c>--cv</c> and no hold-out (every pixel is scored by a model that never saw its site,
/// as scikit-learn's <c>CalibratedClassifierCV(ensemble=False)</c> does with <c>cross_val_predict</c>).
/// At most <see cref="PixelsPerFold"/> pixels per fold, evenly strided, so its memory does not grow with
/// the region. Folds may add from several threads; the fit reads them in fold order.
/// </summary>
public sealed class OutOfFoldScores
{
    public const int PixelsPerFold = 100_000;

    private readonly Dictionary<int, FoldScores> folds = [];

    internal FoldScores Fold(int fold, IReadOnlyList<byte> codes, long heldOutPixels)
    {
        var scores = new FoldScores(codes, (int)Math.Max(1, (heldOutPixels + PixelsPerFold - 1) / PixelsPerFold));
        lock (folds) folds[fold] = scores;
        return scores;
    }

    /// <summary>
    /// The temperature fitted on the folds whose models score the classes of <paramref name="codes"/> (the
    /// final model's), in that order; null when none do or nothing was scored.
    /// </summary>
    public ScoreCalibration? Fit(IReadOnlyList<byte> codes, int k)
    {
        var scores = new List<float>();
        var truth = new List<byte>();
        foreach (var (_, fold) in folds.OrderBy(f => f.Key))
        {
            if (!fold.Codes.SequenceEqual(codes)) continue;
            scores.AddRange(fold.Scores);
            truth.AddRange(fold.Truth);
        }
        var fitted = ScoreCalibrationFit.FitScores([.. scores], truth, codes, byClass: false);
        return fitted is null ? null : fitted with { FittedOn = $"held-out pixels of the {k}-fold site-grouped cross-validation (each scored by the fold model that never saw its site)" };
    }

    internal sealed class FoldScores(IReadOnlyList<byte> codes, int stride)
    {
        private long seen;

        public IReadOnlyList<byte> Codes { get; } = [.. codes];
        public List<float> Scores { get; } = [];
        public List<byte> Truth { get; } = [];

        /// <summary>Every <c>stride</c>-th pixel of a held-out site (scores in the fold model's class order).</summary>
        public void Add(float[] scores, IReadOnlyList<byte> labels)
        {
            var k = Codes.Count;
            for (var i = 0; i < labels.Count; i++, seen++)
            {
                if (seen % stride != 0) continue;
                Scores.AddRange(scores.AsSpan(i * k, k));
                Truth.Add(labels[i]);
            }
        }
    }
}
