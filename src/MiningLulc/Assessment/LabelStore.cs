using Microsoft.Win32.SafeHandles;
using MiningLulc.Geo;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace MiningLulc.Assessment;

/// <summary>What the cell count keeps in memory per polygon: its envelope (EPSG:4326), class, year and where its geometry lies in the spill file.</summary>
internal readonly record struct StoredLabel(double MinX, double MinY, double MaxX, double MaxY, byte Class, int Year, long Offset, int Length)
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
    private readonly List<StoredLabel> labels = [];
    private readonly WKBWriter writer = new(ByteOrder.LittleEndian, false, false, false);
    private byte[] buffer = new byte[BufferBytes];
    private int buffered;
    private long written;

    public LabelStore()
    {
        var path = Path.Combine(Path.GetTempPath(), $"mining-lulc-assess-{Environment.ProcessId}-{Guid.NewGuid():N}.wkb");
        file = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.DeleteOnClose);
    }

    public int Count => labels.Count;

    public StoredLabel this[int index] => labels[index];

    /// <summary>Stores a polygon (EPSG:4326) and returns its index.</summary>
    public int Add(Geometry geometry, LulcClass cls, int? year)
    {
        var bytes = writer.Write(geometry);
        if (buffered + bytes.Length > buffer.Length) Flush();
        if (bytes.Length > buffer.Length) RandomAccess.Write(file, bytes, written);
        else { bytes.CopyTo(buffer, buffered); buffered += bytes.Length; }
        var e = geometry.EnvelopeInternal;
        labels.Add(new StoredLabel(e.MinX, e.MinY, e.MaxX, e.MaxY, (byte)cls, year ?? int.MinValue, written, bytes.Length));
        written += bytes.Length;
        return labels.Count - 1;
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
        var l = labels[index];
        if (scratch.Length < l.Length) scratch = new byte[Math.Max(l.Length, scratch.Length * 2)];
        var span = scratch.AsSpan(0, l.Length);
        var n = RandomAccess.Read(file, span, l.Offset);
        if (n != l.Length) throw new IOException($"short read from the assessment's temporary file ({n} of {l.Length} bytes)");
        using var stream = new MemoryStream(scratch, 0, l.Length, writable: false);
        return reader.Read(stream);
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
