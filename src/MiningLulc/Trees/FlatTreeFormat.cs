using System.Text;

namespace MiningLulc.Trees;

/// <summary>
/// The flat trees of an ML.NET model as <c>train</c> read and checked them, stored beside ML.NET's
/// own entries in the model zip (<see cref="EntryName"/>), so that <c>run</c> predicts without
/// loading ML.NET: its load, the reflection into its private fields and the JIT of some 2,000 of
/// its methods took about half a second of every run's start. Little-endian binary:
/// <c>"MLFT"</c>, format version, the digest of ML.NET's entries the trees were read from (so a
/// zip whose ML.NET part was changed or damaged since is refused, not silently run), width, score
/// formula, the class codes, each class's first tree, the Platt slopes and offsets, then each
/// tree's arrays (<see cref="FlatTree"/>).
/// </summary>
internal static class FlatTreeFormat
{
    public const string EntryName = "flat-trees.bin";

    private const int Version = 1;
    private static readonly byte[] Magic = "MLFT"u8.ToArray();

    /// <summary>Bytes of the digest of the ML.NET entries (SHA-256).</summary>
    public const int DigestLength = 32;

    public static void Write(FlatTreeClassifier flat, byte[] payloadDigest, Stream stream)
    {
        if (payloadDigest.Length != DigestLength) throw new ArgumentException("a SHA-256 digest expected", nameof(payloadDigest));
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(Version);
        w.Write(payloadDigest);
        w.Write(flat.Width);
        w.Write((int)flat.Formula);
        WriteArray(w, flat.ClassCodes, w.Write);
        WriteArray(w, flat.ClassTreeStart, w.Write);
        WriteArray(w, flat.PlattSlope, w.Write);
        WriteArray(w, flat.PlattOffset, w.Write);
        w.Write(flat.Trees.Count);
        foreach (var t in flat.Trees)
        {
            WriteArray(w, t.Feature, w.Write);
            WriteArray(w, t.Threshold, w.Write);
            WriteArray(w, t.NanLeft, w.Write);
            WriteArray(w, t.Left, w.Write);
            WriteArray(w, t.Right, w.Write);
            WriteArray(w, t.Leaves, w.Write);
        }
    }

    /// <summary>
    /// The classifier stored in <paramref name="stream"/>, held to <paramref name="payloadDigest"/> (the
    /// digest of the zip's ML.NET entries now); anything malformed or not matching is an
    /// <see cref="InvalidInputException"/> naming <paramref name="path"/>.
    /// </summary>
    public static FlatTreeClassifier Read(Stream stream, string path, int width, byte[] payloadDigest)
    {
        try
        {
            using var r = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
            if (!r.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic)) throw Bad("not a flat-tree file");
            var version = r.ReadInt32();
            if (version != Version) throw Bad($"format {version}, this engine reads {Version}");
            if (!r.ReadBytes(DigestLength).AsSpan().SequenceEqual(payloadDigest))
                throw new InvalidInputException("the ML.NET model inside was changed or damaged after training (it no longer matches the trees train stored): train it again", path);
            var storedWidth = r.ReadInt32();
            if (storedWidth != width) throw Bad($"the trees read {storedWidth} features; the card lists {width}");
            var formula = (ScoreFormula)r.ReadInt32();
            if (!Enum.IsDefined(formula)) throw Bad($"unknown score formula {(int)formula}");
            var classCodes = ReadArray(r, r.ReadByte);
            var classTreeStart = ReadArray(r, r.ReadInt32);
            var plattSlope = ReadArray(r, r.ReadDouble);
            var plattOffset = ReadArray(r, r.ReadDouble);
            var count = ReadCount(r);
            var trees = new FlatTree[count];
            for (var i = 0; i < count; i++)
                trees[i] = new FlatTree(ReadArray(r, r.ReadInt32), ReadArray(r, r.ReadSingle), ReadArray(r, r.ReadBoolean),
                    ReadArray(r, r.ReadInt32), ReadArray(r, r.ReadInt32), ReadArray(r, r.ReadDouble));
            if (stream.ReadByte() != -1) throw Bad("bytes after the last tree");
            // The constructor checks the layout and every tree (a walk always ends).
            return new FlatTreeClassifier(width, trees, classTreeStart, formula, plattSlope, plattOffset, classCodes);
        }
        catch (Exception e) when (e is EndOfStreamException or ArgumentException or InvalidDataException)
        {
            throw Bad($"damaged ({e.Message})", e);
        }

        InvalidInputException Bad(string why, Exception? inner = null) => new($"{EntryName} inside: {why}", path, inner);
    }

    private static void WriteArray<T>(BinaryWriter w, IReadOnlyList<T> values, Action<T> write)
    {
        w.Write(values.Count);
        foreach (var v in values) write(v);
    }

    private static T[] ReadArray<T>(BinaryReader r, Func<T> read)
    {
        var values = new T[ReadCount(r)];
        for (var i = 0; i < values.Length; i++) values[i] = read();
        return values;
    }

    /// <summary>A length, checked against what the stream can still hold (a damaged count must not allocate gigabytes).</summary>
    private static int ReadCount(BinaryReader r)
    {
        var n = r.ReadInt32();
        if (n < 0 || (r.BaseStream.CanSeek && n > r.BaseStream.Length - r.BaseStream.Position)) throw new InvalidDataException($"a count of {n}");
        return n;
    }
}
