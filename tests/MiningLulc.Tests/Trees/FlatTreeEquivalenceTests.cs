using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;
using MiningLulc.Training;
using MiningLulc.Model;
using MiningLulc.Trees;
using static Microsoft.ML.Transforms.ValueToKeyMappingEstimator;

namespace MiningLulc.Tests.Trees;

/// <summary>
/// The flat trees against ML.NET's own scoring (the reference): same classes and bit-identical
/// scores, on NaN-heavy synthetic rows and on probes at the split points, for every ML.NET model
/// shape the engine trains or trained (LightGBM multiclass; one-versus-all FastForest, the published
/// preset's learner before the engine had its own forest, whose model zips still load), with fewer
/// classes than seven, after save → load, and for each one-versus-all output formula. The engine's
/// own forest is held to its reference walk in <c>Training/RandomForestInferenceTests</c>.
/// </summary>
public class FlatTreeEquivalenceTests
{
    /// <summary>Class-dependent features with heavy missing values (NaN) in some of them.</summary>
    internal static TrainingTable Table(FeatureSet set, int[] classes, int perClass, int seed, double nanRate = 0.25)
    {
        var w = set.Names.Count;
        var table = new TrainingTable(w);
        var rng = new Random(seed);
        var row = new float[w];
        var i = 0;
        foreach (var cls in classes)
            for (var r = 0; r < perClass; r++, i++)
            {
                for (var f = 0; f < w; f++)
                {
                    var centre = ((cls * 37 + f * 11) % 13) * 0.1f;
                    row[f] = f % 3 == 1 && rng.NextDouble() < nanRate ? float.NaN : centre + (float)(rng.NextDouble() - 0.5) * 1.4f;
                }
                table.Add(row, (LulcClass)cls, i % 25);
            }
        return table;
    }

    /// <summary>Rows to classify: fresh draws with NaN in every feature at <paramref name="nanRate"/>, plus exact zeros and infinities.</summary>
    internal static float[] Matrix(int width, int count, int seed, double nanRate)
    {
        var rng = new Random(seed);
        var m = new float[width * count];
        for (var i = 0; i < m.Length; i++)
        {
            var u = rng.NextDouble();
            m[i] = u < nanRate ? float.NaN
                : u < nanRate + 0.01 ? 0f
                : u < nanRate + 0.015 ? (rng.Next(2) == 0 ? float.PositiveInfinity : float.NegativeInfinity)
                : (float)(rng.NextDouble() * 1.6 - 0.2);
        }
        return m;
    }

    private static EngineConfig Config(int trees, int leaves, int minPerLeaf = 5) =>
        EngineConfig.Default with
        {
            Training = EngineConfig.Default.Training with { Trainer = TrainerKind.Lightgbm, Trees = trees, Leaves = leaves, MinSamplesPerLeaf = minPerLeaf },
        };

    /// <summary>ML.NET's LightGBM through <see cref="ModelTrainer"/>, or a one-versus-all FastForest built as the engine built it until issue 15.</summary>
    private static ClassifierModel Train(string learner, TrainingTable table, FeatureSet set, int trees, int leaves, int minPerLeaf = 5)
    {
        if (learner == "lightgbm") return ModelTrainer.Train(table, set, Config(trees, leaves, minPerLeaf), ["synthetic"]);
        var ml = new MLContext(seed: 1);
        var trainer = ml.MulticlassClassification.Trainers.OneVersusAll(ml.BinaryClassification.Trainers.FastForest(new FastForestBinaryTrainer.Options
        {
            FeatureColumnName = "Features",
            NumberOfTrees = trees,
            NumberOfLeaves = leaves,
            MinimumExampleCountPerLeaf = minPerLeaf,
            FeatureFractionPerSplit = 0.5,
            FeatureFraction = 1.0,
            Seed = 1,
            FeatureSelectionSeed = 1,
            NumberOfThreads = 1,
        }), labelColumnName: "Label");
        var transformer = trainer.Append(ml.Transforms.Conversion.MapKeyToValue("PredictedClass", "PredictedLabel")).Fit(TrainingData(ml, table));
        return new ClassifierModel(ml, transformer, Card(set));
    }

    /// <summary>Classes and scores of the model's Predict equal ML.NET's, bit for bit.</summary>
    internal static void CheckSameAsMlNet(ClassifierModel model, float[] rows, int count)
    {
        Assert.True(model.UsesFlatTrees, model.InferencePath);
        var k = model.ScoreCount;
        byte[] fast = new byte[count], reference = new byte[count];
        float[] fastScores = new float[count * k], referenceScores = new float[count * k];
        model.Predict(rows, count, fast, fastScores);
        model.Reference.Predict(rows, count, model.FeatureSet.Names.Count, reference, referenceScores);
        Assert.Equal(reference, fast);
        for (var i = 0; i < fastScores.Length; i++)
            Assert.True(InferenceSelfCheck.SameBits(fastScores[i], referenceScores[i]), $"row {i / k} score {i % k}: {fastScores[i]:R} vs ML.NET {referenceScores[i]:R}");
        // The public entry point gives the same classes as the scoring one.
        var plain = new byte[count];
        model.Predict(rows, count, plain);
        Assert.Equal(fast, plain);
        // Every engine that can run the trees gives the same bits.
        var flat = model.FlatTrees!;
        foreach (var engine in new[] { TreeEngine.Walk, TreeEngine.RowSets })
        {
            var other = flat.With(engine);
            byte[] c = new byte[count];
            float[] sc = new float[count * k];
            other.Predict(rows, count, model.FeatureSet.Names.Count, c, sc);
            Assert.Equal(reference, c);
            for (var i = 0; i < sc.Length; i++)
                Assert.True(InferenceSelfCheck.SameBits(sc[i], referenceScores[i]), $"{engine}: row {i / k} score {i % k}: {sc[i]:R} vs ML.NET {referenceScores[i]:R}");
        }
    }

    private static void CheckOnNaNHeavyRows(ClassifierModel model, int count = 3000)
    {
        var w = model.FeatureSet.Names.Count;
        foreach (var nanRate in new[] { 0.0, 0.3, 0.9 })
            CheckSameAsMlNet(model, Matrix(w, count, seed: 17 + (int)(nanRate * 10), nanRate), count);
        // Odd counts around the block size.
        foreach (var n in new[] { 1, TreeWalker.Lanes - 1, TreeWalker.Lanes + 1, TreeWalker.BlockRows + 3,
                     RowSetEvaluator.BlockRows - 1, RowSetEvaluator.BlockRows + 1, 2 * RowSetEvaluator.BlockRows + 77 })
            CheckSameAsMlNet(model, Matrix(w, n, seed: n, 0.3), n);
    }

    [Fact]
    public void LightGbmMulticlassMatchesMlNet()
    {
        var set = FeatureSet.Full;
        var model = Train("lightgbm", Table(set, [1, 2, 3, 4, 5, 6, 7], 150, seed: 1), set, 40, 31);
        Assert.Equal(7, model.ScoreCount);
        Assert.Equal(TreeEngine.RowSets, model.FlatTrees!.Engine);
        CheckOnNaNHeavyRows(model);
    }

    [Fact]
    public void OneVersusAllFastForestMatchesMlNet()
    {
        var set = FeatureSet.Published;
        var model = Train("fast_forest", Table(set, [1, 2, 3, 4, 5, 6, 7], 120, seed: 2), set, 25, 200, 1);
        CheckOnNaNHeavyRows(model);
    }

    [Fact]
    public void TreesOfMoreThan32LeavesMatchMlNet()
    {
        var set = FeatureSet.Published;
        var model = Train("lightgbm", Table(set, [1, 2, 3, 4, 5, 6, 7], 300, seed: 10, nanRate: 0.4), set, 10, 100, 2);
        Assert.Equal(TreeEngine.RowSets, model.FlatTrees!.Engine);
        CheckOnNaNHeavyRows(model, 1000);
    }

    /// <summary>
    /// The published preset's former tree size (leaves 1000, one sample per leaf): hundreds of leaves
    /// per tree, so the row sets number leaves in 16 bits, and the walk goes dozens of levels deep.
    /// </summary>
    [Theory]
    [InlineData("fast_forest")]
    [InlineData("lightgbm")]
    public void DeepTreesMatchMlNet(string learner)
    {
        var set = FeatureSet.Published;
        // Labels independent of the features: trees keep splitting down to single samples, as on real, overlapping classes.
        var w = set.Names.Count;
        var table = new TrainingTable(w);
        var rng = new Random(11);
        var row = new float[w];
        for (var i = 0; i < 7000; i++)
        {
            for (var f = 0; f < w; f++) row[f] = rng.NextDouble() < 0.05 ? float.NaN : (float)(rng.NextDouble() * 1.6 - 0.2);
            table.Add(row, (LulcClass)(1 + i % 7), i % 25);
        }
        var model = Train(learner, table, set, 6, 1000, 1);
        Assert.True(model.FlatTrees!.Trees.Max(t => t.LeafCount) > 256, $"largest tree has {model.FlatTrees.Trees.Max(t => t.LeafCount)} leaves");
        CheckOnNaNHeavyRows(model, 1500);
    }

    [Theory]
    [InlineData("lightgbm")]
    [InlineData("fast_forest")]
    public void FewerClassesThanSevenKeepTheirCodes(string learner)
    {
        var set = FeatureSet.Published;
        var model = Train(learner, Table(set, [2, 5, 7], 150, seed: 3), set, 20, 31);
        Assert.Equal(3, model.ScoreCount);
        CheckOnNaNHeavyRows(model, 1000);
        var predicted = new byte[1000];
        model.Predict(Matrix(set.Names.Count, 1000, seed: 4, 0.2), 1000, predicted);
        Assert.All(predicted, c => Assert.Contains(c, new byte[] { 2, 5, 7 }));
    }

    [Theory]
    [InlineData("lightgbm")]
    [InlineData("fast_forest")]
    public void SaveLoadPredictIsIdenticalAndStaysFlat(string learner)
    {
        var set = FeatureSet.Published;
        var model = Train(learner, Table(set, [1, 3, 4, 6, 7], 120, seed: 5), set, 30, 31);
        const int count = 2000;
        var rows = Matrix(set.Names.Count, count, seed: 6, 0.3);
        var before = new byte[count];
        var beforeScores = new float[count * model.ScoreCount];
        model.Predict(rows, count, before, beforeScores);

        using var tmp = new TempDir();
        model.Save(tmp.File("m.zip"));
        var loaded = ClassifierModel.Load(tmp.File("m.zip"));
        Assert.True(loaded.UsesFlatTrees, loaded.InferencePath);
        var after = new byte[count];
        var afterScores = new float[count * loaded.ScoreCount];
        loaded.Predict(rows, count, after, afterScores);
        Assert.Equal(before, after);
        Assert.Equal(beforeScores, afterScores);
        CheckSameAsMlNet(loaded, rows, count);
    }

    /// <summary>
    /// ModelTrainer's LightGBM gets the one-versus-all objective (Platt probabilities) below 50,000
    /// rows; softmax and raw one-versus-all scores are the other formulas ML.NET can hand us.
    /// </summary>
    [Theory]
    [InlineData("softmax")]
    [InlineData("raw")]
    [InlineData("probabilities")]
    public void EveryOutputFormulaMatchesMlNet(string formula)
    {
        var set = FeatureSet.Published;
        var table = Table(set, [1, 2, 4, 6], 100, seed: 7);
        var ml = new MLContext(seed: 1);
        var data = TrainingData(ml, table);
        IEstimator<ITransformer> trainer = formula switch
        {
            "softmax" => ml.MulticlassClassification.Trainers.LightGbm(new LightGbmMulticlassTrainer.Options
            {
                LabelColumnName = "Label",
                FeatureColumnName = "Features",
                NumberOfIterations = 15,
                NumberOfLeaves = 15,
                MinimumExampleCountPerLeaf = 5,
                HandleMissingValue = true,
                UseSoftmax = true,
                NumberOfThreads = 1,
                Silent = true,
            }),
            _ => ml.MulticlassClassification.Trainers.OneVersusAll(
                ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
                {
                    FeatureColumnName = "Features",
                    NumberOfTrees = 10,
                    NumberOfLeaves = 12,
                    MinimumExampleCountPerLeaf = 3,
                    NumberOfThreads = 1,
                }),
                labelColumnName: "Label", useProbabilities: formula == "probabilities"),
        };
        var transformer = trainer.Append(ml.Transforms.Conversion.MapKeyToValue("PredictedClass", "PredictedLabel")).Fit(data);
        var model = new ClassifierModel(ml, transformer, Card(set));
        CheckOnNaNHeavyRows(model, 1000);
    }

    [Fact]
    public void AnUnsupportedPipelineFallsBackToMlNet()
    {
        var set = FeatureSet.Published;
        var table = Table(set, [1, 2, 3], 80, seed: 8);
        var ml = new MLContext(seed: 1);
        var data = TrainingData(ml, table);
        var transformer = ml.Transforms.NormalizeMinMax("Features")
            .Append(ml.MulticlassClassification.Trainers.LightGbm(new LightGbmMulticlassTrainer.Options
            {
                LabelColumnName = "Label",
                FeatureColumnName = "Features",
                NumberOfIterations = 5,
                NumberOfThreads = 1,
                Silent = true,
            }))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedClass", "PredictedLabel")).Fit(data);
        var model = new ClassifierModel(ml, transformer, Card(set));
        Assert.False(model.UsesFlatTrees);
        Assert.StartsWith("ML.NET (", model.InferencePath);
        var rows = Matrix(set.Names.Count, 200, seed: 9, 0.2);
        byte[] a = new byte[200], b = new byte[200];
        model.Predict(rows, 200, a);
        model.Reference.Predict(rows, 200, set.Names.Count, b, []);
        Assert.Equal(b, a);
    }

    [Fact]
    public void BenchConfigurationMatchesMlNetOnBlockData()
    {
        // The classify_mpx_per_s fixture in miniature: uniform reflectance-like planes, 2 % NaN dh.
        var set = FeatureSet.Full;
        var w = set.Names.Count;
        var rng = new Random(5);
        var table = new TrainingTable(w);
        var row = new float[w];
        for (var i = 0; i < 2000; i++)
        {
            for (var f = 0; f < w; f++) row[f] = rng.NextDouble() < 0.02 ? float.NaN : (float)(rng.NextDouble() * 3000);
            table.Add(row, (LulcClass)(1 + i % 7), i % 50);
        }
        var model = Train("lightgbm", table, set, 50, 31, 20);
        const int count = 5000;
        var rows = new float[count * w];
        for (var i = 0; i < rows.Length; i++) rows[i] = rng.NextDouble() < 0.02 ? float.NaN : (float)(rng.NextDouble() * 3000);
        CheckSameAsMlNet(model, rows, count);
    }

    private static IDataView TrainingData(MLContext ml, TrainingTable table)
    {
        var schema = SchemaDefinition.Create(typeof(ModelTrainer.LabelledRow));
        schema[nameof(ModelTrainer.LabelledRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, table.FeatureCount);
        var rows = Enumerable.Range(0, table.Count).Select(i => new ModelTrainer.LabelledRow { Class = table.Labels[i], Features = table.Row(i).ToArray() }).ToList();
        var data = ml.Data.LoadFromEnumerable(rows, schema);
        return ml.Transforms.Conversion.MapValueToKey("Label", nameof(ModelTrainer.LabelledRow.Class), keyOrdinality: KeyOrdinality.ByValue).Fit(data).Transform(data);
    }

    private static ModelCard Card(FeatureSet set) => new()
    {
        Method = "test",
        Trainer = "test",
        Parameters = new SortedDictionary<string, string>(),
        FeatureSchemaVersion = set.SchemaVersion, // what the trainer records: the version of the set's newest feature
        FeatureSet = set.Name,
        Features = set.Names,
        FeatureSetHash = set.Hash,
        Classes = LulcClasses.Names,
        TrainingRegions = ["synthetic"],
        TrainingSites = 1,
        SamplesPerClass = new Dictionary<string, int>(),
        Config = EngineConfig.Default,
    };
}
