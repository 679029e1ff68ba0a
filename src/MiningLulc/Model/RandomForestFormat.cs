using System.Text;

namespace MiningLulc.Model;

/// <summary>
/// The forest as the model zip stores it (entry <see cref="EntryName"/>): little-endian binary,
/// documented in docs/random-forest.md.
/// <code>
/// "MLRF"                     4 bytes, magic
/// version                    int32 (this writer: 1)
/// feature count p            int32
/// class count K              int32
/// class codes                K bytes, ascending (class index i votes for code[i])
/// tree count T               int32
/// per tree:
///   split count S            int32
///   feature                  S x int32    (0 .. p-1)
///   threshold                S x float32  (x &lt;= t goes left)
///   NaN goes left            S x byte     (0 or 1)
///   left child, right child  S x int32 each (>= 0: a split; &lt; 0: ~leaf)
///   leaf class               (S + 1) x byte (class index)
/// </code>
/// Version history: 1 — first format.
/// Writing the same forest gives the same bytes; reading checks every count, index and child.
/// </summary>
public static class RandomForestFormat
{
    public const string EntryName = "forest.bin";
    public const int CurrentVersion = 1;
    private static readonly byte[] Magic = "MLRF"u8.ToArray();

    public static void Write(RandomForestModel forest, Stream stream)
    {
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(CurrentVersion);
        w.Write(forest.FeatureCount);
        w.Write(forest.ClassCodes.Count);
        foreach (var code in forest.ClassCodes) w.Write(code);
        w.Write(forest.Trees.Count);
        foreach (var t in forest.Trees)
        {
            w.Write(t.SplitCount);
            foreach (var f in t.Feature) w.Write(f);
            foreach (var x in t.Threshold) w.Write(x);
            foreach (var b in t.NanLeft) w.Write(b ? (byte)1 : (byte)0);
            foreach (var c in t.Left) w.Write(c);
            foreach (var c in t.Right) w.Write(c);
            w.Write(t.LeafClass);
        }
    }

    /// <summary>Reads a forest; anything malformed is an <see cref="InvalidInputException"/> naming <paramref name="source"/>.</summary>
    public static RandomForestModel Read(Stream stream, string source)
    {
        try
        {
            using var r = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
            if (!r.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic)) throw Bad("not a forest (no MLRF header)");
            var version = r.ReadInt32();
            if (version is < 1 or > CurrentVersion) throw Bad($"forest format {version} is not one this engine reads (1..{CurrentVersion})");
            var features = r.ReadInt32();
            var classCount = r.ReadInt32();
            if (features is < 1 or > 1 << 16 || classCount is < 1 or > byte.MaxValue) throw Bad($"implausible forest header ({features} features, {classCount} classes)");
            var codes = r.ReadBytes(classCount);
            // No count may promise more entries than bytes are left (a corrupt count must not allocate gigabytes).
            var limit = stream.CanSeek ? stream.Length : int.MaxValue;
            var treeCount = r.ReadInt32();
            if (treeCount is < 1 or > 1 << 20) throw Bad($"implausible tree count {treeCount}");
            var trees = new RandomForestTree[treeCount];
            for (var t = 0; t < treeCount; t++)
            {
                var splits = r.ReadInt32();
                if (splits < 0 || splits > limit) throw Bad($"tree {t}: implausible split count {splits}");
                var feature = ReadInts(r, splits);
                var threshold = new float[splits];
                for (var n = 0; n < splits; n++) threshold[n] = r.ReadSingle();
                var nanLeft = r.ReadBytes(splits).Select(b => b != 0).ToArray();
                var left = ReadInts(r, splits);
                var right = ReadInts(r, splits);
                var leafClass = r.ReadBytes(splits + 1);
                if (leafClass.Length != splits + 1) throw new EndOfStreamException();
                trees[t] = new RandomForestTree(feature, threshold, nanLeft, left, right, leafClass);
            }
            if (stream.CanSeek && stream.Position != stream.Length) throw Bad("bytes after the last tree");
            return new RandomForestModel(features, codes, trees);
        }
        catch (EndOfStreamException e) { throw new InvalidInputException("forest truncated", source, e); }
        catch (ArgumentException e) { throw new InvalidInputException($"malformed forest ({e.Message})", source, e); }

        InvalidInputException Bad(string message) => new(message, source);
    }

    private static int[] ReadInts(BinaryReader r, int count)
    {
        var values = new int[count];
        for (var i = 0; i < count; i++) values[i] = r.ReadInt32();
        return values;
    }
}
