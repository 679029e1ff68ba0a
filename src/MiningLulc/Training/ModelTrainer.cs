using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;
using MiningLulc.Model;
using static Microsoft.ML.Transforms.ValueToKeyMappingEstimator;

namespace MiningLulc.Training;

/// <summary>
/// Trains the pixel classifier: LightGBM multiclass (ML.NET) by default, or Breiman's random forest
/// (<see cref="RandomForest"/>, the engine's own: ML.NET has no multiclass forest) for the published recipe.
/// </summary>
public static class ModelTrainer
{
    public sealed class LabelledRow
    {
        public uint Class;
        public float[] Features = [];
    }

    /// <param name="threads">Threads the random forest may grow trees on (-1 = every core; the forest is the same either way). LightGBM trains on one.</param>
    public static ClassifierModel Train(TrainingTable table, FeatureSet set, EngineConfig config, IReadOnlyList<string> regions, HoldoutResult? holdout = null, int threads = -1)
    {
        var counts = table.ClassCounts();
        if (table.Count == 0) throw new InvalidInputException("no training pixels: no labelled site has classifiable pixels");
        var present = Enumerable.Range(1, LulcClasses.Count).Where(c => counts[c] > 0).ToList();
        if (present.Count < 2) throw new InvalidInputException($"training needs at least two classes; found only {string.Join(", ", present.Select(LulcClasses.NameOf))}");

        var s = config.Training;
        var card = new ModelCard
        {
            FormatVersion = ModelCard.CurrentFormatVersion,
            Method = config.Name,
            Trainer = "",
            Parameters = new SortedDictionary<string, string>(),
            FeatureSchemaVersion = set.SchemaVersion, // a v1 set's card reads as before: older engines load it
            FeatureSet = set.Name,
            Features = set.Names,
            FeatureSetHash = set.Hash,
            Classes = LulcClasses.Names,
            TrainingRegions = regions,
            TrainingSites = table.Sites.Distinct().Count(),
            SamplesPerClass = Enumerable.Range(1, LulcClasses.Count).ToDictionary(c => LulcClasses.NameOf(c), c => counts[c]),
            Holdout = holdout,
            Config = config,
        };
        if (s.Trainer == TrainerKind.RandomForest) return TrainForest(table, card, s, threads);

        var ml = new MLContext(seed: s.Seed);
        var width = table.FeatureCount;
        var schema = SchemaDefinition.Create(typeof(LabelledRow));
        schema[nameof(LabelledRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        var rows = Enumerable.Range(0, table.Count).Select(i => new LabelledRow { Class = table.Labels[i], Features = table.Row(i).ToArray() }).ToList();
        var data = ml.Data.LoadFromEnumerable(rows, schema);

        var toKey = ml.Transforms.Conversion.MapValueToKey("Label", nameof(LabelledRow.Class), keyOrdinality: KeyOrdinality.ByValue);
        var options = new LightGbmMulticlassTrainer.Options
        {
            LabelColumnName = "Label",
            FeatureColumnName = nameof(LabelledRow.Features),
            NumberOfIterations = s.Trees,
            NumberOfLeaves = s.Leaves,
            LearningRate = s.LearningRate,
            MinimumExampleCountPerLeaf = s.MinSamplesPerLeaf,
            Seed = s.Seed,
            HandleMissingValue = true,
            // One thread (training sets here are small) gives the same trees from the same table in every run. Column-wise
            // histograms are forced because LightGBM otherwise picks col- or row-wise by timing both at start-up; forcing
            // them left the trees on data-sample unchanged, so this pins a choice rather than fixing a measured difference.
            NumberOfThreads = 1,
            Deterministic = true,
            ForceColumnWise = true,
            Silent = true,
        };
        var trainer = ml.MulticlassClassification.Trainers.LightGbm(options);
        var parameters = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["iterations"] = s.Trees.ToString(CultureInfo.InvariantCulture),
            ["leaves"] = s.Leaves.ToString(CultureInfo.InvariantCulture),
            ["learning_rate"] = s.LearningRate.ToString(CultureInfo.InvariantCulture),
            ["min_samples_per_leaf"] = s.MinSamplesPerLeaf.ToString(CultureInfo.InvariantCulture),
        };
        // The label mapping is fitted apart, so the saved model needs only the Features column to predict.
        var keyed = toKey.Fit(data).Transform(data);
        var transformer = trainer.Append(ml.Transforms.Conversion.MapKeyToValue("PredictedClass", "PredictedLabel")).Fit(keyed);

        return new ClassifierModel(ml, transformer, card with { Trainer = "LightGBM multiclass (Microsoft.ML.LightGbm)", Parameters = parameters });
    }

    private static ClassifierModel TrainForest(TrainingTable table, ModelCard card, TrainingSettings s, int threads)
    {
        var options = new RandomForestOptions { Trees = s.Trees, Mtry = s.Mtry, MinSamplesPerLeaf = s.MinSamplesPerLeaf, Seed = s.Seed, MaxThreads = threads };
        var fit = RandomForest.Train(table, options);
        var parameters = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["trees"] = s.Trees.ToString(CultureInfo.InvariantCulture),
            ["mtry"] = options.MtryFor(table.FeatureCount).ToString(CultureInfo.InvariantCulture),
            ["min_samples_per_leaf"] = s.MinSamplesPerLeaf.ToString(CultureInfo.InvariantCulture),
            ["rows_with_missing_values_left_out"] = fit.RowsWithMissingValues.ToString(CultureInfo.InvariantCulture),
        };
        return new ClassifierModel(fit.Forest, card with
        {
            Trainer = "random forest (Breiman; multiclass Gini, bootstrap, majority vote; docs/random-forest.md)",
            Parameters = parameters,
            OutOfBag = fit.OutOfBag,
        });
    }
}
