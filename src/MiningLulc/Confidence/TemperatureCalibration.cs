using MiningLulc.Trees;

namespace MiningLulc.Confidence;

/// <summary>
/// Temperature scaling of a score vector (Guo et al. 2017, "On calibration of modern neural
/// networks"): q_c = p_c^(1/T) / Σ_j p_j^(1/T), i.e. the log-probabilities divided by T and
/// renormalized. For LightGBM's softmax this is exactly dividing its logits by T; for a forest's
/// vote shares it is the same monotone map. A monotone map of every score keeps their order, so the
/// arg-max, the class, never changes: calibration touches the confidence only. T = 1 is the identity.
/// </summary>
/// <remarks>
/// With <see cref="ByClass"/>, the temperature depends on the pixel's arg-max class (its score
/// column): a class the model over-predicts gets its own, larger temperature. One temperature still
/// applies to every score of a pixel, so its arg-max is kept.
/// </remarks>
public sealed record TemperatureCalibration(double Temperature, IReadOnlyList<double>? ByClass = null)
{
    /// <summary>No calibration: the raw scores.</summary>
    public static readonly TemperatureCalibration None = new(1.0);

    public bool IsIdentity => Temperature == 1.0 && ByClass is null;

    /// <summary>The temperature of a pixel whose arg-max is score column <paramref name="argMax"/>.</summary>
    public double TemperatureFor(int argMax) => ByClass is { } t && argMax >= 0 && argMax < t.Count ? t[argMax] : Temperature;

    /// <summary>Calibrates one score vector in place (probabilities summing to 1, or all zero).</summary>
    public void Apply(Span<float> scores)
    {
        if (IsIdentity) return;
        var t = ByClass is null ? Temperature : TemperatureFor(FlatTreeClassifier.ArgMax(scores));
        if (t == 1.0) return;
        var inverse = 1.0 / t;
        // Scaled against the largest score, so p^(1/T) neither under- nor overflows for small T.
        var max = 0f;
        foreach (var s in scores) if (s > max) max = s;
        if (!(max > 0)) return;
        var sum = 0.0;
        for (var c = 0; c < scores.Length; c++)
        {
            var v = scores[c] > 0 ? Math.Pow(scores[c] / max, inverse) : 0.0;
            scores[c] = (float)v;
            sum += v;
        }
        for (var c = 0; c < scores.Length; c++) scores[c] = (float)(scores[c] / sum);
    }

    /// <summary>
    /// The temperature that minimizes the mean negative log-likelihood of the true classes of
    /// held-out rows (<paramref name="scores"/>: <paramref name="classCount"/> per row;
    /// <paramref name="truth"/>: the score index of each row's true class, -1 when the model has no
    /// score for it, left out). Golden-section search over log T in [1/50, 50]; the NLL of a
    /// temperature-scaled softmax is convex in 1/T, so the search finds its minimum.
    /// </summary>
    /// <summary>
    /// A temperature per arg-max class (rows whose highest score is that class), each fitted as
    /// <see cref="Fit"/> does; a class with fewer than <paramref name="minRows"/> such rows keeps the
    /// temperature fitted on all rows.
    /// </summary>
    public static TemperatureCalibration FitByClass(ReadOnlySpan<float> scores, ReadOnlySpan<int> truth, int classCount, int minRows = 200)
    {
        var all = Fit(scores, truth, classCount);
        var rows = truth.Length;
        var byClass = new double[classCount];
        var argMax = new int[rows];
        for (var r = 0; r < rows; r++) argMax[r] = FlatTreeClassifier.ArgMax(scores.Slice(r * classCount, classCount));
        for (var k = 0; k < classCount; k++)
        {
            var n = 0;
            for (var r = 0; r < rows; r++) if (argMax[r] == k && truth[r] >= 0) n++;
            if (n < minRows) { byClass[k] = all.Temperature; continue; }
            var subScores = new float[n * classCount];
            var subTruth = new int[n];
            var i = 0;
            for (var r = 0; r < rows; r++)
            {
                if (argMax[r] != k || truth[r] < 0) continue;
                scores.Slice(r * classCount, classCount).CopyTo(subScores.AsSpan(i * classCount));
                subTruth[i++] = truth[r];
            }
            byClass[k] = Fit(subScores, subTruth, classCount).Temperature;
        }
        return new TemperatureCalibration(all.Temperature, byClass);
    }

    public static TemperatureCalibration Fit(ReadOnlySpan<float> scores, ReadOnlySpan<int> truth, int classCount)
    {
        var rows = truth.Length;
        if (rows == 0) return None;
        // The loss of what Apply does: a zero score stays zero at any temperature (a class no tree of a forest voted
        // for), and the true class's probability is floored at 1e-7 after scaling, as the card's log-loss is. Flooring
        // before scaling instead let a high temperature lift those zeros to 1e-7^(1/T) and "win" a loss the
        // calibrated scores never reach (a forest's log-loss rose from 3.098 to 3.145 on a test region).
        var logs = new double[scores.Length];
        for (var i = 0; i < logs.Length; i++) logs[i] = scores[i] > 0 ? Math.Log(scores[i]) : double.NegativeInfinity;
        var t = truth.ToArray();
        var floor = Math.Log(1e-7);
        double Loss(double logT)
        {
            var inverse = Math.Exp(-logT);
            var total = 0.0;
            var n = 0;
            for (var r = 0; r < rows; r++)
            {
                if (t[r] < 0) continue;
                n++;
                var max = double.NegativeInfinity;
                for (var c = 0; c < classCount; c++) max = Math.Max(max, logs[r * classCount + c] * inverse);
                var truthLog = logs[r * classCount + t[r]];
                if (double.IsNegativeInfinity(max) || double.IsNegativeInfinity(truthLog)) { total -= floor; continue; }
                var sum = 0.0;
                for (var c = 0; c < classCount; c++) sum += Math.Exp(logs[r * classCount + c] * inverse - max);
                total -= Math.Max(truthLog * inverse - max - Math.Log(sum), floor);
            }
            return n == 0 ? 0 : total / n;
        }
        double a = Math.Log(1.0 / 50), b = Math.Log(50.0);
        var g = (Math.Sqrt(5) - 1) / 2;
        double x1 = b - g * (b - a), x2 = a + g * (b - a);
        double f1 = Loss(x1), f2 = Loss(x2);
        for (var i = 0; i < 60 && b - a > 1e-6; i++)
        {
            if (f1 <= f2) { b = x2; x2 = x1; f2 = f1; x1 = b - g * (b - a); f1 = Loss(x1); }
            else { a = x1; x1 = x2; f1 = f2; x2 = a + g * (b - a); f2 = Loss(x2); }
        }
        // The floor makes the loss only piecewise smooth in log T: should the search end above the loss of no
        // scaling, no scaling is kept.
        var best = (a + b) / 2;
        return Loss(best) < Loss(0) ? new TemperatureCalibration(Math.Round(Math.Exp(best), 6)) : None;
    }
}
