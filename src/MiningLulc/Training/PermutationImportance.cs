using MiningLulc.Model;

namespace MiningLulc.Training;

/// <summary>
/// Permutation importance (Breiman 2001; scikit-learn's <c>permutation_importance</c>) on held-out
/// rows: the accuracy on the rows as they are, minus the accuracy after one feature's column is
/// shuffled across them (the same seeded shuffle for every feature), for each feature. Rows of sites
/// the model never saw measure what it learned that generalizes; training rows would reward what it
/// memorized. Works with any model, through its own prediction.
/// </summary>
public static class PermutationImportance
{
    /// <summary>Importances, largest drop first (ties in feature order); empty when there are no rows.</summary>
    public static IReadOnlyList<FeatureImportance> Compute(ClassifierModel model, TrainingTable rows, IReadOnlyList<string> featureNames, int seed)
    {
        var n = rows.Count;
        var width = rows.FeatureCount;
        if (n == 0) return [];
        if (featureNames.Count != width) throw new ArgumentException($"{featureNames.Count} names for {width} features");
        var matrix = new float[n * width];
        for (var i = 0; i < n; i++) rows.Row(i).CopyTo(matrix.AsSpan(i * width));
        var predicted = new byte[n];
        var baseline = Accuracy(model, matrix, n, rows.Labels, predicted);

        var order = Enumerable.Range(0, n).ToArray();
        new Random(seed).Shuffle(order);
        var column = new float[n];
        var result = new List<FeatureImportance>(width);
        for (var f = 0; f < width; f++)
        {
            for (var i = 0; i < n; i++) column[i] = matrix[i * width + f];
            for (var i = 0; i < n; i++) matrix[i * width + f] = column[order[i]];
            result.Add(new FeatureImportance(featureNames[f], Math.Round(baseline - Accuracy(model, matrix, n, rows.Labels, predicted), 6)));
            for (var i = 0; i < n; i++) matrix[i * width + f] = column[i];
        }
        return [.. result.OrderByDescending(r => r.AccuracyDrop)]; // OrderBy is stable: ties keep feature order
    }

    private static double Accuracy(ClassifierModel model, float[] matrix, int n, IReadOnlyList<byte> labels, byte[] predicted)
    {
        model.Predict(matrix, n, predicted);
        var right = 0;
        for (var i = 0; i < n; i++) if (predicted[i] == labels[i]) right++;
        return (double)right / n;
    }
}
