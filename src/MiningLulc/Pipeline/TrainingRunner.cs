using System.Collections.Concurrent;
using MiningLulc.Catalog;
using MiningLulc.Training;
using NetTopologySuite.Index.Strtree;
using MiningLulc.Model;

namespace MiningLulc.Pipeline;

/// <summary>What to train on and how.</summary>
public sealed record TrainRequest
{
    public required IReadOnlyList<string> Regions { get; init; }
    public required EngineConfig Config { get; init; }
    /// <summary>Fraction of labelled sites held out (by a seeded hash of the site id) to measure accuracy on unseen sites.</summary>
    public double Holdout { get; init; }
    /// <summary>Threads that sample sites, and that grow the random forest's trees (the model is the same whatever the number).</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;
    /// <summary>Folds of a site-grouped cross-validation to run besides training the model (0 = none; <see cref="SiteCrossValidation"/>).</summary>
    public int CrossValidationFolds { get; init; }
    /// <summary>
    /// Labelled regions never trained on, whose sites (all of them, unrefined) only fit the confidence
    /// calibration: regions unlike the training ones calibrate for the shift a new region brings, which
    /// held-out sites of the training regions cannot show. Without them, the held-out sites fit it.
    /// </summary>
    public IReadOnlyList<string> CalibrationRegions { get; init; } = [];
}

/// <summary>Labelled pixels of the training sites and of the held-out sites, the regions' names, and the sites that could not be sampled.</summary>
public sealed record TrainingSamples(TrainingTable Train, TrainingTable HeldOut, IReadOnlyList<string> Regions, IReadOnlyList<SiteReport> Problems)
{
    /// <summary>Label features left out because their geometry cannot be read (per file: count, first fid).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The held-out sites that gave samples, region by region.</summary>
    public IReadOnlyList<HeldOutSites> HeldOutSites { get; init; } = [];

    /// <summary>With cross-validation asked for: every labelled site with its group, training rows and labelled pixels (else empty).</summary>
    public IReadOnlyList<CrossValidationSite> CrossValidationSites { get; init; } = [];
}

/// <summary>A trained model and the sites it held out.</summary>
public sealed record TrainResult(ClassifierModel Model, IReadOnlyList<long> TrainingSites, IReadOnlyList<long> HeldOutSites, IReadOnlyList<SiteReport> Problems)
{
    /// <summary>What the user should know but did not stop training: label features left out because their geometry cannot be read (per file: count, first fid).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>
/// Trains a model on the labelled sites of one or more regions: per site, the reference labels are
/// rasterized onto the site grid and sampled per class; sites are split into training and held-out
/// sets by site (never pixels of one site on both sides).
/// </summary>
public static class TrainingRunner
{
    /// <summary>Whether a site is held out: a seeded, stable hash of its id against the fraction.</summary>
    public static bool IsHeldOut(long siteId, double fraction, int seed)
    {
        if (fraction <= 0) return false;
        var h = (ulong)siteId * 0x9E3779B97F4A7C15UL ^ (ulong)(uint)seed * 0xC2B2AE3D27D4EB4FUL;
        h ^= h >> 31; h *= 0xBF58476D1CE4E5B9UL; h ^= h >> 29;
        return (h % 10_000) < fraction * 10_000;
    }

    public static TrainResult Train(TrainRequest request, IProgress<PipelineProgress>? progress = null)
    {
        var full = request.Regions.Select(r => Path.GetFullPath(r).TrimEnd('/')).ToHashSet(StringComparer.Ordinal);
        foreach (var c in request.CalibrationRegions)
            if (full.Contains(Path.GetFullPath(c).TrimEnd('/'))) throw new InvalidInputException("is both a training and a calibration region: a calibration region must be one the model never trained on", c);
        var samples = Sample(request, progress);
        var (test, config) = (samples.HeldOut, request.Config);
        // Each fold's model is made as the model below: the same balance, trainer and settings, on the other folds' rows (one
        // thread each: the folds run in parallel, and a forest is the same on any number of threads). Before the model, so that
        // folds the sites cannot fill, or cannot train, stop the command before the long fit.
        var outOfFold = request.CrossValidationFolds == 0 ? null : new OutOfFoldScores();
        var cv = request.CrossValidationFolds == 0 ? null : SiteCrossValidation.Run(samples.CrossValidationSites, request.CrossValidationFolds, config.Training.Seed,
            rows => ModelTrainer.Train(Balanced(rows, config), FeatureSet.ByName(config.Features.Set), config, samples.Regions, threads: 1),
            request.Workers, progress, outOfFold);
        samples = samples with { CrossValidationSites = [] }; // the sites' pixels are not needed any more: let them go before the fit
        var train = Balanced(samples.Train, config);

        progress?.Report(new PipelineProgress("train", 0, 1));
        var model = ModelTrainer.Train(train, FeatureSet.ByName(config.Features.Set), config, samples.Regions, threads: request.Workers);
        HoldoutResult? holdout = null;
        if (test.Count > 0)
        {
            var predicted = new byte[test.Count];
            var matrix = new float[test.Count * test.FeatureCount];
            for (var i = 0; i < test.Count; i++) test.Row(i).CopyTo(matrix.AsSpan(i * test.FeatureCount));
            model.Predict(matrix, test.Count, predicted);
            var cm = ConfusionMatrix.FromPairs(test.Labels, predicted);
            holdout = new HoldoutResult(test.Sites.Distinct().Count(), test.Count, cm.OverallAccuracy, cm.Kappa)
            {
                HeldOut = samples.HeldOutSites,
                FeatureImportance = PermutationImportance.Compute(model, test, model.Card.Features, config.Training.Seed),
            };
            // The confidence of run --confidence is calibrated on these pixels too (docs/output-schema.md), unless calibration regions are given.
            model = new ClassifierModel(model, model.Card with { Holdout = holdout, Calibration = request.CalibrationRegions.Count > 0 ? null : ScoreCalibrationFit.Fit(model, matrix, test.Count, test.Labels, byClass: false) });
        }
        if (request.CalibrationRegions.Count > 0)
        {
            var sampled = Sample(request with { Regions = request.CalibrationRegions, Holdout = 0, CrossValidationFolds = 0 }, progress, everySiteHeldOut: true);
            var calibrationSamples = sampled.HeldOut;
            var rows = new float[calibrationSamples.Count * calibrationSamples.FeatureCount];
            for (var i = 0; i < calibrationSamples.Count; i++) calibrationSamples.Row(i).CopyTo(rows.AsSpan(i * calibrationSamples.FeatureCount));
            var fitted = ScoreCalibrationFit.Fit(model, rows, calibrationSamples.Count, calibrationSamples.Labels, byClass: true);
            model = new ClassifierModel(model, model.Card with { Calibration = fitted is null ? null : fitted with { FittedOn = $"calibration regions ({string.Join(", ", sampled.Regions)})" } });
        }
        // --cv leaves no held-out sites (it cannot be combined with --holdout): the confidence is calibrated on the folds' held-out pixels.
        if (outOfFold is not null && request.CalibrationRegions.Count == 0)
            model = new ClassifierModel(model, model.Card with { Calibration = outOfFold.Fit(model.ScoreClassCodes, request.CrossValidationFolds) });
        progress?.Report(new PipelineProgress("train", 1, 1));
        if (cv is not null) model = new ClassifierModel(model, model.Card with { Cv = cv });
        return new TrainResult(model, train.Sites.Distinct().Order().ToList(), test.Sites.Distinct().Order().ToList(), samples.Problems)
        {
            Warnings = samples.Warnings,
        };
    }

    /// <summary>At most <c>training.max_samples_per_class</c> rows of each class, when the settings cap them.</summary>
    private static TrainingTable Balanced(TrainingTable rows, EngineConfig config) =>
        config.Training.MaxSamplesPerClass > 0 ? rows.Balance(config.Training.MaxSamplesPerClass, config.Training.Seed) : rows;

    /// <summary>
    /// The labelled pixels of the request's regions, split by site: the training sites' (refined
    /// when the settings say so, not yet balanced) and the held-out sites' (never refined).
    /// </summary>
    /// <param name="everySiteHeldOut">Every site is sampled as a held-out one (unrefined, into <see cref="TrainingSamples.HeldOut"/>): calibration regions.</param>
    public static TrainingSamples Sample(TrainRequest request, IProgress<PipelineProgress>? progress = null, bool everySiteHeldOut = false)
    {
        if (request.Workers < 1) throw new InvalidInputException($"--workers must be at least 1, got {request.Workers}");
        if (request.Holdout is < 0 or >= 1) throw new InvalidInputException($"--holdout must be within [0, 1), got {request.Holdout}");
        var crossValidate = request.CrossValidationFolds != 0;
        if (request.CrossValidationFolds is < 0 or 1) throw new InvalidInputException($"--cv must be at least 2 folds, got {request.CrossValidationFolds}");
        if (crossValidate && request.Holdout > 0)
            throw new InvalidInputException("--cv and --holdout cannot be combined: the cross-validation already scores every site on a model that never saw it; use one or the other");
        var config = request.Config;
        var set = FeatureSet.ByName(config.Features.Set);
        var train = new TrainingTable(set.Names.Count);
        var test = new TrainingTable(set.Names.Count);
        var problems = new ConcurrentBag<SiteReport>();
        var names = new List<string>();
        var heldOutSites = new List<HeldOutSites>();
        var cvSites = new List<CrossValidationSite>();
        var labelLog = new LabelReadLog();
        foreach (var (regionDir, regionIndex) in request.Regions.Select((r, i) => (r, i)))
        {
            var catalog = RegionCatalog.Build(regionDir, config.Input);
            names.Add(catalog.Folder.Name);
            var labelFiles = catalog.Folder.LabelFiles();
            if (labelFiles.Count == 0) throw new InvalidInputException($"has no reference labels in {config.Input.LabelsFolder}/ (needed to train)", catalog.Folder.Directory);
            var labels = labelFiles.SelectMany(f => LabelReader.Read(f, labelLog)).ToList();
            var index = new STRtree<LabelPolygon>();
            foreach (var l in labels) index.Insert(l.Geometry.EnvelopeInternal, l);
            index.Build();

            var ready = catalog.Ready.ToList();
            var done = 0;
            var tables = new ConcurrentDictionary<long, TrainingTable>();
            var labelledPixels = new ConcurrentDictionary<long, TrainingTable>();
            using var processors = new WorkerPool<SiteProcessor>(() => new SiteProcessor(catalog.Folder, config, set));
            Parallel.ForEach(ready, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, request.Workers) }, entry =>
            {
                try
                {
                    var ofSite = index.Query(entry.Site.Geometry.EnvelopeInternal).Where(l => l.Geometry.Intersects(entry.Site.Geometry)).ToList();
                    // Held-out sites are sampled without the refinement rules: they measure the map, not the rules' clean cores.
                    var heldOut = everySiteHeldOut || IsHeldOut(entry.Site.Id, request.Holdout, config.Training.Seed);
                    using var processor = processors.Rent();
                    // Cross-validation keeps every labelled pixel too, from the same pass over the site, to score the folds on.
                    if (ofSite.Count > 0 && crossValidate)
                        (tables[entry.Site.Id], labelledPixels[entry.Site.Id]) = SiteCrossValidation.Sample(processor.Value, entry, ofSite, config.Training);
                    else if (ofSite.Count > 0) tables[entry.Site.Id] = processor.Value.Sample(entry, ofSite, refine: !heldOut);
                }
                catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
                {
                    problems.Add(new SiteReport(entry.Site.Id, SiteOutcome.Failed, e is MiningLulcException ? e.Message : $"{e.GetType().Name}: {e.Message}", entry.Year, 0, 0));
                }
                progress?.Report(new PipelineProgress($"training samples ({catalog.Folder.Name})", Interlocked.Increment(ref done), ready.Count, entry.Site.Id));
            });
            var held = new List<long>();
            foreach (var (id, t) in tables.OrderBy(kv => kv.Key))
            {
                if (!everySiteHeldOut && !IsHeldOut(id, request.Holdout, config.Training.Seed)) { train.AddRange(t); continue; }
                test.AddRange(t);
                if (t.Count > 0) held.Add(id);
            }
            if (held.Count > 0) heldOutSites.Add(new HeldOutSites(catalog.Folder.Name, held));
            if (crossValidate)
            {
                // Every site of the region takes part in the grouping, labelled or not, readable or not: two labelled sites joined only through a third are still neighbours.
                var groupOf = SiteGroups.Of(catalog.Entries.Select(e => e.Site).ToList());
                foreach (var (id, pixels) in labelledPixels.OrderBy(kv => kv.Key))
                    if (pixels.Count > 0) cvSites.Add(new CrossValidationSite(regionIndex, catalog.Folder.Name, id, groupOf[id], tables[id], pixels));
            }
        }
        return new TrainingSamples(train, test, names, problems.OrderBy(p => p.SiteId).ToList())
        {
            Warnings = labelLog.Warnings,
            HeldOutSites = heldOutSites,
            CrossValidationSites = cvSites,
        };
    }
}
