using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using MiningLulc.Model;

namespace MiningLulc.Assessment;

/// <summary>
/// One class's figures. Every <c>_ci95</c> value is the half-width of a 95 % interval (figure ± half-width),
/// from the report's <see cref="AccuracyReport.IntervalMethod"/>; <see cref="SampleUnits"/> counts the
/// sample units mapped as this class (null for a census reference).
/// </summary>
public sealed record ClassAccuracy(
    [property: JsonPropertyName("producers_accuracy")] double ProducersAccuracy,
    [property: JsonPropertyName("producers_accuracy_ci95")] double ProducersAccuracyCi95,
    [property: JsonPropertyName("users_accuracy")] double UsersAccuracy,
    [property: JsonPropertyName("users_accuracy_ci95")] double UsersAccuracyCi95,
    [property: JsonPropertyName("f1")] double F1,
    [property: JsonPropertyName("reference_area_m2")] double ReferenceAreaM2,
    [property: JsonPropertyName("mapped_area_m2")] double MappedAreaM2,
    [property: JsonPropertyName("adjusted_area_m2")] double AdjustedAreaM2,
    [property: JsonPropertyName("adjusted_area_ci95_m2")] double AdjustedAreaCi95M2,
    [property: JsonPropertyName("sample_units")] int? SampleUnits = null);

public sealed record YearAccuracy(
    [property: JsonPropertyName("overall_accuracy")] double OverallAccuracy,
    [property: JsonPropertyName("kappa")] double Kappa,
    [property: JsonPropertyName("macro_f1")] double MacroF1,
    [property: JsonPropertyName("compared_area_m2")] double ComparedAreaM2);

/// <summary>The assessment report of docs/assessment.md (fractions, not percent; NaN written as null).</summary>
public sealed record AccuracyReport
{
    [JsonPropertyName("overall_accuracy")] public double OverallAccuracy { get; init; }
    /// <summary>Half-width of the 95 % interval of <see cref="OverallAccuracy"/> (NaN, written null, when there is none).</summary>
    [JsonPropertyName("overall_accuracy_ci95")] public double OverallAccuracyCi95 { get; init; } = double.NaN;
    [JsonPropertyName("kappa")] public double Kappa { get; init; }
    [JsonPropertyName("macro_f1")] public double MacroF1 { get; init; }
    [JsonPropertyName("per_class")] public required IReadOnlyDictionary<string, ClassAccuracy> PerClass { get; init; }
    [JsonPropertyName("confusion_matrix_m2")] public required double[][] ConfusionMatrixM2 { get; init; }
    [JsonPropertyName("classes")] public IReadOnlyList<string> Classes { get; init; } = LulcClasses.Names;
    [JsonPropertyName("by_year")] public required IReadOnlyDictionary<string, YearAccuracy> ByYear { get; init; }
    [JsonPropertyName("compared_area_m2")] public double ComparedAreaM2 { get; init; }
    /// <summary>Groups of touching reference polygons compared (the bootstrap's units; touching sites count once).</summary>
    [JsonPropertyName("site_clusters")] public int SiteClusters { get; init; }
    [JsonPropertyName("method")] public required string Method { get; init; }
    /// <summary>"raster" (cell count, the default) or "overlay" (exact polygon overlay); see <see cref="Assessment.AssessmentMethod"/>.</summary>
    [JsonPropertyName("assessment_method")] public string MethodName { get; init; } = "overlay";
    /// <summary>Side of the grid cells in metres for the cell count; null for the overlay.</summary>
    [JsonPropertyName("cell_size_m")] public double? CellSizeM { get; init; }
    /// <summary>"census" (the reference labels cover the compared sites wholly) or "sample" (each reference feature is a unit of a random sample); see <see cref="Assessment.ReferenceDesign"/>.</summary>
    [JsonPropertyName("reference_design")] public string ReferenceDesign { get; init; } = CensusDesign;
    /// <summary>How the 95 % intervals were made: <see cref="BootstrapIntervals"/> (census) or <see cref="StratifiedIntervals"/> (sample).</summary>
    [JsonPropertyName("interval_method")] public string IntervalMethod { get; init; } = BootstrapIntervals;
    /// <summary>Sample units compared (a sample reference; null for a census).</summary>
    [JsonPropertyName("sample_units")] public int? SampleUnits { get; init; }
    /// <summary>What the reader should know about the inputs: label features left out because their geometry cannot be read (per file: count, first fid).</summary>
    [JsonPropertyName("warnings")] public IReadOnlyList<string> Warnings { get; init; } = [];
    /// <summary>
    /// When the predictions carry <c>confidence</c> (<c>run --confidence</c>; cell count only): the compared
    /// area in ten equal-width bins of confidence, each with its area-weighted mean confidence and accuracy.
    /// Absent otherwise.
    /// </summary>
    [JsonPropertyName("reliability")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ReliabilityBin>? Reliability { get; init; }
    /// <summary>Σ over the <see cref="Reliability"/> bins of (bin area / compared area) x |accuracy − mean confidence|; absent without confidence.</summary>
    [JsonPropertyName("expected_calibration_error")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? ExpectedCalibrationError { get; init; }

    public const string CensusDesign = "census", SampleDesign = "sample";
    public const string BootstrapIntervals = "site_cluster_bootstrap", StratifiedIntervals = "olofsson_stratified";

    /// <summary>
    /// The report of an area matrix (rows = reference, columns = predicted): the figures are those of
    /// <paramref name="total"/>, the adjusted areas and every interval are given.
    /// </summary>
    internal static AccuracyReport Create(ConfusionMatrix total, IReadOnlyDictionary<int, ConfusionMatrix> byYear, double[] referenceArea,
        double[] mappedArea, double[] adjusted, AccuracyIntervals ci, string method, int sites)
    {
        var perClass = new Dictionary<string, ClassAccuracy>();
        for (var c = 0; c < ConfusionMatrix.K; c++)
            perClass[LulcClasses.Names[c]] = new ClassAccuracy(total.ProducersAccuracy(c), ci.ProducersAccuracy[c], total.UsersAccuracy(c), ci.UsersAccuracy[c], total.F1(c),
                referenceArea[c], mappedArea[c], adjusted[c], ci.AdjustedArea[c]);
        return new AccuracyReport
        {
            OverallAccuracy = total.OverallAccuracy,
            OverallAccuracyCi95 = ci.OverallAccuracy,
            Kappa = total.Kappa,
            MacroF1 = total.MacroF1,
            PerClass = perClass,
            ConfusionMatrixM2 = total.ToArray(),
            ByYear = byYear.ToDictionary(kv => kv.Key.ToString(CultureInfo.InvariantCulture),
                kv => new YearAccuracy(kv.Value.OverallAccuracy, kv.Value.Kappa, kv.Value.MacroF1, kv.Value.Total)),
            ComparedAreaM2 = total.Total,
            SiteClusters = sites,
            Method = method,
        };
    }

    // Source-generated (no reflection at run time): the report is written once per command, where
    // reflection-based serialization cost more start-up time than the cell count of a small region.
    public string ToJson() => JsonSerializer.Serialize(this, ReportJsonContext.Default.AccuracyReport);

    public static AccuracyReport FromJson(string json) => JsonSerializer.Deserialize(json, ReportJsonContext.Default.AccuracyReport) ?? throw new InvalidDataException("empty report");

    /// <summary>A readable Markdown version of the report.</summary>
    public string ToMarkdown(string title)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine($"# {title}").AppendLine();
        var sample = ReferenceDesign == SampleDesign;
        sb.AppendLine($"- Overall accuracy: **{OverallAccuracy.ToString("0.000", inv)}** ± {F(OverallAccuracyCi95)} (95 %), kappa {Kappa.ToString("0.000", inv)}, macro F1 {MacroF1.ToString("0.000", inv)}");
        sb.AppendLine(sample
            ? $"- Sample: {SampleUnits} units; the estimates are for {(ComparedAreaM2 / 1e6).ToString("0.000", inv)} km² of map (the mapped area of the classes that have units)"
            : $"- Compared area: {(ComparedAreaM2 / 1e6).ToString("0.000", inv)} km² over {SiteClusters} site clusters (touching reference polygons count once)");
        sb.AppendLine($"- 95 % intervals: {IntervalText()}").AppendLine();
        // A sample's reference area is that of its plots (0 for points): its unit counts say more.
        sb.AppendLine($"| class | producer's ± 95 % | user's ± 95 % | F1 | {(sample ? "sample units" : "reference km²")} | mapped km² | adjusted km² ± 95 % |");
        sb.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var (name, c) in PerClass)
            sb.AppendLine($"| {name} | {F(c.ProducersAccuracy)} ± {F(c.ProducersAccuracyCi95)} | {F(c.UsersAccuracy)} ± {F(c.UsersAccuracyCi95)} | {F(c.F1)} | {(sample ? $"{c.SampleUnits}" : (c.ReferenceAreaM2 / 1e6).ToString("0.000", inv))} | {(c.MappedAreaM2 / 1e6).ToString("0.000", inv)} | {(c.AdjustedAreaM2 / 1e6).ToString("0.000", inv)} ± {(double.IsNaN(c.AdjustedAreaCi95M2) ? "n/a" : (c.AdjustedAreaCi95M2 / 1e6).ToString("0.000", inv))} |");
        sb.AppendLine().AppendLine(sample ? "Estimated areas of the map (km², rows = reference, columns = predicted):" : "Confusion matrix (km², rows = reference, columns = predicted):").AppendLine();
        sb.AppendLine("| reference \\ predicted | " + string.Join(" | ", Classes) + " |");
        sb.AppendLine("|---|" + string.Concat(Enumerable.Repeat("---|", Classes.Count)));
        for (var i = 0; i < Classes.Count; i++)
            sb.AppendLine($"| {Classes[i]} | " + string.Join(" | ", ConfusionMatrixM2[i].Select(v => (v / 1e6).ToString("0.000", inv))) + " |");
        if (ByYear.Count > 0)
        {
            sb.AppendLine().AppendLine("| year | overall accuracy | kappa | macro F1 | compared km² |").AppendLine("|---|---|---|---|---|");
            foreach (var (y, a) in ByYear) sb.AppendLine($"| {y} | {F(a.OverallAccuracy)} | {F(a.Kappa)} | {F(a.MacroF1)} | {(a.ComparedAreaM2 / 1e6).ToString("0.000", inv)} |");
        }
        if (Reliability is { } bins)
        {
            sb.AppendLine().AppendLine($"Reliability of the predictions' confidence (compared area by bin of polygon confidence; expected calibration error {F(ExpectedCalibrationError ?? double.NaN)}):").AppendLine();
            sb.AppendLine("| confidence | compared km² | share of area | mean confidence | accuracy |").AppendLine("|---|---|---|---|---|");
            var all = bins.Sum(b => b.ComparedAreaM2);
            foreach (var b in bins)
                sb.AppendLine($"| {b.Lower.ToString("0.0", inv)}–{b.Upper.ToString("0.0", inv)} | {(b.ComparedAreaM2 / 1e6).ToString("0.000", inv)} | {(all > 0 ? (b.ComparedAreaM2 / all).ToString("0.000", inv) : "n/a")} | {F(b.MeanConfidence)} | {F(b.Accuracy)} |");
        }
        if (Warnings.Count > 0)
        {
            sb.AppendLine().AppendLine("Warnings:").AppendLine();
            foreach (var w in Warnings) sb.AppendLine($"- {w}");
        }
        sb.AppendLine().AppendLine($"Method ({MethodName}{(CellSizeM is double cs ? $", {cs.ToString("0.###", inv)} m cells" : "")}): {Method}");
        return sb.ToString();

        string F(double v) => double.IsNaN(v) ? "n/a" : v.ToString("0.000", inv);
    }

    /// <summary>Which method made the intervals, in words (report.md).</summary>
    private string IntervalText() => IntervalMethod == StratifiedIntervals
        ? $"Olofsson et al. (2014) stratified estimator (map classes as strata, {SampleUnits} sample units), ± {AccuracyIntervals.Z95.ToString(CultureInfo.InvariantCulture)} analytic standard errors"
        : $"cluster bootstrap of sites ({AccuracyAssessor.BootstrapReplicates} resamples of {SiteClusters} site clusters), ± {AccuracyIntervals.Z95.ToString(CultureInfo.InvariantCulture)} standard deviations"
            + (SiteClusters < 2 ? " (none: fewer than 2 site clusters)" : "");

    internal sealed class NanAsNullConverter : JsonConverter<double>
    {
        public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Null ? double.NaN : reader.GetDouble();

        public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
        {
            if (double.IsFinite(value)) writer.WriteNumberValue(value); else writer.WriteNullValue();
        }
    }
}

[JsonSourceGenerationOptions(WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals, Converters = [typeof(AccuracyReport.NanAsNullConverter)])]
[JsonSerializable(typeof(AccuracyReport))]
internal sealed partial class ReportJsonContext : JsonSerializerContext;
