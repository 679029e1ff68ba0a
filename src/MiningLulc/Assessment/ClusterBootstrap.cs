using MiningLulc.Model;

namespace MiningLulc.Assessment;

/// <summary>
/// The bootstrap over sites of a census reference (docs/assessment.md): sites (clusters of touching
/// reference polygons) are resampled with replacement, and each resample's confusion matrix gives
/// every statistic at once (adjusted areas, overall, user's and producer's accuracies), so the
/// intervals of all figures come from the same resamples. Sites, not cells or polygons, are the
/// units because neighbouring cells of one site are not independent: their errors come together.
/// </summary>
public static class ClusterBootstrap
{
    /// <summary>
    /// Half-widths of 95 % intervals: <see cref="AccuracyIntervals.Z95"/> x the standard deviation of
    /// each statistic over <paramref name="replicates"/> resamples of <paramref name="clusters"/>
    /// (seeded, so a report is reproducible). An accuracy that a resample cannot have (a class absent
    /// from it) is left out of that statistic's spread; fewer than two clusters give no intervals.
    /// </summary>
    public static AccuracyIntervals Intervals(IReadOnlyList<ConfusionMatrix> clusters, double[] mappedArea, int replicates, int seed)
    {
        const int k = ConfusionMatrix.K;
        if (clusters.Count < 2) return AccuracyIntervals.None;
        var rng = new Random(seed);
        var overall = new double[replicates];
        var users = Replicates(k, replicates);
        var producers = Replicates(k, replicates);
        var areas = Replicates(k, replicates);
        for (var b = 0; b < replicates; b++)
        {
            var cm = new ConfusionMatrix();
            for (var n = 0; n < clusters.Count; n++) cm.Add(clusters[rng.Next(clusters.Count)]);
            var adjusted = AreaEstimator.Adjusted(cm, mappedArea);
            overall[b] = cm.OverallAccuracy;
            for (var c = 0; c < k; c++)
            {
                areas[c][b] = adjusted[c];
                users[c][b] = cm.UsersAccuracy(c);
                producers[c][b] = cm.ProducersAccuracy(c);
            }
        }
        return new AccuracyIntervals(HalfWidth(overall), users.Select(HalfWidth).ToArray(), producers.Select(HalfWidth).ToArray(), areas.Select(HalfWidth).ToArray());
    }

    private static double[][] Replicates(int k, int replicates) => Enumerable.Range(0, k).Select(_ => new double[replicates]).ToArray();

    private static double HalfWidth(double[] samples) => AccuracyIntervals.Z95 * StandardDeviation(samples.Where(double.IsFinite).ToArray());

    /// <summary>
    /// Sample standard deviation (n - 1), NaN below two values. Accumulated by the running update
    /// of the sum and of the sum of squared deviations (no cancellation of two large sums), which
    /// is the update MathNet.Numerics used when this project depended on it: the adjusted areas'
    /// intervals of earlier reports are reproduced to the last digit.
    /// </summary>
    internal static double StandardDeviation(IReadOnlyList<double> values)
    {
        if (values.Count < 2) return double.NaN;
        double sum = values[0], squares = 0;
        for (var i = 1; i < values.Count; i++)
        {
            var n = i + 1.0;
            sum += values[i];
            var diff = n * values[i] - sum;
            squares += diff * diff / (n * i);
        }
        return Math.Sqrt(squares / (values.Count - 1));
    }
}
