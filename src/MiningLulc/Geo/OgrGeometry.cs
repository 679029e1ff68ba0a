using MiningLulc.Geo.Native;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace MiningLulc.Geo;

/// <summary>Moves geometries between GDAL/OGR and NetTopologySuite through WKB.</summary>
internal static unsafe class OgrGeometry
{
    /// <summary>Reads a borrowed OGR geometry into NTS; null for a NULL geometry.</summary>
    public static Geometry? ToNts(IntPtr ogrGeometry, GeometryFactory factory)
    {
        if (ogrGeometry == IntPtr.Zero) return null;
        var size = GdalApi.OGR_G_WkbSize(ogrGeometry);
        var bytes = new byte[size];
        fixed (byte* p = bytes) Gdal.Check(GdalApi.OGR_G_ExportToIsoWkb(ogrGeometry, 1, p), "export WKB", null);
        return new WKBReader(factory.GeometryServices).Read(bytes);
    }

    /// <summary>A new OGR geometry owned by the caller (destroy it, or hand it to OGR_F_SetGeometryDirectly).</summary>
    public static IntPtr FromNts(Geometry geometry, IntPtr srs = default)
    {
        var bytes = new WKBWriter(ByteOrder.LittleEndian, false, false, false).Write(geometry);
        return FromWkb(bytes, srs);
    }

    /// <summary>A new OGR geometry from WKB, owned by the caller.</summary>
    public static IntPtr FromWkb(ReadOnlySpan<byte> wkb, IntPtr srs = default)
    {
        IntPtr h;
        fixed (byte* p = wkb) Gdal.Check(GdalApi.OGR_G_CreateFromWkb(p, srs, &h, wkb.Length), "create geometry from WKB", null);
        return h;
    }
}
