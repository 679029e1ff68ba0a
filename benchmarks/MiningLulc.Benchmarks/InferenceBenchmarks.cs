using BenchmarkDotNet.Attributes;
using MiningLulc.Features;
using MiningLulc.Bench;
using MiningLulc.Model;
using MiningLulc.Tests;
using MiningLulc.Trees;

namespace MiningLulc.Benchmarks;

/// <summary>
/// Model inference, one thread, each way of finding the leaves on the same model and rows (all give
/// ML.NET's classes and scores bit for bit). The rows are the bench block's features
/// (<see cref="PerformanceBench.SyntheticBlock"/>); one operation classifies <see cref="Rows"/> of them.
/// </summary>
[MemoryDiagnoser]
public abstract class InferenceBenchmarks
{
    private FlatTreeClassifier classifier = null!;
    private float[] rows = [];
    private byte[] classes = [];
    private int width;

    /// <summary><see cref="TreeEngine"/> by name (the enum is internal).</summary>
    public abstract string Engine { get; set; }

    protected abstract int Rows { get; }

    protected abstract ClassifierModel Model(float[][] planes);

    protected abstract FeatureSet Set { get; }

    [GlobalSetup]
    public void Setup()
    {
        const int side = PerformanceBench.BlockSide;
        var (bands, dh) = PerformanceBench.SyntheticBlock(side, side, seed: 3);
        var planes = FeatureEquivalence.NewPlanes(side * side);
        new FeatureEngine().Compute(bands, dh, side, side, 10, 10, planes);
        var model = Model(planes);
        var flat = model.FlatTrees!;
        classifier = new FlatTreeClassifier(flat.Width, flat.Trees, flat.ClassTreeStart, flat.Formula, flat.PlattSlope, flat.PlattOffset, flat.ClassCodes,
            Enum.Parse<TreeEngine>(Engine));
        var idx = Set.Indices;
        width = idx.Length;
        rows = new float[Rows * width];
        for (var i = 0; i < Rows; i++)
            for (var f = 0; f < width; f++) rows[i * width + f] = planes[idx[f]][i];
        classes = new byte[Rows];
    }

    [Benchmark]
    public void Classify() => classifier.Predict(rows, Rows, width, classes, []);
}

/// <summary>The <c>bench</c> classify model: LightGBM multiclass, 100 iterations x 7 classes of 31 leaves, 24 features.</summary>
public class LightGbmInferenceBenchmarks : InferenceBenchmarks
{
    [Params("RowSets", "Walk")]
    public override string Engine { get; set; } = "";

    protected override int Rows => 20_000;

    protected override FeatureSet Set => FeatureSet.Full;

    protected override ClassifierModel Model(float[][] planes) => PerformanceBench.InferenceFixture(planes).Model;
}

/// <summary>
/// The published preset's forest (configs/published.json: Breiman's random forest, 100 trees grown
/// to purity, 4 of 15 features drawn at every node) on 7,000 pixels of the bench block whose labels
/// do not follow the features, the worst case: every tree splits down to single samples (thousands
/// of leaves, dozens of levels). Forests are walked (their exact thresholds are too many for the
/// row sets' byte bins).
/// </summary>
public class ForestInferenceBenchmarks : InferenceBenchmarks
{
    [Params("Walk")]
    public override string Engine { get; set; } = "";

    protected override int Rows => 20_000;

    protected override FeatureSet Set => FeatureSet.Published;

    protected override ClassifierModel Model(float[][] planes) => PerformanceBench.ForestFixture(planes).Model;
}
