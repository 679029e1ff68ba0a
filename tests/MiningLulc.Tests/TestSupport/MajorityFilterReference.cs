using MiningLulc.Smooth;

namespace MiningLulc.Tests;

/// <summary>
/// Brute-force reference for <see cref="MajorityFilter.Apply"/>: the definition written out directly,
/// O(n^2 log n) for n classified pixels. For tests only; same signature and semantics, including the
/// (distance, row, col) tie-break at the k-th neighbour, so results must be identical.
/// </summary>
internal static class MajorityFilterReference
{
    /// <inheritdoc cref="MajorityFilter.Apply"/>
    public static void Apply(ReadOnlySpan<byte> classes, MetricGrid grid, Span<byte> output,
        int neighbours = MajorityFilter.PublishedNeighbours)
    {
        int[] classified = MajorityFilter.ValidateArguments(classes, grid, output, neighbours);
        output.Clear();
        int n = classified.Length;
        int k = Math.Min(neighbours, n);
        ReadOnlySpan<double> xs = grid.X, ys = grid.Y;
        var byDistance = new (double D2, int Index)[n];
        var votes = new int[256];

        foreach (int p in classified)
        {
            // Squared Euclidean distance in metres to every classified pixel, itself included.
            for (int j = 0; j < n; j++)
            {
                int q = classified[j];
                double dx = xs[q] - xs[p], dy = ys[q] - ys[p];
                byDistance[j] = (dx * dx + dy * dy, q);
            }
            // Tuples compare by D2, then by row-major index, i.e. (distance, row, col).
            Array.Sort(byDistance);

            Array.Clear(votes);
            for (int j = 0; j < k; j++)
                votes[classes[byDistance[j].Index]]++;
            // Most votes; scanning codes upwards with a strict '>' keeps the smallest code on a tie.
            int best = 1;
            for (int cls = 2; cls < votes.Length; cls++)
                if (votes[cls] > votes[best])
                    best = cls;
            output[p] = (byte)best;
        }
    }
}
