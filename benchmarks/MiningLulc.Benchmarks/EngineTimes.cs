using System.Diagnostics;
using MiningLulc.Features;
using MiningLulc.Bench;
using MiningLulc.Tests;
using MiningLulc.Trees;

namespace MiningLulc.Benchmarks;

/// <summary>
/// `--engines [runs]`: each way of finding the leaves on the bench's two models (LightGBM and the
/// worst-case forest), one thread, Stopwatch medians with the engines taking turns in every run, so
/// load from elsewhere on a shared machine falls on all alike. Prints M rows/s per engine.
/// </summary>
internal static class EngineTimes
{
    public static int Run(int runs, bool withForest = true, string? only = null)
    {
        const int side = PerformanceBench.BlockSide;
        var (bands, dh) = PerformanceBench.SyntheticBlock(side, side, seed: 3);
        var planes = FeatureEquivalence.NewPlanes(side * side);
        new FeatureEngine().Compute(bands, dh, side, side, 10, 10, planes);
        Console.WriteLine($"Vector256 accelerated: {System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated}, Vector128: {System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated}");

        var (model, rows, count) = PerformanceBench.InferenceFixture(planes);
        var width = model.FeatureSet.Names.Count;
        var flat = model.FlatTrees!;
        Console.WriteLine($"LightGBM: {flat.TreeCount} trees, {count} rows, chosen {flat.Engine}");
        var engines = new List<(string, Action)>();
        foreach (var engine in Enum.GetValues<TreeEngine>())
        {
            var c = With(flat, engine);
            var classes = new byte[count];
            engines.Add((engine.ToString(), () => c.Predict(rows, count, width, classes, [])));
        }
        if (only is not null) engines.RemoveAll(e => e.Item1 != only);
        const int referenceRows = 2000;
        var refClasses = new byte[referenceRows];
        if (only is null) engines.Add(("ML.NET reference", () => model.Reference.Predict(rows, referenceRows, width, refClasses, [])));
        Report(runs, engines, [.. engines.Select(e => e.Item1 == "ML.NET reference" ? referenceRows : count)]);
        if (!withForest) return 0;

        var (forest, forestRows, forestCount) = PerformanceBench.ForestFixture(planes);
        var fw = forest.FeatureSet.Names.Count;
        var ff = forest.FlatTrees!;
        var trees = forest.Forest!.Trees.Select(t => t.ToFlat()).ToList();
        Console.WriteLine($"forest: {ff.TreeCount} trees, {ff.NodeCount} splits, {forestCount} rows, chosen {ff.Engine}");
        var fc = new byte[forestCount];
        var forestScores = new float[forestCount * ff.ScoreCount];
        var forestEngines = new List<(string, Action)>
        {
            ($"{ff.Engine} (votes, classes alone: rows stop once settled)", () => ff.Predict(forestRows, forestCount, fw, fc, [])),
            ($"{ff.Engine} (votes, with scores: every tree)", () => ff.Predict(forestRows, forestCount, fw, fc, forestScores)),
        };
        try { _ = new FlatTreeClassifier(fw, trees, [0, trees.Count], ScoreFormula.Raw, [], [], [1], TreeEngine.RowSets); }
        catch (ArgumentException ex) { Console.WriteLine($"  RowSets cannot take the forest: {ex.Message}"); }
        forestEngines.Add(("reference walk", () => forest.Reference.Predict(forestRows, 2000, fw, fc, [])));
        Report(runs, forestEngines, [.. forestEngines.Select(e => e.Item1 == "reference walk" ? 2000 : forestCount)]);
        return 0;
    }

    private static FlatTreeClassifier With(FlatTreeClassifier f, TreeEngine engine) =>
        new(f.Width, f.Trees, f.ClassTreeStart, f.Formula, f.PlattSlope, f.PlattOffset, f.ClassCodes, engine);

    private static void Report(int runs, List<(string Name, Action Act)> engines, int[] counts)
    {
        foreach (var (_, act) in engines) act();
        var times = engines.Select(_ => new double[runs]).ToArray();
        for (var r = 0; r < runs; r++)
            for (var e = 0; e < engines.Count; e++)
            {
                var sw = Stopwatch.StartNew();
                engines[e].Act();
                times[e][r] = sw.Elapsed.TotalSeconds;
            }
        for (var e = 0; e < engines.Count; e++)
        {
            Array.Sort(times[e]);
            Console.WriteLine($"  {engines[e].Name,-28} {counts[e] / 1e6 / times[e][runs / 2],8:0.000} M rows/s");
        }
    }
}
