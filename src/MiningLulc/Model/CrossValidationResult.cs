using System.Globalization;

namespace MiningLulc.Model;

/// <summary>
/// Site-grouped K-fold cross-validation of the training settings (<c>train --cv K</c>), as the model
/// card stores it under <c>cv</c>: each fold's model is trained as <c>train</c> trains (caps,
/// refinement, balance, settings) on the other folds' sites and scored on every labelled pixel of
/// its own (<see cref="Scoring"/>). The model in the zip is still the one trained on all sites.
/// </summary>
public sealed record CrossValidationResult
{
    public required int K { get; init; }
    /// <summary>The training seed, which dealt the groups into folds (and seeds every fold's model).</summary>
    public required int Seed { get; init; }
    public required string Grouping { get; init; }
    public required string Scoring { get; init; }
    public required IReadOnlyList<CrossValidationFold> Folds { get; init; }
    /// <summary>Mean of the folds' figures (each fold counts once, whatever its size).</summary>
    public required CrossValidationScores Mean { get; init; }
    /// <summary>Sample standard deviation (n - 1) of the folds' figures.</summary>
    public required CrossValidationScores Sd { get; init; }

    public const string GroupingRule = "sites whose geometries touch or overlap, within a region, are one group (connected components); "
        + "groups are dealt to the folds in a seeded random order, each to the fold with the fewest labelled pixels so far";

    public const string ScoringRule = "every labelled pixel of the held-out sites (pixel centre inside a reference polygon, classifiable), "
        + "without the per-class caps or the refinement rules; the pixel's class before smoothing (the majority filter), as for the held-out sites of --holdout";

    /// <summary>The figures of the folds, their mean and their standard deviation.</summary>
    public static CrossValidationResult Summarize(int k, int seed, IReadOnlyList<CrossValidationFold> folds) => new()
    {
        K = k,
        Seed = seed,
        Grouping = GroupingRule,
        Scoring = ScoringRule,
        Folds = folds,
        Mean = CrossValidationScores.Combine(folds.Select(f => f.Scores).ToList(), MeanOf),
        Sd = CrossValidationScores.Combine(folds.Select(f => f.Scores).ToList(), SampleSdOf),
    };

    private static double? MeanOf(IReadOnlyList<double> values) => values.Count > 0 ? values.Average() : null;

    private static double? SampleSdOf(IReadOnlyList<double> values)
    {
        if (values.Count < 2) return null;
        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }

    /// <summary>The title above <see cref="ToTable"/>.</summary>
    public string TableTitle() => $"cross-validation: {K} folds of site groups (scored on every labelled pixel of the held-out sites)";

    /// <summary>
    /// The table <c>train</c> and <c>inspect</c> print: a column per fold, then the mean and the
    /// standard deviation; a row per figure (held-out sites and pixels, overall accuracy, kappa,
    /// macro F1, each class's F1). "n/a" where a figure is undefined (a class absent from a fold's held-out pixels).
    /// </summary>
    public (IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows) ToTable()
    {
        var inv = CultureInfo.InvariantCulture;
        IReadOnlyList<string> header = ["figure", .. Folds.Select(f => $"fold {f.Fold}"), "mean", "sd"];
        var rows = new List<IReadOnlyList<string>>
        {
            Row("held-out sites", f => f.Sites.ToString(inv), null),
            Row("held-out pixels", f => f.Pixels.ToString(inv), null),
            Row("overall accuracy", f => F3(f.Scores.OverallAccuracy), s => s.OverallAccuracy),
            Row("kappa", f => F3(f.Scores.Kappa), s => s.Kappa),
            Row("macro F1", f => F3(f.Scores.MacroF1), s => s.MacroF1),
        };
        foreach (var name in LulcClasses.Names)
            rows.Add(Row($"F1 {name}", f => F3(f.Scores.F1.GetValueOrDefault(name)), s => s.F1.GetValueOrDefault(name)));
        return (header, rows);

        IReadOnlyList<string> Row(string label, Func<CrossValidationFold, string> ofFold, Func<CrossValidationScores, double?>? summary) =>
            [label, .. Folds.Select(ofFold), summary is null ? "" : F3(summary(Mean)), summary is null ? "" : F3(summary(Sd))];
    }

    private static string F3(double? v) => v is { } x ? x.ToString("0.000", CultureInfo.InvariantCulture) : "n/a";
}

/// <summary>One fold: the sites it held out (in how many groups), their labelled pixels, the rows its model was trained on, and the scores on those pixels.</summary>
public sealed record CrossValidationFold(int Fold, int Groups, int Sites, long Pixels, int TrainingRows, CrossValidationScores Scores, IReadOnlyList<HeldOutSites> HeldOut);

/// <summary>
/// Overall accuracy, kappa, macro F1 and each class's F1 (by class name); null where undefined
/// (kappa when every pixel is one class and mapped so; a class's F1 when it has no reference pixel).
/// </summary>
public sealed record CrossValidationScores(double? OverallAccuracy, double? Kappa, double? MacroF1, IReadOnlyDictionary<string, double?> F1)
{
    /// <summary>The scores of a confusion matrix of pixel counts, rounded to 6 decimals as the card keeps them.</summary>
    public static CrossValidationScores Of(ConfusionMatrix cm) => new(
        Defined(cm.OverallAccuracy), Defined(cm.Kappa), Defined(cm.MacroF1),
        Enumerable.Range(0, LulcClasses.Count).ToDictionary(c => LulcClasses.Names[c], c => Defined(cm.F1(c))));

    /// <summary>Each figure combined over the folds where it is defined (<paramref name="combine"/> gets those values).</summary>
    internal static CrossValidationScores Combine(IReadOnlyList<CrossValidationScores> folds, Func<IReadOnlyList<double>, double?> combine)
    {
        double? Over(Func<CrossValidationScores, double?> figure) =>
            Defined(combine([.. folds.Select(figure).OfType<double>()]) ?? double.NaN);
        return new(Over(s => s.OverallAccuracy), Over(s => s.Kappa), Over(s => s.MacroF1),
            LulcClasses.Names.ToDictionary(n => n, n => Over(s => s.F1.GetValueOrDefault(n))));
    }

    private static double? Defined(double v) => double.IsFinite(v) ? Math.Round(v, 6) : null;
}
