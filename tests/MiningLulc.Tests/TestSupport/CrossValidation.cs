using MiningLulc.Model;
using MiningLulc.Training;

namespace MiningLulc.Tests;

/// <summary>
/// Stratified k-fold cross-validation of a training configuration on a table of labelled rows
/// (rows, not sites: for sample tables without site structure, such as the authors' 490 samples).
/// The sites of a region are cross-validated by groups of touching sites instead (<c>train --cv K</c>,
/// <see cref="Pipeline.SiteCrossValidation"/>), so that no site is on both sides of a split.
/// </summary>
public static class CrossValidation
{
    /// <summary>Fold (0..k-1) of each row: each class's rows are shuffled with the seed and dealt round-robin.</summary>
    public static int[] StratifiedFolds(IReadOnlyList<byte> labels, int k, int seed)
    {
        var rng = new Random(seed);
        var folds = new int[labels.Count];
        foreach (var group in Enumerable.Range(0, labels.Count).GroupBy(i => labels[i]).OrderBy(g => g.Key))
        {
            var rows = group.ToArray();
            rng.Shuffle(rows);
            for (var j = 0; j < rows.Length; j++) folds[rows[j]] = j % k;
        }
        return folds;
    }

    /// <summary>Pooled out-of-fold overall accuracy of <paramref name="config"/>'s trainer on <paramref name="table"/>.</summary>
    public static double OverallAccuracy(TrainingTable table, FeatureSet set, EngineConfig config, int k, int seed)
    {
        var folds = StratifiedFolds(table.Labels, k, seed);
        var cm = new ConfusionMatrix();
        var seeded = config with { Training = config.Training with { Seed = seed } };
        for (var f = 0; f < k; f++)
        {
            var train = new TrainingTable(table.FeatureCount);
            var testRows = new List<int>();
            for (var i = 0; i < table.Count; i++)
            {
                if (folds[i] == f) testRows.Add(i);
                else train.Add(table.Row(i), (LulcClass)table.Labels[i], table.Sites[i]);
            }
            var model = ModelTrainer.Train(train, set, seeded, ["cross-validation"]);
            var matrix = new float[testRows.Count * table.FeatureCount];
            for (var j = 0; j < testRows.Count; j++) table.Row(testRows[j]).CopyTo(matrix.AsSpan(j * table.FeatureCount));
            var predicted = new byte[testRows.Count];
            model.Predict(matrix, testRows.Count, predicted);
            for (var j = 0; j < testRows.Count; j++) cm.Add(table.Labels[testRows[j]], predicted[j], 1);
        }
        return cm.OverallAccuracy;
    }
}
