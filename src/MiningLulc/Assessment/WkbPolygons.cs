using System.Buffers.Binary;

namespace MiningLulc.Assessment;

/// <summary>
/// Envelope and ellipsoidal area (<see cref="EllipsoidArea"/>) of a Polygon or MultiPolygon read
/// straight from ISO WKB (little-endian; XY, XYZ, XYM or XYZM), without building a geometry.
/// Anything else (other types, big-endian, truncated input) is declined, for the caller to take
/// the general path.
/// </summary>
internal static class WkbPolygons
{
    /// <summary>
    /// Measures <paramref name="wkb"/>; false when it is not a little-endian Polygon/MultiPolygon.
    /// An empty geometry measures true with <paramref name="points"/> = 0.
    /// </summary>
    public static bool TryMeasure(ReadOnlySpan<byte> wkb, out double minX, out double minY, out double maxX, out double maxY, out double area, out int points)
    {
        minX = minY = double.PositiveInfinity;
        maxX = maxY = double.NegativeInfinity;
        area = 0;
        points = 0;
        var pos = 0;
        if (!Header(wkb, ref pos, out var type, out var stride)) return false;
        var m = new Measure { MinX = minX, MinY = minY, MaxX = maxX, MaxY = maxY };
        var ok = type switch
        {
            3 => Polygon(wkb, ref pos, stride, ref m),
            6 => MultiPolygon(wkb, ref pos, ref m),
            _ => false,
        };
        if (!ok || pos != wkb.Length) return false;
        (minX, minY, maxX, maxY, area, points) = (m.MinX, m.MinY, m.MaxX, m.MaxY, m.Area, m.Points);
        return true;
    }

    /// <summary>Appends the (x, y) of every point of a little-endian Polygon/MultiPolygon WKB to <paramref name="into"/>; false (and nothing reliable appended) for other input.</summary>
    public static bool Points(ReadOnlySpan<byte> wkb, List<(double X, double Y)> into)
    {
        var pos = 0;
        if (!Header(wkb, ref pos, out var type, out var stride)) return false;
        var polygons = 1u;
        if (type == 6)
        {
            if (wkb.Length < pos + 4) return false;
            polygons = BinaryPrimitives.ReadUInt32LittleEndian(wkb[pos..]);
            pos += 4;
        }
        else if (type != 3) return false;
        for (var p = 0u; p < polygons; p++)
        {
            if (type == 6 && (!Header(wkb, ref pos, out var inner, out stride) || inner != 3)) return false;
            if (wkb.Length < pos + 4) return false;
            var rings = BinaryPrimitives.ReadUInt32LittleEndian(wkb[pos..]);
            pos += 4;
            for (var r = 0u; r < rings; r++)
            {
                if (wkb.Length < pos + 4) return false;
                var n = (int)BinaryPrimitives.ReadUInt32LittleEndian(wkb[pos..]);
                pos += 4;
                if (n < 0 || (long)n * stride > wkb.Length - pos) return false;
                for (var i = 0; i < n; i++, pos += stride)
                    into.Add((BinaryPrimitives.ReadDoubleLittleEndian(wkb[pos..]), BinaryPrimitives.ReadDoubleLittleEndian(wkb[(pos + 8)..])));
            }
        }
        return pos == wkb.Length;
    }

    private struct Measure
    {
        public double MinX, MinY, MaxX, MaxY, Area;
        public int Points;
    }

    private static bool Header(ReadOnlySpan<byte> wkb, ref int pos, out uint type, out int stride)
    {
        type = 0;
        stride = 0;
        if (wkb.Length < pos + 5 || wkb[pos] != 1) return false;
        var code = BinaryPrimitives.ReadUInt32LittleEndian(wkb[(pos + 1)..]);
        pos += 5;
        type = code % 1000;
        stride = (code / 1000) switch { 0 => 16, 1 or 2 => 24, 3 => 32, _ => 0 };
        return stride > 0;
    }

    private static bool MultiPolygon(ReadOnlySpan<byte> wkb, ref int pos, ref Measure m)
    {
        if (wkb.Length < pos + 4) return false;
        var n = BinaryPrimitives.ReadUInt32LittleEndian(wkb[pos..]);
        pos += 4;
        for (var i = 0u; i < n; i++)
        {
            if (!Header(wkb, ref pos, out var type, out var stride) || type != 3) return false;
            if (!Polygon(wkb, ref pos, stride, ref m)) return false;
        }
        return true;
    }

    private static bool Polygon(ReadOnlySpan<byte> wkb, ref int pos, int stride, ref Measure m)
    {
        if (wkb.Length < pos + 4) return false;
        var rings = BinaryPrimitives.ReadUInt32LittleEndian(wkb[pos..]);
        pos += 4;
        double area = 0;
        for (var r = 0u; r < rings; r++)
        {
            if (wkb.Length < pos + 4) return false;
            var n = (int)BinaryPrimitives.ReadUInt32LittleEndian(wkb[pos..]);
            pos += 4;
            if (n < 0 || (long)n * stride > wkb.Length - pos) return false;
            var ring = wkb.Slice(pos, n * stride);
            pos += n * stride;
            for (var i = 0; i < n; i++)
            {
                var x = BinaryPrimitives.ReadDoubleLittleEndian(ring[(i * stride)..]);
                var y = BinaryPrimitives.ReadDoubleLittleEndian(ring[(i * stride + 8)..]);
                if (x < m.MinX) m.MinX = x;
                if (x > m.MaxX) m.MaxX = x;
                if (y < m.MinY) m.MinY = y;
                if (y > m.MaxY) m.MaxY = y;
            }
            m.Points += n;
            var a = Math.Abs(EllipsoidArea.OfRing(ring, n, stride));
            area += r == 0 ? a : -a;
        }
        m.Area += Math.Max(area, 0);
        return true;
    }
}
