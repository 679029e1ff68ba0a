using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;
using MiningLulc.Features;
using static Microsoft.ML.Transforms.ValueToKeyMappingEstimator;

namespace MiningLulc.Training;

/// <summary>
/// Trains the pixel classifier with ML.NET: LightGBM multiclass by default, or a random forest
/// (one-versus-all FastForest; ML.NET has no multiclass forest) for the published recipe.
/// </summary>
public static class ModelTrainer
{
    public sealed class LabelledRow
    {
        public uint Class;
        public float[] Features = [];
    }

    public static ClassifierModel Train(TrainingTable table, FeatureSet set, EngineConfig config, IReadOnlyList<string> regions, HoldoutResult? holdout = null)
    {
        var counts = table.ClassCounts();
        if (table.Count == 0) throw new InvalidInputException("no training pixels: no labelled site has classifiable pixels");
        var present = Enumerable.Range(1, LulcClasses.Count).Where(c => counts[c] > 0).ToList();
        if (present.Count < 2) throw new InvalidInputException($"training needs at least two classes; found only {string.Join(", ", present.Select(LulcClasses.NameOf))}");

        var s = config.Training;
        var ml = new MLContext(seed: s.Seed);
        var width = table.FeatureCount;
        var schema = SchemaDefinition.Create(typeof(LabelledRow));
        schema[nameof(LabelledRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        var rows = Enumerable.Range(0, table.Count).Select(i => new LabelledRow { Class = table.Labels[i], Features = table.Row(i).ToArray() }).ToList();
        var data = ml.Data.LoadFromEnumerable(rows, schema);

        var toKey = ml.Transforms.Conversion.MapValueToKey("Label", nameof(LabelledRow.Class), keyOrdinality: KeyOrdinality.ByValue);
        var parameters = new SortedDictionary<string, string>(StringComparer.Ordinal);
        IEstimator<ITransformer> trainer;
        string trainerName;
        if (s.Trainer == TrainerKind.Lightgbm)
        {
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
            trainer = ml.MulticlassClassification.Trainers.LightGbm(options);
            trainerName = "LightGBM multiclass (Microsoft.ML.LightGbm)";
            parameters["iterations"] = s.Trees.ToString(CultureInfo.InvariantCulture);
            parameters["leaves"] = s.Leaves.ToString(CultureInfo.InvariantCulture);
            parameters["learning_rate"] = s.LearningRate.ToString(CultureInfo.InvariantCulture);
            parameters["min_samples_per_leaf"] = s.MinSamplesPerLeaf.ToString(CultureInfo.InvariantCulture);
        }
        else
        {
            var options = new FastForestBinaryTrainer.Options
            {
                FeatureColumnName = nameof(LabelledRow.Features),
                NumberOfTrees = s.Trees,
                NumberOfLeaves = s.Leaves,
                MinimumExampleCountPerLeaf = s.MinSamplesPerLeaf,
                // R's forest draws the candidate features at every split from all of them: no per-tree subset
                // (FastForest's default FeatureFraction is 0.7).
                FeatureFractionPerSplit = s.FeatureFraction,
                FeatureFraction = 1.0,
                BaggingExampleFraction = s.BaggingFraction,
                Seed = s.Seed,
                FeatureSelectionSeed = s.Seed,
                NumberOfThreads = 1,
            };
            trainer = ml.MulticlassClassification.Trainers.OneVersusAll(ml.BinaryClassification.Trainers.FastForest(options), labelColumnName: "Label");
            trainerName = "random forest: one-versus-all FastForest (Microsoft.ML.FastTree)";
            parameters["trees"] = s.Trees.ToString(CultureInfo.InvariantCulture);
            parameters["leaves"] = s.Leaves.ToString(CultureInfo.InvariantCulture);
            parameters["min_samples_per_leaf"] = s.MinSamplesPerLeaf.ToString(CultureInfo.InvariantCulture);
            parameters["feature_fraction_per_split"] = s.FeatureFraction.ToString(CultureInfo.InvariantCulture);
            parameters["bagging_fraction"] = s.BaggingFraction.ToString(CultureInfo.InvariantCulture);
        }
        // The label mapping is fitted apart, so the saved model needs only the Features column to predict.
        var keyed = toKey.Fit(data).Transform(data);
        var transformer = trainer.Append(ml.Transforms.Conversion.MapKeyToValue("PredictedClass", "PredictedLabel")).Fit(keyed);

        var card = new ModelCard
        {
            Method = config.Name,
            Trainer = trainerName,
            Parameters = parameters,
            FeatureSchemaVersion = FeatureSchema.Version,
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
        return new ClassifierModel(ml, transformer, card);
    }
}
