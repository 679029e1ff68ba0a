using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace MiningLulc.Model;

/// <summary>
/// What a model is and how it was made; stored as card.json inside the model zip and printed by
/// <c>inspect</c>. <see cref="FormatVersion"/> is the lowest format that holds the model, so an older
/// engine still reads the models it can. History: 1 — first format (ML.NET model + this card);
/// 2 — the zip may hold the engine's random forest (forest.bin, <see cref="RandomForestFormat"/>)
/// instead of an ML.NET model, and the card its <see cref="OutOfBag"/> estimate;
/// 3 — the card may hold <see cref="Cv"/>, <see cref="Calibration"/>, the hold-out's feature importance
/// and <c>align.warp_error_pixels</c> among its settings, the zip the stored flat trees; 4 — the settings
/// may hold <c>align.stamps_warp_error_pixels</c>. Every model trained now is of format 4 (its settings
/// name it). The format is read before anything else, so a model of a newer format is refused as such,
/// not for a key this engine does not know.
/// </summary>
public sealed record ModelCard
{
    public const int CurrentFormatVersion = 4;

    public int FormatVersion { get; init; } = 1;
    public required string Method { get; init; }
    public required string Trainer { get; init; }
    public required IReadOnlyDictionary<string, string> Parameters { get; init; }
    public required int FeatureSchemaVersion { get; init; }
    public required string FeatureSet { get; init; }
    public required IReadOnlyList<string> Features { get; init; }
    public required string FeatureSetHash { get; init; }
    public required IReadOnlyList<string> Classes { get; init; }
    public required IReadOnlyList<string> TrainingRegions { get; init; }
    public required int TrainingSites { get; init; }
    public required IReadOnlyDictionary<string, int> SamplesPerClass { get; init; }
    public HoldoutResult? Holdout { get; init; }

    /// <summary>A random forest's out-of-bag estimate (absent for other trainers, so their cards read as format 1 did).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public OutOfBagEstimate? OutOfBag { get; init; }

    /// <summary>Site-grouped cross-validation of the training settings (<c>train --cv K</c>); absent when it was not asked for.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CrossValidationResult? Cv { get; init; }

    /// <summary>
    /// How the model's scores are calibrated for <c>run --confidence</c>, fitted on the held-out
    /// sites' pixels at training time; absent when training held none out, and in older cards: such
    /// models give their raw scores as confidence (uncalibrated).
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ScoreCalibration? Calibration { get; init; }

    public required EngineConfig Config { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, EngineConfig.Json);
    public static ModelCard FromJson(string json)
    {
        var card = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true }) as JsonObject ?? throw new InvalidDataException("model card is not a JSON object");
        if (card["format_version"] is JsonValue v && v.TryGetValue<int>(out var format) && format > CurrentFormatVersion)
            throw new NewerFormatException(format);
        // Settings no trainer reads any more, in the cards of models made before they were retired: the model
        // itself does not depend on them. (A config file that still sets one is an error, as any unknown key.)
        if (card["config"]?["training"] is JsonObject training)
            foreach (var key in RetiredTrainingSettings) training.Remove(key);
        return card.Deserialize<ModelCard>(EngineConfig.Json) ?? throw new InvalidDataException("empty model card");
    }

    /// <summary>training.feature_fraction and bagging_fraction: the one-versus-all FastForest's, retired with it (issue 15).</summary>
    private static readonly string[] RetiredTrainingSettings = ["feature_fraction", "bagging_fraction"];
}

/// <summary>
/// Temperature scaling of the scores (<see cref="Confidence.TemperatureCalibration"/>), fitted by
/// minimizing the negative log-likelihood of the true classes of <see cref="Pixels"/> held-out
/// pixels; the mean log-loss before and after says what it changed. Never changes a class.
/// </summary>
public sealed record ScoreCalibration(string Method, double Temperature, int Pixels, double LogLossBefore, double LogLossAfter)
{
    /// <summary>Which pixels fitted it: the training's held-out sites, or the calibration regions (never trained on).</summary>
    public string FittedOn { get; init; } = "held-out sites";

    /// <summary>A temperature per arg-max class (by class name), where the pixels were enough to fit one; absent: <see cref="Temperature"/> for every pixel.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, double>? TemperatureByClass { get; init; }
}

/// <summary>Pixel accuracy on held-out sites (never seen in training), sampled without the refinement rules: the map's accuracy on them.</summary>
public sealed record HoldoutResult(int Sites, int Pixels, double OverallAccuracy, double Kappa)
{
    /// <summary>
    /// Which sites were held out, region by region, so that anyone can assess the map on exactly
    /// those sites (<c>assess --holdout-of MODEL.zip</c>); absent in cards written before it was recorded.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<HeldOutSites>? HeldOut { get; init; }

    /// <summary>Permutation importance of each feature on the held-out rows, largest first (<see cref="PermutationImportance"/>).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<FeatureImportance>? FeatureImportance { get; init; }
}

/// <summary>The held-out sites of one training region (by its name, as the catalog gives it).</summary>
public sealed record HeldOutSites(string Region, IReadOnlyList<long> SiteIds);

/// <summary>A model card of a format newer than <see cref="ModelCard.CurrentFormatVersion"/>: written by a newer engine.</summary>
public sealed class NewerFormatException(int format)
    : Exception($"model format {format} is newer than this engine understands ({ModelCard.CurrentFormatVersion}): it was written by a newer mining-lulc; update this one to use it")
{
    public int Format { get; } = format;
}
