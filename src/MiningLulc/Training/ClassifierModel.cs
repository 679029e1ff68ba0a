using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using MiningLulc.Features;
using MiningLulc.Inference;

namespace MiningLulc.Training;

/// <summary>
/// A trained pixel classifier: an ML.NET pipeline (label mapping, trainer, key-to-class mapping)
/// and its <see cref="ModelCard"/>. Saved as one zip (ML.NET's entries plus card.json). Prediction
/// runs in batches through the whole matrix, never row by row: on the trees read into flat arrays
/// (<see cref="FlatTreeClassifier"/>) when the model is a supported tree ensemble and they agree
/// with ML.NET on a probe set built from the model's own thresholds, else through ML.NET itself
/// (<see cref="MlNetPixelClassifier"/>, the reference). Either way the classes are ML.NET's.
/// Predict is thread-safe.
/// </summary>
public sealed class ClassifierModel
{
    internal const string CardEntry = "card.json";
    private readonly MLContext ml;
    private readonly ITransformer transformer;
    private readonly IPixelClassifier classifier;

    internal ClassifierModel(MLContext ml, ITransformer transformer, ModelCard card)
    {
        this.ml = ml;
        this.transformer = transformer;
        Card = card;
        FeatureSet = new FeatureSet(card.FeatureSet, card.Features);
        var width = FeatureSet.Names.Count;
        Reference = new MlNetPixelClassifier(ml, transformer, width);
        var flat = TreeModelReader.TryRead(transformer, MatrixDataView.Create(ml, [], 0, width).Schema, width, out var reason);
        if (flat is not null && !InferenceSelfCheck.Agrees(flat, Reference, out reason)) flat = null;
        classifier = flat ?? (IPixelClassifier)Reference;
        InferencePath = flat is not null ? $"flat trees ({flat.Engine}; {flat.TreeCount} trees, {flat.NodeCount} splits)" : $"ML.NET ({reason})";
    }

    /// <summary>The same model with another card (e.g. once hold-out figures are known).</summary>
    internal ClassifierModel(ClassifierModel model, ModelCard card)
    {
        ml = model.ml;
        transformer = model.transformer;
        Card = card;
        FeatureSet = new FeatureSet(card.FeatureSet, card.Features);
        if (FeatureSet.Names.Count != model.FeatureSet.Names.Count) throw new ArgumentException("the card describes another feature count", nameof(card));
        Reference = model.Reference;
        classifier = model.classifier;
        InferencePath = model.InferencePath;
    }

    public ModelCard Card { get; }
    public FeatureSet FeatureSet { get; }

    /// <summary>
    /// A hash of what the model computes: every entry of its zip as <see cref="Save"/> writes it
    /// (ML.NET's payload and the card), by name and content, so timestamps inside the zip do not
    /// count. Two models with the same hash classify alike; a retrained or edited model differs.
    /// </summary>
    public string ContentHash => contentHash ??= ComputeContentHash();

    private string? contentHash;

    private string ComputeContentHash()
    {
        using var buffer = new MemoryStream();
        ml.Model.Save(transformer, MatrixDataView.Create(ml, [], 0, FeatureSet.Names.Count).Schema, buffer);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        buffer.Position = 0;
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Read, leaveOpen: true))
        {
            foreach (var entry in zip.Entries.OrderBy(e => e.FullName, StringComparer.Ordinal))
            {
                hash.AppendData(Encoding.UTF8.GetBytes(entry.FullName + "\n"));
                using var content = entry.Open();
                var chunk = new byte[81920];
                int read;
                while ((read = content.Read(chunk)) > 0) hash.AppendData(chunk.AsSpan(0, read));
            }
        }
        hash.AppendData(Encoding.UTF8.GetBytes(Card.ToJson()));
        return Convert.ToHexString(hash.GetHashAndReset(), 0, 16).ToLowerInvariant();
    }

    /// <summary>ML.NET's own scoring of this model: the reference the fast path is tested against.</summary>
    internal MlNetPixelClassifier Reference { get; }

    /// <summary>Which implementation <see cref="Predict"/> uses, and why ML.NET when it is.</summary>
    internal string InferencePath { get; }

    internal bool UsesFlatTrees => classifier is FlatTreeClassifier;

    /// <summary>The flat trees when <see cref="Predict(float[], int, Span{byte})"/> uses them.</summary>
    internal FlatTreeClassifier? FlatTrees => classifier as FlatTreeClassifier;

    /// <summary>Classes (codes 1..7) for <paramref name="count"/> rows of a row-major matrix. NaN features are missing values.</summary>
    public void Predict(float[] rows, int count, Span<byte> classes) => Predict(rows, count, classes, []);

    /// <summary>
    /// As <see cref="Predict(float[], int, Span{byte})"/>, and, when <paramref name="scores"/> is not
    /// empty, ML.NET's score vector per row: one probability per trained class (in class-code order,
    /// over the classes present in training, <see cref="ScoreCount"/> of them).
    /// </summary>
    internal void Predict(float[] rows, int count, Span<byte> classes, Span<float> scores)
    {
        if (count == 0) return;
        var width = FeatureSet.Names.Count;
        if (count < 0 || rows.Length < (long)count * width) throw new ArgumentException("matrix smaller than count x features");
        if (classes.Length < count) throw new ArgumentException("class buffer smaller than count");
        if (!scores.IsEmpty && scores.Length < (long)count * ScoreCount) throw new ArgumentException("score buffer smaller than count x classes");
        classifier.Predict(rows, count, width, classes, scores);
    }

    /// <summary>Scores per row: the number of classes present in training.</summary>
    internal int ScoreCount => classifier.ScoreCount;

    /// <summary>Writes the model zip to a temporary name beside <paramref name="path"/> and renames it when complete.</summary>
    public void Save(string path) => AtomicFile.Write(path, tmp =>
    {
        using (var stream = File.Create(tmp))
        {
            ml.Model.Save(transformer, MatrixDataView.Create(ml, [], 0, FeatureSet.Names.Count).Schema, stream);
        }
        using var zip = ZipFile.Open(tmp, ZipArchiveMode.Update);
        var entry = zip.CreateEntry(CardEntry, CompressionLevel.Optimal);
        entry.LastWriteTime = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using var w = new StreamWriter(entry.Open(), new UTF8Encoding(false));
        w.Write(Card.ToJson());
    });

    public static ClassifierModel Load(string path)
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
        catch (InvalidDataException e) { throw new InvalidInputException($"not a readable model zip ({e.Message})", path, e); }
        catch (System.Text.Json.JsonException e) { throw new InvalidInputException($"unreadable model card ({e.Message})", path, e); }
        // The card's settings become run's defaults: held to the same rules as a config file.
        (card.Config ?? throw new InvalidInputException("model card holds no settings", path)).Validate(path);
        if (card.FormatVersion > ModelCard.CurrentFormatVersion)
            throw new InvalidInputException($"model format {card.FormatVersion} is newer than this engine understands ({ModelCard.CurrentFormatVersion})", path);
        var expected = new FeatureSet(card.FeatureSet, card.Features).Hash;
        if (expected != card.FeatureSetHash || card.FeatureSchemaVersion != FeatureSchema.Version)
            throw new InvalidInputException($"model was trained on feature schema v{card.FeatureSchemaVersion} ({card.FeatureSetHash}); this engine computes v{FeatureSchema.Version} ({expected})", path);
        var ml = new MLContext(seed: 0);
        try
        {
            using var stream = File.OpenRead(path);
            var transformer = ml.Model.Load(stream, out _);
            return new ClassifierModel(ml, transformer, card);
        }
        catch (Exception e) when (e is not (OutOfMemoryException or MiningLulcException))
        {
            // A valid zip and card around a payload ML.NET cannot load (damaged, truncated, edited, or
            // another program's): the user's file is unusable, which is not an internal error. ML.NET
            // throws many types for this (InvalidOperationException, FormatException, InvalidDataException, ...).
            throw new InvalidInputException($"the ML.NET model inside cannot be loaded ({Innermost(e).Message.Trim()}): the file is damaged or not written by 'train'; train it again", path, e);
        }
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }
}

/// <summary>A row-major float matrix as an ML.NET data view with one vector column "Features".</summary>
internal static class MatrixDataView
{
    private sealed class Row
    {
        public float[] Features = [];
    }

    public static IDataView Create(MLContext ml, float[] matrix, int count, int width)
    {
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        return ml.Data.LoadFromEnumerable(Rows(matrix, count, width), schema);
    }

    private static IEnumerable<Row> Rows(float[] matrix, int count, int width)
    {
        for (var i = 0; i < count; i++) yield return new Row { Features = matrix.AsSpan(i * width, width).ToArray() };
    }
}
