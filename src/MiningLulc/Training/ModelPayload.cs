using System.IO.Compression;
using Microsoft.ML;
using MiningLulc.Inference;

namespace MiningLulc.Training;

/// <summary>
/// What a model zip holds besides its card, and how that predicts: an ML.NET pipeline
/// (<see cref="MlNetPayload"/>) or the engine's own random forest (<see cref="ForestPayload"/>). Each
/// has a plain reference classifier and a fast one held to it bit for bit on a probe set at load
/// (<see cref="InferenceSelfCheck"/>); the reference serves when the fast one is unavailable or disagrees.
/// </summary>
internal abstract class ModelPayload
{
    protected ModelPayload(IPixelClassifier reference, FlatTreeClassifier? flat, string unavailable, TreeEngine fastEngine)
    {
        Reference = reference;
        var reason = unavailable;
        if (flat is not null && !InferenceSelfCheck.Agrees(flat, reference, out reason)) flat = null;
        Classifier = flat ?? reference;
        Engine = flat?.Engine;
        FallbackReason = flat is null ? reason : null;
        InferencePath = flat is not null ? $"flat trees ({flat.Engine}; {flat.TreeCount} trees, {flat.NodeCount} splits)" : $"{ReferenceName} ({reason})";
        // Said aloud by `run` and kept in its manifest: a model that silently predicted tens of times slower
        // (an ML.NET upgrade moving the fields the reader needs) would otherwise only show in `bench`.
        if (flat is null)
            Warning = $"the model predicts through {ReferenceName}, much slower than the flat trees, because {reason}";
        else if (flat.Engine != fastEngine)
            Warning = $"the flat trees are walked, over ten times slower than the row sets, because a feature has more than {ByteBins.MaxCuts} thresholds (or a tree more than {1 << RowSetEvaluator.MaxPlanes} leaves)";
    }

    /// <summary>The plain classifier the fast one is held to.</summary>
    public IPixelClassifier Reference { get; }

    /// <summary>What predicts: the flat trees when they agree with the reference, else the reference.</summary>
    public IPixelClassifier Classifier { get; }

    /// <summary>Which classifier predicts, and why the reference when it is.</summary>
    public string InferencePath { get; }

    /// <summary>How the flat trees find their leaves; null when the reference predicts.</summary>
    public TreeEngine? Engine { get; }

    /// <summary>Why the reference predicts instead of the flat trees; null when they do.</summary>
    public string? FallbackReason { get; }

    /// <summary>Set when the model does not predict by its fast path (row sets for ML.NET's trees, the walk for a forest), saying why.</summary>
    public string? Warning { get; }

    protected abstract string ReferenceName { get; }

    /// <summary>Writes the payload as a zip of its own entries (the card is added by <see cref="ClassifierModel.Save"/>). Same payload, same entry bytes.</summary>
    public abstract void WriteZip(Stream stream);

    /// <summary>
    /// The payload of a model zip: the forest when it holds <see cref="RandomForestFormat.EntryName"/>,
    /// else ML.NET's model. A payload that cannot be read is an <see cref="InvalidInputException"/> naming the file.
    /// </summary>
    public static ModelPayload Read(string path, int width)
    {
        using (var zip = ZipFile.OpenRead(path))
        {
            if (zip.GetEntry(RandomForestFormat.EntryName) is { } entry)
            {
                using var buffer = new MemoryStream();
                try
                {
                    using var s = entry.Open();
                    s.CopyTo(buffer);
                }
                catch (InvalidDataException e) { throw new InvalidInputException($"{RandomForestFormat.EntryName} inside cannot be unpacked ({e.Message})", path, e); }
                buffer.Position = 0;
                var forest = RandomForestFormat.Read(buffer, path);
                if (forest.FeatureCount != width) throw new InvalidInputException($"the forest reads {forest.FeatureCount} features; its card lists {width}", path);
                return new ForestPayload(forest);
            }
        }
        var ml = new MLContext(seed: 0);
        try
        {
            using var stream = File.OpenRead(path);
            return new MlNetPayload(ml, ml.Model.Load(stream, out _), width);
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

/// <summary>An ML.NET pipeline (label mapping, trainer, key-to-class mapping); the flat trees read from it by <see cref="TreeModelReader"/>.</summary>
internal sealed class MlNetPayload : ModelPayload
{
    private readonly MLContext ml;
    private readonly ITransformer transformer;
    private readonly int width;

    public MlNetPayload(MLContext ml, ITransformer transformer, int width)
        : this(ml, transformer, width, new MlNetPixelClassifier(ml, transformer, width)) { }

    private MlNetPayload(MLContext ml, ITransformer transformer, int width, MlNetPixelClassifier reference)
        : base(reference, TreeModelReader.TryRead(transformer, MatrixDataView.Create(ml, [], 0, width).Schema, width, out var reason), reason, TreeEngine.RowSets)
    {
        this.ml = ml;
        this.transformer = transformer;
        this.width = width;
    }

    protected override string ReferenceName => "ML.NET";

    public override void WriteZip(Stream stream) => ml.Model.Save(transformer, MatrixDataView.Create(ml, [], 0, width).Schema, stream);
}

/// <summary>The engine's random forest (<see cref="RandomForest"/>), stored as <see cref="RandomForestFormat"/>; its reference is <see cref="RandomForestVoting"/>.</summary>
internal sealed class ForestPayload(RandomForestModel forest)
    : ModelPayload(new RandomForestVoting(forest), FlatTreeClassifier.Forest(forest.FeatureCount, [.. forest.Trees.Select(t => t.ToFlat())], [.. forest.ClassCodes]), "", TreeEngine.Walk)
{
    public RandomForestModel Forest { get; } = forest;

    protected override string ReferenceName => "reference tree walk";

    public override void WriteZip(Stream stream)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        var entry = zip.CreateEntry(RandomForestFormat.EntryName, CompressionLevel.Optimal);
        entry.LastWriteTime = ClassifierModel.EntryTime;
        using var s = entry.Open();
        RandomForestFormat.Write(Forest, s);
    }
}
