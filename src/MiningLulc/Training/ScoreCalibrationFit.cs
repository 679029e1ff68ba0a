using MiningLulc.Confidence;
using MiningLulc.Model;

namespace MiningLulc.Training;

/// <summary>
/// Fits the model's score calibration at training time on the held-out sites' pixels (sampled
/// without refinement, as the map sees them): never on training pixels, whose scores are
/// over-confident by construction (the trees were fitted to them).
/// </summary>
public static class ScoreCalibrationFit
{
    /// <summary>The temperature that best explains the held-out pixels' true classes (<paramref name="rows"/>: <paramref name="count"/> rows of features); null without rows.</summary>
    /// <param name="byClass">
    /// Also a temperature per arg-max class. Worth it on calibration regions (many pixels, and the
    /// classes a new region confuses); on a region's own held-out sites it fits that region's quirks:
    /// measured on six unseen synthetic regions, per-class temperatures from held-out sites gave a
    /// higher calibration error than one temperature (docs/assessment.md).
    /// </param>
    public static ScoreCalibration? Fit(ClassifierModel model, float[] rows, int count, IReadOnlyList<byte> truth, bool byClass)
    {
        if (count == 0) return null;
        var scores = new float[count * model.ScoreCount];
        model.Predict(rows, count, new byte[count], scores);
        return FitScores(scores, truth, model.ScoreClassCodes, byClass);
    }

    /// <summary>
    /// The temperature that best explains <paramref name="truth"/> from scores already computed
    /// (<paramref name="codes"/>.Count per pixel, in that class order): a model's own, or those of the
    /// cross-validation's fold models on the pixels each held out; null without pixels.
    /// </summary>
    public static ScoreCalibration? FitScores(float[] scores, IReadOnlyList<byte> truth, IReadOnlyList<byte> codes, bool byClass)
    {
        var count = truth.Count;
        if (count == 0) return null;
        var k = codes.Count;
        var index = new int[count];
        for (var i = 0; i < count; i++)
        {
            index[i] = -1;
            for (var c = 0; c < k; c++) if (codes[c] == truth[i]) index[i] = c;
        }
        var fitted = byClass ? TemperatureCalibration.FitByClass(scores, index, k) : TemperatureCalibration.Fit(scores, index, k);
        return new ScoreCalibration("temperature", fitted.Temperature, index.Count(i => i >= 0),
            Math.Round(LogLoss(scores, index, k, TemperatureCalibration.None), 6), Math.Round(LogLoss(scores, index, k, fitted), 6))
        {
            TemperatureByClass = fitted.ByClass is { } perClass ? codes.Select((code, c) => (code, c)).ToDictionary(x => LulcClasses.NameOf(x.code), x => perClass[x.c]) : null,
        };
    }

    /// <summary>Mean negative log-likelihood of the true classes under <paramref name="calibration"/> (probabilities floored at 1e-7).</summary>
    internal static double LogLoss(float[] scores, int[] truth, int k, TemperatureCalibration calibration)
    {
        var row = new float[k];
        double total = 0;
        var n = 0;
        for (var i = 0; i < truth.Length; i++)
        {
            if (truth[i] < 0) continue;
            scores.AsSpan(i * k, k).CopyTo(row);
            calibration.Apply(row);
            total -= Math.Log(Math.Max(row[truth[i]], 1e-7f));
            n++;
        }
        return n == 0 ? double.NaN : total / n;
    }
}
