using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using MiningLulc.Trees;

namespace MiningLulc.Model;

/// <summary>
/// A trained pixel classifier and its <see cref="ModelCard"/>: either an ML.NET pipeline (label
/// mapping, trainer, key-to-class mapping) or the engine's own random forest
/// (<see cref="RandomForestModel"/>). Saved as one zip: ML.NET's entries or forest.bin
/// (<see cref="RandomForestFormat"/>), plus card.json. Prediction runs in batches through the whole
/// matrix, never row by row: on the trees in flat arrays (<see cref="FlatTreeClassifier"/>) when
/// they agree with the model's reference on a probe set built from the model's own thresholds, else
/// through the reference itself (ML.NET, or the forest's plain tree walk). Predict is thread-safe.
/// </summary>
public sealed class ClassifierModel
{
    internal const string CardEntry = "card.json";

    /// <summary>The timestamp of the entries the engine writes itself, so the same model gives the same zip bytes.</summary>
    internal static readonly DateTimeOffset EntryTime = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly ModelPayload payload;

    internal ClassifierModel(MLContext ml, ITransformer transformer, ModelCard card)
        : this(new MlNetPayload(ml, transformer, card.Features.Count), card) { }

    internal ClassifierModel(RandomForestModel forest, ModelCard card)
        : this(new ForestPayload(forest), card) { }

    private ClassifierModel(ModelPayload payload, ModelCard card)
    {
        this.payload = payload;
        Card = card;
        FeatureSet = new FeatureSet(card.FeatureSet, card.Features);
    }

    /// <summary>The same model with another card (e.g. once hold-out figures are known).</summary>
    internal ClassifierModel(ClassifierModel model, ModelCard card) : this(model.payload, card)
    {
        if (FeatureSet.Names.Count != model.FeatureSet.Names.Count) throw new ArgumentException("the card describes another feature count", nameof(card));
    }

    public ModelCard Card { get; }
    public FeatureSet FeatureSet { get; }

    /// <summary>
    /// A hash of what the model computes: every entry of its zip as <see cref="Save"/> writes it
    /// (the payload and the card), by name and content, so timestamps inside the zip do not
    /// count. Two models with the same hash classify alike; a retrained or edited model differs.
    /// </summary>
    public string ContentHash => contentHash ??= ComputeContentHash();

    private string? contentHash;

    private string ComputeContentHash()
    {
        using var buffer = new MemoryStream();
        payload.WriteZip(buffer);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        buffer.Position = 0;
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Read, leaveOpen: true)) ModelPayload.AppendEntries(hash, zip.Entries);
        hash.AppendData(Encoding.UTF8.GetBytes(Card.ToJson()));
        return Convert.ToHexString(hash.GetHashAndReset(), 0, 16).ToLowerInvariant();
    }

    /// <summary>The model's plain scoring (ML.NET's own, or the forest's tree walk): the reference the fast path is tested against.</summary>
    internal IPixelClassifier Reference => payload.Reference;

    /// <summary>Which implementation <see cref="Predict(float[], int, Span{byte})"/> uses, and why the reference when it is.</summary>
    internal string InferencePath => payload.InferencePath;

    internal bool UsesFlatTrees => payload.Classifier is FlatTreeClassifier;

    /// <summary>How the flat trees find their leaves; null when the reference predicts.</summary>
    internal TreeEngine? InferenceEngine => payload.Engine;

    /// <summary>Why the reference predicts instead of the flat trees; null when they do.</summary>
    internal string? InferenceFallback => payload.FallbackReason;

    /// <summary>Set when the model does not predict by its fast path, saying which path it takes and why.</summary>
    internal string? InferenceWarning => payload.Warning;

    /// <summary>The flat trees when <see cref="Predict(float[], int, Span{byte})"/> uses them.</summary>
    internal FlatTreeClassifier? FlatTrees => payload.Classifier as FlatTreeClassifier;

    /// <summary>The random forest, when the model is one.</summary>
    public RandomForestModel? Forest => (payload as ForestPayload)?.Forest;

    /// <summary>Classes (codes 1..7) for <paramref name="count"/> rows of a row-major matrix. NaN features are missing values.</summary>
    public void Predict(float[] rows, int count, Span<byte> classes) => Predict(rows, count, classes, []);

    /// <summary>
    /// As <see cref="Predict(float[], int, Span{byte})"/>, and, when <paramref name="scores"/> is not
    /// empty, the score vector per row: one probability per trained class (in class-code order,
    /// over the classes present in training, <see cref="ScoreCount"/> of them): ML.NET's Score
    /// column, or a forest's vote fractions.
    /// </summary>
    internal void Predict(float[] rows, int count, Span<byte> classes, Span<float> scores)
    {
        if (count == 0) return;
        var width = FeatureSet.Names.Count;
        if (count < 0 || rows.Length < (long)count * width) throw new ArgumentException("matrix smaller than count x features");
        if (classes.Length < count) throw new ArgumentException("class buffer smaller than count");
        if (!scores.IsEmpty && scores.Length < (long)count * ScoreCount) throw new ArgumentException("score buffer smaller than count x classes");
        payload.Classifier.Predict(rows, count, width, classes, scores);
    }

    /// <summary>Scores per row: the number of classes present in training.</summary>
    internal int ScoreCount => payload.Classifier.ScoreCount;

    /// <summary>
    /// The class code of each score column: the classes present in training, ascending (LightGBM's
    /// label keys are ordered by value; the forest's class codes ascend).
    /// </summary>
    internal IReadOnlyList<byte> ScoreClassCodes => scoreClassCodes ??= ComputeScoreClassCodes();

    private IReadOnlyList<byte>? scoreClassCodes;

    private byte[] ComputeScoreClassCodes()
    {
        if (Forest is { } forest) return [.. forest.ClassCodes];
        var codes = Enumerable.Range(1, LulcClasses.Count).Where(c => Card.SamplesPerClass.GetValueOrDefault(LulcClasses.NameOf(c)) > 0).Select(c => (byte)c).ToArray();
        if (codes.Length != ScoreCount) throw new InvalidOperationException($"the card lists {codes.Length} trained classes; the model scores {ScoreCount}");
        return codes;
    }

    /// <summary>The calibration of the card (none for models trained without held-out sites, and older ones).</summary>
    internal Confidence.TemperatureCalibration Calibration => calibration ??= Card.Calibration is { } c
        ? new Confidence.TemperatureCalibration(c.Temperature, c.TemperatureByClass is { } byClass
            ? [.. ScoreClassCodes.Select(code => byClass.TryGetValue(LulcClasses.NameOf(code), out var t) ? t : c.Temperature)]
            : null)
        : Confidence.TemperatureCalibration.None;

    private Confidence.TemperatureCalibration? calibration;

    /// <summary>Writes the model zip to a temporary name beside <paramref name="path"/> and renames it when complete.</summary>
    public void Save(string path) => AtomicFile.Write(path, tmp =>
    {
        using (var stream = File.Create(tmp)) payload.WriteZip(stream);
        using var zip = ZipFile.Open(tmp, ZipArchiveMode.Update);
        var entry = zip.CreateEntry(CardEntry, CompressionLevel.Optimal);
        entry.LastWriteTime = EntryTime;
        using var w = new StreamWriter(entry.Open(), new UTF8Encoding(false));
        w.Write(Card.ToJson());
    });

    public static ClassifierModel Load(string path)
    {
        var card = ReadCard(path);
        return new ClassifierModel(ModelPayload.Read(path, card.Features.Count), card);
    }

    /// <summary>A model file's card alone, checked as <see cref="Load"/> checks it (no model payload is read).</summary>
    public static ModelCard ReadCard(string path)
    {
        if (!File.Exists(path)) throw new InvalidInputException("model file not found", path);
        ModelCard card;
        try
        {
            using var zip = ZipFile.OpenRead(path);
            var entry = zip.GetEntry(CardEntry) ?? throw new InvalidInputException("is not a MiningLulc model (no card.json inside)", path);
            using var r = new StreamReader(entry.Open());
            card = ModelCard.FromJson(r.ReadToEnd());
        }
        catch (NewerFormatException e) { throw new InvalidInputException(e.Message, path, e); }
        catch (InvalidDataException e) { throw new InvalidInputException($"not a readable model zip ({e.Message})", path, e); }
        catch (System.Text.Json.JsonException e) { throw new InvalidInputException($"unreadable model card ({e.Message})", path, e); }
        // The card's settings become run's defaults: held to the same rules as a config file.
        (card.Config ?? throw new InvalidInputException("model card holds no settings", path)).Validate(path);
        // A set is hashed with the version of its newest feature (FeatureSet.Hash), so a model of an older schema
        // still matches; names this engine does not know (a newer schema) are refused by name.
        if (card.FeatureSchemaVersion > FeatureSchema.Version)
            throw new InvalidInputException($"model was trained on feature schema v{card.FeatureSchemaVersion} ({card.FeatureSetHash}); this engine computes v{FeatureSchema.Version}", path);
        var set = new FeatureSet(card.FeatureSet, card.Features);
        var expected = set.Hash;
        if (expected != card.FeatureSetHash || card.FeatureSchemaVersion != set.SchemaVersion)
            throw new InvalidInputException($"model was trained on feature schema v{card.FeatureSchemaVersion} ({card.FeatureSetHash}); this engine computes v{set.SchemaVersion} ({expected}) for its features", path);
        return card;
    }
}
