using Microsoft.Win32.SafeHandles;
using MiningLulc.Geo;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace MiningLulc.Assessment;

/// <summary>What the cell count keeps in memory per polygon: its envelope (EPSG:4326), class, year and where its geometry lies in the spill file.</summary>
internal readonly record struct StoredLabel(double MinX, double MinY, double MaxX, double MaxY, byte Class, int Year, long Offset, int Length, double Confidence = double.NaN)
{
    public Envelope Envelope => new(MinX, MaxX, MinY, MaxY);
    public bool HasYear => Year != int.MinValue;
}

/// <summary>
/// Polygons streamed once from the label files into a temporary file of WKB (deleted on dispose),
/// with a compact index in memory (about 60 bytes per polygon), so that windows can read back the
/// geometries they need without the label sets being held in memory. Reads are thread-safe once
/// <see cref="Seal"/> was called; adding is single-threaded.
/// </summary>
internal sealed class LabelStore : IDisposable
{
    private const int BufferBytes = 1 << 20;
    private readonly SafeFileHandle file;
    private const int ChunkBits = 12;
    // In chunks: no doubling copy of the whole index while it grows.
    private readonly List<StoredLabel[]> chunks = [];
    private int count;
    private readonly WKBWriter writer = new(ByteOrder.LittleEndian, false, false, false);
    private byte[] buffer = new byte[BufferBytes];
    private int buffered;
    private long written;

    public LabelStore()
    {
        var path = Path.Combine(Path.GetTempPath(), $"mining-lulc-assess-{Environment.ProcessId}-{Guid.NewGuid():N}.wkb");
        file = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.DeleteOnClose);
    }

    public int Count => count;

    public StoredLabel this[int index] => chunks[index >> ChunkBits][index & ((1 << ChunkBits) - 1)];

    /// <summary>Stores a polygon (EPSG:4326) and returns its index.</summary>
    public int Add(Geometry geometry, LulcClass cls, int? year, double confidence = double.NaN)
    {
        var e = geometry.EnvelopeInternal;
        return Add(writer.Write(geometry), cls, year, e.MinX, e.MinY, e.MaxX, e.MaxY, confidence);
    }

    /// <summary>Whether some polygon carries a confidence (predictions of <c>run --confidence</c>).</summary>
    public bool HasConfidence { get; private set; }

    /// <summary>Stores a polygon given as little-endian WKB (EPSG:4326) with its envelope, and returns its index.</summary>
    public int Add(ReadOnlySpan<byte> wkb, LulcClass cls, int? year, double minX, double minY, double maxX, double maxY, double confidence = double.NaN)
    {
        if (!double.IsNaN(confidence)) HasConfidence = true;
        if (buffered + wkb.Length > buffer.Length) Flush();
        if (wkb.Length > buffer.Length) RandomAccess.Write(file, wkb, written);
        else { wkb.CopyTo(buffer.AsSpan(buffered)); buffered += wkb.Length; }
        if ((count & ((1 << ChunkBits) - 1)) == 0) chunks.Add(new StoredLabel[1 << ChunkBits]);
        chunks[^1][count & ((1 << ChunkBits) - 1)] = new StoredLabel(minX, minY, maxX, maxY, (byte)cls, year ?? int.MinValue, written, wkb.Length, confidence);
        written += wkb.Length;
        return count++;
    }

    /// <summary>Ends adding: the rest of the buffer goes to the file.</summary>
    public void Seal()
    {
        Flush();
        buffer = [];
    }

    /// <summary>The geometry of polygon <paramref name="index"/> (a new instance per call); <paramref name="scratch"/> is grown as needed.</summary>
    public Geometry Read(int index, WKBReader reader, ref byte[] scratch)
    {
        var l = this[index];
        if (scratch.Length < l.Length) scratch = new byte[Math.Max(l.Length, scratch.Length * 2)];
        ReadWkb(index, scratch.AsSpan(0, l.Length));
        using var stream = new MemoryStream(scratch, 0, l.Length, writable: false);
        return reader.Read(stream);
    }

    /// <summary>Reads the WKB of polygon <paramref name="index"/> into <paramref name="destination"/> (exactly its length).</summary>
    public void ReadWkb(int index, Span<byte> destination)
    {
        var l = this[index];
        if (destination.Length != l.Length) throw new ArgumentException($"buffer of {destination.Length} bytes for a geometry of {l.Length}");
        var n = RandomAccess.Read(file, destination, l.Offset);
        if (n != l.Length) throw new IOException($"short read from the assessment's temporary file ({n} of {l.Length} bytes)");
    }

    /// <summary>A WKB reader for EPSG:4326 geometries (one per thread).</summary>
    public static WKBReader NewReader() => new(GeometryOps.Wgs84Factory.GeometryServices);

    private void Flush()
    {
        if (buffered == 0) return;
        RandomAccess.Write(file, buffer.AsSpan(0, buffered), written - buffered);
        buffered = 0;
    }

    public void Dispose() => file.Dispose();
}
