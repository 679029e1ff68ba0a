using System.Runtime.InteropServices;
using MiningLulc.Geo.Native;

namespace MiningLulc.Geo;

/// <summary>
/// A coordinate reference system (OGRSpatialReference). Axis order is always the traditional GIS
/// order (x = easting/longitude, y = northing/latitude), whatever the authority says, so that
/// coordinates never silently swap. Not thread-safe; cheap to create per worker.
/// </summary>
public sealed class SpatialReference : SafeHandle
{
    private SpatialReference(IntPtr handle) : base(IntPtr.Zero, true)
    {
        SetHandle(handle);
        GdalApi.OSRSetAxisMappingStrategy(handle, 0); // OAMS_TRADITIONAL_GIS_ORDER
    }

    public override bool IsInvalid => handle == IntPtr.Zero;
    protected override bool ReleaseHandle() { GdalApi.OSRRelease(handle); return true; }

    /// <summary>EPSG:4326, WGS 84 longitude/latitude.</summary>
    public static SpatialReference Wgs84() => FromEpsg(4326);

    public static SpatialReference FromEpsg(int code)
    {
        Gdal.Initialize();
        var h = Gdal.CheckHandle(GdalApi.OSRNewSpatialReference(null), "OSRNewSpatialReference", null);
        var srs = new SpatialReference(h);
        Gdal.ResetError();
        Gdal.Check(GdalApi.OSRImportFromEPSG(h, code), $"EPSG:{code} lookup", null);
        GdalApi.OSRSetAxisMappingStrategy(h, 0);
        return srs;
    }

    /// <summary>From WKT, PROJ strings, "EPSG:n" or anything OSRSetFromUserInput accepts.</summary>
    public static SpatialReference Parse(string definition, string? path = null)
    {
        Gdal.Initialize();
        if (string.IsNullOrWhiteSpace(definition)) throw new InvalidInputException("has no coordinate reference system", path);
        var h = Gdal.CheckHandle(GdalApi.OSRNewSpatialReference(null), "OSRNewSpatialReference", path);
        var srs = new SpatialReference(h);
        Gdal.ResetError();
        if (GdalApi.OSRSetFromUserInput(h, definition) != 0)
        {
            srs.Dispose();
            throw new InvalidInputException($"unreadable coordinate reference system: {Gdal.LastError(definition)}", path);
        }
        GdalApi.OSRSetAxisMappingStrategy(h, 0);
        return srs;
    }

    /// <summary>A copy that owns its handle (for a layer's borrowed SRS).</summary>
    internal static SpatialReference CloneFrom(IntPtr borrowed)
    {
        Gdal.Initialize();
        return new SpatialReference(Gdal.CheckHandle(GdalApi.OSRClone(borrowed), "OSRClone", null));
    }

    /// <summary>UTM zone of a longitude/latitude: EPSG 326zz north of the equator, 327zz south.</summary>
    public static int UtmEpsgFor(double longitude, double latitude)
    {
        var zone = (int)Math.Floor((longitude + 180) / 6) + 1;
        zone = Math.Clamp(zone, 1, 60);
        return (latitude >= 0 ? 32600 : 32700) + zone;
    }

    public bool IsGeographic => GdalApi.OSRIsGeographic(handle) != 0;

    /// <summary>The EPSG code when GDAL can identify one, else null.</summary>
    public int? Epsg
    {
        get
        {
            var code = GdalApi.Str(GdalApi.OSRGetAuthorityCode(handle, null));
            var name = GdalApi.Str(GdalApi.OSRGetAuthorityName(handle, null));
            if (code is null)
            {
                // GeoTIFF-read CRS often lack the top-level authority: ask GDAL to identify it on a clone.
                using var copy = CloneFrom(handle);
                if (GdalApi.OSRAutoIdentifyEPSG(copy.handle) == 0)
                {
                    code = GdalApi.Str(GdalApi.OSRGetAuthorityCode(copy.handle, null));
                    name = GdalApi.Str(GdalApi.OSRGetAuthorityName(copy.handle, null));
                }
            }
            return name == "EPSG" && int.TryParse(code, out var c) ? c : null;
        }
    }

    public unsafe string ToWkt()
    {
        IntPtr p;
        Gdal.Check(GdalApi.OSRExportToWkt(handle, &p), "OSRExportToWkt", null);
        try { return GdalApi.Str(p) ?? ""; }
        finally { GdalApi.VSIFree(p); }
    }

    public bool IsSame(SpatialReference other) => GdalApi.OSRIsSame(handle, other.handle) != 0;

    public override string ToString() => Epsg is int c ? $"EPSG:{c}" : "custom CRS";

    internal IntPtr Handle => handle;
}

/// <summary>
/// Transforms coordinates between two CRS through PROJ (OCTTransform), in place, in bulk.
/// Not thread-safe: one instance per worker.
/// </summary>
public sealed unsafe class CoordinateTransform : SafeHandle
{
    public CoordinateTransform(SpatialReference source, SpatialReference target) : base(IntPtr.Zero, true)
    {
        Gdal.Initialize();
        Gdal.ResetError();
        // The CRSs come from the inputs (a layer's, a composite's): one PROJ cannot link is the input's fault.
        var h = GdalApi.OCTNewCoordinateTransformation(source.Handle, target.Handle);
        if (h == IntPtr.Zero) throw Gdal.ReadError($"no coordinate transformation from {source} to {target}: {Gdal.LastError("PROJ knows none")}", null);
        SetHandle(h);
        Source = source.ToString();
        Target = target.ToString();
    }

    private string Source { get; }
    private string Target { get; }

    public override bool IsInvalid => handle == IntPtr.Zero;
    protected override bool ReleaseHandle() { GdalApi.OCTDestroyCoordinateTransformation(handle); return true; }

    /// <summary>Transforms x/y in place. Throws when PROJ cannot transform some point.</summary>
    public void Transform(Span<double> x, Span<double> y)
    {
        if (x.Length != y.Length) throw new ArgumentException("x and y differ in length");
        if (x.Length == 0) return;
        Gdal.ResetError();
        fixed (double* px = x, py = y)
        {
            if (GdalApi.OCTTransform(handle, x.Length, px, py, null) == 0)
                throw new GdalException($"coordinate transformation {Source} -> {Target} failed: {Gdal.LastError("point outside the CRS's domain")}");
        }
    }

    public (double X, double Y) Transform(double x, double y)
    {
        Span<double> xs = [x], ys = [y];
        Transform(xs, ys);
        return (xs[0], ys[0]);
    }
}
