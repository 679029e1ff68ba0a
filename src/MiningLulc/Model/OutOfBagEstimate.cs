namespace MiningLulc.Model;

/// <summary>
/// The out-of-bag estimate of a forest, as R's <c>print(rf)</c> gives it: every training row
/// classified by the trees that did not draw it, the error over all such rows and per class, and
/// the confusion matrix (rows: the true class, columns: the out-of-bag class, both in
/// <see cref="Classes"/> order). A vote tie goes to the smallest class code (R breaks it at random).
/// </summary>
public sealed record OutOfBagEstimate(int Rows, double Error, IReadOnlyList<string> Classes, IReadOnlyList<double> ClassError, IReadOnlyList<IReadOnlyList<int>> Confusion)
{
    internal static OutOfBagEstimate From(int[] votes, byte[] classes, byte[] codes)
    {
        var k = codes.Length;
        var confusion = new int[k][];
        for (var c = 0; c < k; c++) confusion[c] = new int[k];
        var rows = 0;
        for (var r = 0; r < classes.Length; r++)
        {
            var v = votes.AsSpan(r * k, k);
            if (!v.ContainsAnyExcept(0)) continue; // drawn by every tree: no out-of-bag vote (R leaves it out too)
            confusion[classes[r]][RandomForestModel.Majority(v)]++;
            rows++;
        }
        var wrong = Enumerable.Range(0, k).Sum(c => confusion[c].Sum() - confusion[c][c]);
        var classError = Enumerable.Range(0, k).Select(c => confusion[c].Sum() is var n && n > 0 ? (double)(n - confusion[c][c]) / n : 0.0).ToArray();
        return new OutOfBagEstimate(rows, rows > 0 ? (double)wrong / rows : 0.0, [.. codes.Select(c => LulcClasses.NameOf(c))], classError, confusion);
    }
}
