using System.Text.Json;

namespace MiningLulc.Training;

/// <summary>
/// What a model is and how it was made; stored as card.json inside the model zip and printed by
/// <c>inspect</c>. <see cref="FormatVersion"/> history: 1 — first format (ML.NET model + this card).
/// </summary>
public sealed record ModelCard
{
    public const int CurrentFormatVersion = 1;
    public int FormatVersion { get; init; } = CurrentFormatVersion;
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
    public required EngineConfig Config { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, EngineConfig.Json);
    public static ModelCard FromJson(string json) => JsonSerializer.Deserialize<ModelCard>(json, EngineConfig.Json) ?? throw new InvalidDataException("empty model card");
}

/// <summary>Pixel accuracy on held-out sites (never seen in training), sampled without the refinement rules: the map's accuracy on them.</summary>
public sealed record HoldoutResult(int Sites, int Pixels, double OverallAccuracy, double Kappa);
