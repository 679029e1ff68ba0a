using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Microsoft.ML;
using MiningLulc.Trees;

namespace MiningLulc.Model;

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
        reference_ = new Lazy<IPixelClassifier>(reference);
        var reason = unavailable;
        if (flat is not null && !InferenceSelfCheck.Agrees(flat, reference, out reason)) flat = null;
        Classifier = flat ?? reference;
        Engine = flat?.Engine;
        FallbackReason = flat is null ? reason : null;
        InferencePath = flat is not null ? FlatPath(flat) : $"{ReferenceName} ({reason})";
        // Said aloud by `run` and kept in its manifest: a model that silently predicted tens of times slower
        // (an ML.NET upgrade moving the fields the reader needs) would otherwise only show in `bench`.
        if (flat is null)
            Warning = $"the model predicts through {ReferenceName}, much slower than the flat trees, because {reason}";
        else Warning = WalkWarning(flat, fastEngine);
    }

    /// <summary>Flat trees stored by <c>train</c> after they agreed with the reference there: no check again, and the reference is loaded only if asked for.</summary>
    protected ModelPayload(Func<IPixelClassifier> reference, FlatTreeClassifier stored, TreeEngine fastEngine)
    {
        reference_ = new Lazy<IPixelClassifier>(reference);
        Classifier = stored;
        Engine = stored.Engine;
        InferencePath = FlatPath(stored) + ", stored by train";
        Warning = WalkWarning(stored, fastEngine);
    }

    private static string? WalkWarning(FlatTreeClassifier flat, TreeEngine fastEngine) => flat.Engine == fastEngine ? null
        : $"the flat trees are walked, over ten times slower than the row sets, because a feature has more than {ByteBins.MaxCuts} thresholds (or a tree more than {1 << RowSetEvaluator.MaxPlanes} leaves)";

    private readonly Lazy<IPixelClassifier> reference_;

    private static string FlatPath(FlatTreeClassifier flat) => $"flat trees ({flat.Engine}; {flat.TreeCount} trees, {flat.NodeCount} splits)";

    /// <summary>The plain classifier the fast one is held to.</summary>
    public IPixelClassifier Reference => reference_.Value;

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
            if (zip.GetEntry(FlatTreeFormat.EntryName) is { } stored)
            {
                using var buffer = Unpacked(stored, path);
                byte[] digest;
                try { digest = MlNetDigest(zip); }
                catch (InvalidDataException e) { throw new InvalidInputException($"the ML.NET model inside cannot be unpacked ({e.Message})", path, e); }
                return new StoredTreesPayload(path, FlatTreeFormat.Read(buffer, path, width, digest), width);
            }
            if (zip.GetEntry(RandomForestFormat.EntryName) is { } entry)
            {
                using var buffer = Unpacked(entry, path);
                var forest = RandomForestFormat.Read(buffer, path);
                if (forest.FeatureCount != width) throw new InvalidInputException($"the forest reads {forest.FeatureCount} features; its card lists {width}", path);
                return new ForestPayload(forest);
            }
        }
        return LoadMlNet(path, width);
    }

    /// <summary>The ML.NET pipeline of a model zip (its card and any stored trees are ignored by ML.NET).</summary>
    internal static MlNetPayload LoadMlNet(string path, int width)
    {
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

    /// <summary>SHA-256 over ML.NET's entries of a model zip (name and content, by name; the card and the stored trees left out).</summary>
    internal static byte[] MlNetDigest(ZipArchive zip)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        AppendEntries(hash, zip.Entries.Where(e => e.FullName is not (ClassifierModel.CardEntry or FlatTreeFormat.EntryName)));
        return hash.GetHashAndReset();
    }

    /// <summary>Adds entries to a hash by name and content, in name order, so that zip timestamps and entry order do not count.</summary>
    internal static void AppendEntries(IncrementalHash hash, IEnumerable<ZipArchiveEntry> entries)
    {
        var chunk = new byte[81920];
        foreach (var entry in entries.OrderBy(e => e.FullName, StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(entry.FullName + "\n"));
            using var content = entry.Open();
            int read;
            while ((read = content.Read(chunk)) > 0) hash.AppendData(chunk.AsSpan(0, read));
        }
    }

    /// <summary>An entry's content in memory; a damaged deflate stream is an <see cref="InvalidInputException"/> naming the file.</summary>
    private static MemoryStream Unpacked(ZipArchiveEntry entry, string path)
    {
        var buffer = new MemoryStream();
        try
        {
            using var s = entry.Open();
            s.CopyTo(buffer);
        }
        catch (InvalidDataException e)
        {
            buffer.Dispose();
            throw new InvalidInputException($"{entry.FullName} inside cannot be unpacked ({e.Message})", path, e);
        }
        buffer.Position = 0;
        return buffer;
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

    /// <summary>ML.NET's entries, and the flat trees when they passed the self-check (so <c>run</c> need not load ML.NET).</summary>
    public override void WriteZip(Stream stream)
    {
        ml.Model.Save(transformer, MatrixDataView.Create(ml, [], 0, width).Schema, stream);
        if (Classifier is not FlatTreeClassifier flat) return;
        stream.Position = 0;
        using var zip = new ZipArchive(stream, ZipArchiveMode.Update, leaveOpen: true);
        var digest = MlNetDigest(zip);
        var entry = zip.CreateEntry(FlatTreeFormat.EntryName, CompressionLevel.Optimal);
        entry.LastWriteTime = ClassifierModel.EntryTime;
        using var s = entry.Open();
        FlatTreeFormat.Write(flat, digest, s);
    }
}

/// <summary>
/// A model zip whose flat trees <c>train</c> stored (<see cref="FlatTreeFormat"/>): it predicts with
/// them at once; ML.NET's pipeline in the same zip is loaded only when the reference is asked for.
/// </summary>
internal sealed class StoredTreesPayload(string path, FlatTreeClassifier stored, int width)
    : ModelPayload(() => LoadMlNet(path, width).Reference, stored, TreeEngine.RowSets)
{
    private readonly byte[] zipBytes = File.ReadAllBytes(path);

    protected override string ReferenceName => "ML.NET";

    /// <summary>The zip's own payload entries, copied (the card is added by <see cref="ClassifierModel.Save"/>): the same content <see cref="MlNetPayload"/> wrote.</summary>
    public override void WriteZip(Stream stream)
    {
        using var source = new ZipArchive(new MemoryStream(zipBytes), ZipArchiveMode.Read);
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var e in source.Entries)
        {
            if (e.FullName == ClassifierModel.CardEntry) continue;
            var copy = zip.CreateEntry(e.FullName, CompressionLevel.Optimal);
            copy.LastWriteTime = e.LastWriteTime;
            using var from = e.Open();
            using var to = copy.Open();
            from.CopyTo(to);
        }
    }
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
