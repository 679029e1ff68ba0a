using System.Text.Json.Serialization;

namespace MiningLulc.Assessment;

/// <summary>
/// One bin of a reliability table: the predicted polygons whose confidence lies in
/// [<see cref="Lower"/>, <see cref="Upper"/>) (the last bin includes 1), with the area of theirs that
/// was compared to the reference, that area's mean confidence and its accuracy (the share of it whose
/// reference class is the predicted class). Empty bins have no mean and no accuracy (null).
/// </summary>
public sealed record ReliabilityBin(
    [property: JsonPropertyName("lower")] double Lower,
    [property: JsonPropertyName("upper")] double Upper,
    [property: JsonPropertyName("compared_area_m2")] double ComparedAreaM2,
    [property: JsonPropertyName("mean_confidence")] double MeanConfidence,
    [property: JsonPropertyName("accuracy")] double Accuracy);

/// <summary>
/// Sums for a reliability table over <see cref="Bins"/> equal-width bins of confidence: per bin, the
/// compared area, the area whose predicted class is the reference class, and the area times the
/// confidence (so the bin's mean confidence is area-weighted). Expected calibration error (Naeini et
/// al. 2015; Guo et al. 2017) = Σ_b (area_b / area) |accuracy_b − confidence_b|. Not thread-safe:
/// one per worker, merged in a fixed order.
/// </summary>
public sealed class ReliabilityTable
{
    public const int Bins = 10;

    private readonly double[] area = new double[Bins];
    private readonly double[] correct = new double[Bins];
    private readonly double[] weighted = new double[Bins];

    /// <summary>The bin of a confidence in [0, 1] (1 goes to the last bin).</summary>
    public static int BinOf(double confidence) => Math.Clamp((int)Math.Floor(confidence * Bins), 0, Bins - 1);

    /// <summary>Adds <paramref name="areaM2"/> of a polygon of confidence <paramref name="confidence"/> (NaN: left out), right or wrong.</summary>
    public void Add(double confidence, double areaM2, bool isCorrect)
    {
        if (double.IsNaN(confidence)) return;
        var b = BinOf(confidence);
        area[b] += areaM2;
        weighted[b] += areaM2 * confidence;
        if (isCorrect) correct[b] += areaM2;
    }

    public void Merge(ReliabilityTable other)
    {
        for (var b = 0; b < Bins; b++)
        {
            area[b] += other.area[b];
            correct[b] += other.correct[b];
            weighted[b] += other.weighted[b];
        }
    }

    public double ComparedAreaM2 => area.Sum();

    /// <summary>The table, bin by bin (empty bins with NaN mean confidence and accuracy).</summary>
    public IReadOnlyList<ReliabilityBin> ToBins() =>
        [.. Enumerable.Range(0, Bins).Select(b => new ReliabilityBin((double)b / Bins, (double)(b + 1) / Bins, area[b],
            area[b] > 0 ? weighted[b] / area[b] : double.NaN, area[b] > 0 ? correct[b] / area[b] : double.NaN))];

    /// <summary>Σ_b (area_b / area) |accuracy_b − confidence_b|; NaN when nothing was compared.</summary>
    public double ExpectedCalibrationError
    {
        get
        {
            var total = ComparedAreaM2;
            if (!(total > 0)) return double.NaN;
            var ece = 0.0;
            for (var b = 0; b < Bins; b++)
                if (area[b] > 0) ece += area[b] / total * Math.Abs(correct[b] / area[b] - weighted[b] / area[b]);
            return ece;
        }
    }
}
