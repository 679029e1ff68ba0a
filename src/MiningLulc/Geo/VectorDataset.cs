using MiningLulc.Geo.Native;
using NetTopologySuite.Geometries;

namespace MiningLulc.Geo;

/// <summary>OGR field types the engine writes and reads (values are OGRFieldType codes).</summary>
public enum FieldType { Integer = 0, Real = 2, String = 4, Integer64 = 12 }

/// <summary>A field of a layer: name and type.</summary>
public sealed record FieldInfo(string Name, FieldType Type, int RawType);

/// <summary>One feature read from a layer: its FID, attribute values by field name, and geometry (null when none).</summary>
public sealed record VectorFeature(long Fid, IReadOnlyDictionary<string, object?> Attributes, Geometry? Geometry)
{
    /// <summary>Why the feature has no <see cref="Geometry"/> although the file holds one (unreadable WKB, a type that cannot be read); null when it was read or there is none.</summary>
    public string? GeometryError { get; init; }

    public long? GetInt64(string field) => Attributes.TryGetValue(field, out var v) && v is not null ? Convert.ToInt64(v) : null;
    public double? GetDouble(string field) => Attributes.TryGetValue(field, out var v) && v is not null ? Convert.ToDouble(v) : null;
    public string? GetString(string field) => Attributes.TryGetValue(field, out var v) ? v?.ToString() : null;
}

/// <summary>
/// An open OGR vector source (GeoPackage, Shapefile, GeoJSON, <c>/vsizip/</c>, ...), or a new
/// GeoPackage. Layers are borrowed from the dataset and live as long as it. Not thread-safe.
/// </summary>
public sealed unsafe class VectorDataset : IDisposable
{
    private const uint OfVector = 0x04, OfUpdate = 0x01, OfVerboseError = 0x40;
    private readonly DatasetHandle handle;

    private VectorDataset(IntPtr handle, string path) { this.handle = new DatasetHandle(handle); Path = path; }

    public string Path { get; }

    internal IntPtr Handle => !handle.IsClosed ? handle.DangerousGetHandle() : throw new ObjectDisposedException(Path);

    public static VectorDataset Open(string path, bool update = false)
    {
        Gdal.Initialize();
        if (!path.StartsWith("/vsi", StringComparison.Ordinal) && !File.Exists(path) && !Directory.Exists(path))
            throw new InvalidInputException("file not found", path);
        Gdal.ResetError();
        var h = GdalApi.GDALOpenEx(path, OfVector | OfVerboseError | (update ? OfUpdate : 0), IntPtr.Zero, IntPtr.Zero, IntPtr.Zero);
        if (h == IntPtr.Zero) throw Gdal.ReadError($"not a readable vector dataset ({Gdal.LastError("unknown format")})", path);
        return new VectorDataset(h, path);
    }

    /// <summary>Creates a new vector file with the given OGR driver ("GPKG" by default), or in memory with "Memory".</summary>
    public static VectorDataset Create(string path, string driver = "GPKG", IEnumerable<string>? options = null)
    {
        Gdal.Initialize();
        var d = Gdal.CheckHandle(GdalApi.GDALGetDriverByName(driver), $"GDAL driver {driver}", path);
        using var opts = new Utf8StringList(options);
        Gdal.ResetError();
        var h = GdalApi.GDALCreate(d, path, 0, 0, 0, 0, opts.Pointer);
        return new VectorDataset(Gdal.CheckWriteHandle(h, "create vector dataset", path), path);
    }

    public int LayerCount => GdalApi.GDALDatasetGetLayerCount(Handle);

    public VectorLayer Layer(int index)
    {
        if (index < 0 || index >= LayerCount) throw new InvalidInputException($"has no layer {index} ({LayerCount} layers)", Path);
        return new VectorLayer(this, GdalApi.GDALDatasetGetLayer(Handle, index));
    }

    public IEnumerable<VectorLayer> Layers => Enumerable.Range(0, LayerCount).Select(Layer);

    /// <summary>Creates a layer; geometryType is an OGRwkbGeometryType (6 = MultiPolygon, 3 = Polygon).</summary>
    public VectorLayer CreateLayer(string name, SpatialReference? srs, int geometryType, IEnumerable<string>? options = null)
    {
        using var opts = new Utf8StringList(options);
        Gdal.ResetError();
        var h = GdalApi.GDALDatasetCreateLayer(Handle, name, srs?.Handle ?? IntPtr.Zero, geometryType, opts.Pointer);
        return new VectorLayer(this, Gdal.CheckWriteHandle(h, $"create layer {name}", Path));
    }

    /// <summary>Runs <paramref name="body"/> in one transaction: committed when it returns, rolled back when it throws.</summary>
    public void InTransaction(Action body)
    {
        Gdal.ResetError();
        Gdal.CheckWrite(GdalApi.GDALDatasetStartTransaction(Handle, 0), "start transaction", Path);
        try { body(); }
        catch { GdalApi.GDALDatasetRollbackTransaction(Handle); throw; }
        Gdal.ResetError();
        Gdal.CheckWrite(GdalApi.GDALDatasetCommitTransaction(Handle), "commit transaction", Path);
    }

    /// <summary>
    /// Closes the dataset, which flushes it to disk, and throws when GDAL reported an error while
    /// doing so (disk full, a network file system): GDALClose returns nothing before GDAL 3.7, so the
    /// error state is read after it. A caller that renames the file into place afterwards never
    /// publishes an incomplete file. Dispose after Close does nothing.
    /// </summary>
    public void Close()
    {
        if (handle.IsClosed) return;
        Gdal.ResetError();
        handle.Dispose();
        if (GdalApi.CPLGetLastErrorType() >= 3) throw Gdal.WriteError($"closing failed: {Gdal.LastError("error while flushing")}", Path);
    }

    public void Dispose() => handle.Dispose();
}

/// <summary>A layer of a <see cref="VectorDataset"/> (borrowed: valid while the dataset is open).</summary>
public sealed unsafe class VectorLayer
{
    private readonly VectorDataset owner;
    private readonly IntPtr handle;

    internal VectorLayer(VectorDataset owner, IntPtr handle) { this.owner = owner; this.handle = handle; }

    internal IntPtr Handle { get { _ = owner.Handle; return handle; } }

    public string Name => GdalApi.Str(GdalApi.OGR_L_GetName(Handle)) ?? "";
    public string FidColumn => GdalApi.Str(GdalApi.OGR_L_GetFIDColumn(Handle)) ?? "";
    public string GeometryColumn => GdalApi.Str(GdalApi.OGR_L_GetGeometryColumn(Handle)) ?? "";
    public int GeometryType => GdalApi.OGR_L_GetGeomType(Handle);
    public long FeatureCount => GdalApi.OGR_L_GetFeatureCount(Handle, 1);

    /// <summary>The layer's CRS, or null when it declares none.</summary>
    public SpatialReference? Crs()
    {
        var h = GdalApi.OGR_L_GetSpatialRef(Handle);
        return h == IntPtr.Zero ? null : SpatialReference.CloneFrom(h);
    }

    public IReadOnlyList<FieldInfo> Fields
    {
        get
        {
            var defn = GdalApi.OGR_L_GetLayerDefn(Handle);
            var n = GdalApi.OGR_FD_GetFieldCount(defn);
            var list = new List<FieldInfo>(n);
            for (var i = 0; i < n; i++)
            {
                var f = GdalApi.OGR_FD_GetFieldDefn(defn, i);
                var raw = GdalApi.OGR_Fld_GetType(f);
                list.Add(new FieldInfo(GdalApi.Str(GdalApi.OGR_Fld_GetNameRef(f)) ?? "", Enum.IsDefined(typeof(FieldType), raw) ? (FieldType)raw : FieldType.String, raw));
            }
            return list;
        }
    }

    public void CreateField(string name, FieldType type)
    {
        var f = GdalApi.OGR_Fld_Create(name, (int)type);
        try { Gdal.ResetError(); Gdal.CheckWrite(GdalApi.OGR_L_CreateField(Handle, f, 1), $"create field {name}", owner.Path); }
        finally { GdalApi.OGR_Fld_Destroy(f); }
    }

    /// <summary>Reads every feature (attributes by name, geometry into NTS with <paramref name="factory"/>).</summary>
    public IEnumerable<VectorFeature> Features(GeometryFactory factory)
    {
        var fields = Fields;
        GdalApi.OGR_L_ResetReading(Handle);
        while (true)
        {
            Gdal.ResetError();
            var f = GdalApi.OGR_L_GetNextFeature(Handle);
            if (f == IntPtr.Zero)
            {
                var err = GdalApi.CPLGetLastErrorType();
                if (err >= 3)
                {
                    var message = $"reading layer {Name} failed: {Gdal.LastError("read error")}";
                    throw Gdal.IsInMemory(owner.Path) ? new GdalException(message, owner.Path) : Gdal.ReadError(message, owner.Path);
                }
                yield break;
            }
            // OGR returns a feature whose geometry blob it cannot parse with a NULL geometry and an error set.
            var geometryError = GdalApi.CPLGetLastErrorType() >= 3 ? Gdal.LastError("unreadable geometry") : null;
            VectorFeature feature;
            try
            {
                var values = new Dictionary<string, object?>(fields.Count, StringComparer.OrdinalIgnoreCase);
                for (var i = 0; i < fields.Count; i++)
                {
                    if (GdalApi.OGR_F_IsFieldSetAndNotNull(f, i) == 0) { values[fields[i].Name] = null; continue; }
                    values[fields[i].Name] = fields[i].RawType switch
                    {
                        0 or 12 => GdalApi.OGR_F_GetFieldAsInteger64(f, i),
                        2 => GdalApi.OGR_F_GetFieldAsDouble(f, i),
                        _ => GdalApi.Str(GdalApi.OGR_F_GetFieldAsString(f, i)),
                    };
                }
                Geometry? geometry;
                var ogr = GdalApi.OGR_F_GetGeometryRef(f);
                try { geometry = OgrGeometry.ToNts(ogr, factory); }
                catch (Exception e) when (e is not OutOfMemoryException) { geometry = null; geometryError = $"{e.GetType().Name}: {e.Message}"; }
                if (ogr != IntPtr.Zero && geometry is not null) geometryError = null; // the error was about something else
                feature = new VectorFeature(GdalApi.OGR_F_GetFID(f), values, geometry) { GeometryError = geometryError };
            }
            finally { GdalApi.OGR_F_Destroy(f); }
            yield return feature;
        }
    }

    /// <summary>Writes one feature: FID (or -1 to let the driver assign), attribute values by field index, and geometry.</summary>
    public void Write(long fid, ReadOnlySpan<object?> values, Geometry? geometry)
    {
        var defn = GdalApi.OGR_L_GetLayerDefn(Handle);
        var f = GdalApi.OGR_F_Create(defn);
        try
        {
            if (fid >= 0) GdalApi.OGR_F_SetFID(f, fid);
            for (var i = 0; i < values.Length; i++)
            {
                switch (values[i])
                {
                    case null: break;
                    case long l: GdalApi.OGR_F_SetFieldInteger64(f, i, l); break;
                    case int n: GdalApi.OGR_F_SetFieldInteger64(f, i, n); break;
                    case double d: GdalApi.OGR_F_SetFieldDouble(f, i, d); break;
                    case string s: GdalApi.OGR_F_SetFieldString(f, i, s); break;
                    default: throw new ArgumentException($"unsupported field value {values[i]!.GetType()}");
                }
            }
            if (geometry is not null) GdalApi.OGR_F_SetGeometryDirectly(f, OgrGeometry.FromNts(geometry));
            Gdal.ResetError();
            Gdal.CheckWrite(GdalApi.OGR_L_CreateFeature(Handle, f), $"write feature to {Name}", owner.Path);
        }
        finally { GdalApi.OGR_F_Destroy(f); }
    }
}
