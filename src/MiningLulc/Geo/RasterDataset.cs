using System.Runtime.InteropServices;
using MiningLulc.Geo.Native;

namespace MiningLulc.Geo;

/// <summary>
/// An open GDAL raster. <see cref="Open"/> any GDAL path (GeoTIFF, COG, VRT, <c>/vsizip/...</c>);
/// <see cref="Create"/> a new one from a <see cref="RasterProfile"/>. Reads and writes go through
/// windows into caller-supplied spans, so memory is bounded by the window. Band indices are 1-based
/// as in GDAL. Not thread-safe: open one instance per worker.
/// </summary>
public sealed unsafe class RasterDataset : IDisposable
{
    private const uint OfRaster = 0x02, OfUpdate = 0x01, OfVerboseError = 0x40;
    private readonly DatasetHandle handle;

    private RasterDataset(IntPtr handle, string path)
    {
        this.handle = new DatasetHandle(handle);
        Path = path;
    }

    /// <summary>The path the dataset was opened or created with ("" for in-memory ones).</summary>
    public string Path { get; }

    /// <summary>Opens a raster read-only (or for update). Throws <see cref="InvalidInputException"/> naming the file when GDAL cannot open it.</summary>
    public static RasterDataset Open(string path, bool update = false)
    {
        Gdal.Initialize();
        if (!path.StartsWith("/vsi", StringComparison.Ordinal) && !File.Exists(path))
            throw new InvalidInputException("file not found", path);
        Gdal.ResetError();
        var h = GdalApi.GDALOpenEx(path, OfRaster | OfVerboseError | (update ? OfUpdate : 0), IntPtr.Zero, IntPtr.Zero, IntPtr.Zero);
        if (h == IntPtr.Zero) throw Gdal.ReadError($"not a readable raster ({Gdal.LastError("unknown format")})", path);
        return new RasterDataset(h, path);
    }

    /// <summary>Creates a raster file (written to a temporary name is the caller's business).</summary>
    public static RasterDataset Create(string path, RasterProfile profile)
    {
        Gdal.Initialize();
        var driver = Gdal.CheckHandle(GdalApi.GDALGetDriverByName(profile.Driver), $"GDAL driver {profile.Driver}", path);
        using var options = new Utf8StringList(profile.CreationOptions);
        Gdal.ResetError();
        var h = GdalApi.GDALCreate(driver, path, profile.Width, profile.Height, profile.BandCount, (int)profile.DataType, options.Pointer);
        var ds = new RasterDataset(Gdal.CheckWriteHandle(h, "create raster", path), path);
        ds.SetTransform(profile.Transform);
        if (!string.IsNullOrEmpty(profile.CrsWkt)) Gdal.CheckWrite(GdalApi.GDALSetProjection(h, profile.CrsWkt), "set CRS", path);
        for (var b = 1; b <= profile.BandCount; b++)
        {
            var band = ds.Band(b);
            if (profile.NoData is double nd) Gdal.CheckWrite(GdalApi.GDALSetRasterNoDataValue(band, nd), "set nodata", path);
            if (b <= profile.BandDescriptions.Count) GdalApi.GDALSetDescription(band, profile.BandDescriptions[b - 1]);
        }
        return ds;
    }

    /// <summary>An in-memory raster (GDAL's MEM driver), e.g. a warp target or a polygonize source.</summary>
    public static RasterDataset CreateInMemory(RasterProfile profile) =>
        Create("", profile with { Driver = "MEM", CreationOptions = [] });

    internal static RasterDataset Adopt(IntPtr h, string path) => new(h, path);

    internal IntPtr Handle => !handle.IsClosed ? handle.DangerousGetHandle() : throw new ObjectDisposedException(Path);

    public int Width => GdalApi.GDALGetRasterXSize(Handle);
    public int Height => GdalApi.GDALGetRasterYSize(Handle);
    public int BandCount => GdalApi.GDALGetRasterCount(Handle);
    public Window FullWindow => new(0, 0, Width, Height);

    public string DriverName => GdalApi.Str(GdalApi.GDALGetDriverShortName(GdalApi.GDALGetDatasetDriver(Handle))) ?? "";

    /// <summary>The geotransform; GDAL's identity transform when the file has none.</summary>
    public GeoTransform Transform
    {
        get
        {
            var t = stackalloc double[6];
            GdalApi.GDALGetGeoTransform(Handle, t);
            return GeoTransform.FromArray(new ReadOnlySpan<double>(t, 6));
        }
    }

    public bool HasTransform
    {
        get { var t = stackalloc double[6]; return GdalApi.GDALGetGeoTransform(Handle, t) == 0; }
    }

    public void SetTransform(GeoTransform transform)
    {
        var t = stackalloc double[6];
        transform.ToArray().CopyTo(new Span<double>(t, 6));
        Gdal.CheckWrite(GdalApi.GDALSetGeoTransform(Handle, t), "set geotransform", Path);
    }

    /// <summary>The CRS as WKT ("" when the file has none).</summary>
    public string CrsWkt => GdalApi.Str(GdalApi.GDALGetProjectionRef(Handle)) ?? "";

    /// <summary>The CRS; throws <see cref="InvalidInputException"/> naming the file when there is none.</summary>
    public SpatialReference Crs() => SpatialReference.Parse(CrsWkt, Path);

    public RasterBandInfo BandInfo(int band)
    {
        var h = Band(band);
        int ok;
        var nd = GdalApi.GDALGetRasterNoDataValue(h, &ok);
        return new RasterBandInfo(band, (RasterDataType)GdalApi.GDALGetRasterDataType(h),
            GdalApi.Str(GdalApi.GDALGetDescription(h)) ?? "", ok != 0 ? nd : null);
    }

    public IReadOnlyList<RasterBandInfo> Bands => Enumerable.Range(1, BandCount).Select(BandInfo).ToList();

    /// <summary>The dataset's profile (to create a like-for-like raster with <c>with { ... }</c>).</summary>
    public RasterProfile Profile => new()
    {
        Width = Width,
        Height = Height,
        BandCount = BandCount,
        DataType = BandCount > 0 ? BandInfo(1).DataType : RasterDataType.Byte,
        Transform = Transform,
        CrsWkt = CrsWkt,
        NoData = BandCount > 0 ? BandInfo(1).NoData : null,
        BandDescriptions = Bands.Select(b => b.Description).ToList(),
    };

    public void SetBandDescription(int band, string description) => GdalApi.GDALSetDescription(Band(band), description);

    /// <summary>
    /// Gives a Byte band a palette (index = value) and category names, so GIS software shows classes
    /// with their colours and names; values past the palette stay transparent.
    /// </summary>
    public void SetPalette(int band, IReadOnlyList<(byte R, byte G, byte B, byte A)> colours, IReadOnlyList<string> names)
    {
        var h = Band(band);
        var table = GdalApi.GDALCreateColorTable(1); // GPI_RGB
        try
        {
            Span<short> entry = stackalloc short[4];
            for (var i = 0; i < colours.Count; i++)
            {
                var (r, g, b, a) = colours[i];
                entry[0] = r; entry[1] = g; entry[2] = b; entry[3] = a;
                fixed (short* p = entry) GdalApi.GDALSetColorEntry(table, i, p);
            }
            Gdal.ResetError();
            Gdal.CheckWrite(GdalApi.GDALSetRasterColorTable(h, table), "set colour table", Path);
        }
        finally { GdalApi.GDALDestroyColorTable(table); }
        using var list = new Utf8StringList(names);
        Gdal.CheckWrite(GdalApi.GDALSetRasterCategoryNames(h, list.Pointer), "set category names", Path);
    }

    /// <summary>A band's palette (RGBA per index), empty when it has none.</summary>
    public IReadOnlyList<(byte R, byte G, byte B, byte A)> Palette(int band)
    {
        var table = GdalApi.GDALGetRasterColorTable(Band(band));
        if (table == IntPtr.Zero) return [];
        var result = new List<(byte, byte, byte, byte)>();
        for (var i = 0; i < GdalApi.GDALGetColorEntryCount(table); i++)
        {
            var e = GdalApi.GDALGetColorEntry(table, i);
            result.Add(((byte)e[0], (byte)e[1], (byte)e[2], (byte)e[3]));
        }
        return result;
    }

    public void SetNoData(int band, double value) => Gdal.CheckWrite(GdalApi.GDALSetRasterNoDataValue(Band(band), value), "set nodata", Path);

    /// <summary>Reads a window of one band into <paramref name="destination"/> (row-major, window-sized), converting to T.</summary>
    public void Read<T>(int band, Window window, Span<T> destination) where T : unmanaged
        => Io(band, window, MemoryMarshal.AsBytes(destination), destination.Length, TypeOf<T>(), write: false);

    /// <summary>Writes a window of one band from <paramref name="source"/> (row-major, window-sized).</summary>
    public void Write<T>(int band, Window window, ReadOnlySpan<T> source) where T : unmanaged
        => Io(band, window, MemoryMarshal.AsBytes(source), source.Length, TypeOf<T>(), write: true);

    private void Io(int band, Window window, ReadOnlySpan<byte> buffer, int length, RasterDataType type, bool write)
    {
        if (length < window.Area) throw new ArgumentException($"buffer of {length} values is smaller than window {window}");
        if (window.IsEmpty) return;
        if (window.ColOff < 0 || window.RowOff < 0 || window.ColOff + window.Width > Width || window.RowOff + window.Height > Height)
            throw new ArgumentOutOfRangeException(nameof(window), $"window {window} is outside the {Width}x{Height} raster {Path}");
        var h = Band(band);
        Gdal.ResetError();
        fixed (byte* p = buffer)
        {
            var err = GdalApi.GDALRasterIO(h, write ? 1 : 0, window.ColOff, window.RowOff, window.Width, window.Height,
                p, window.Width, window.Height, (int)type, 0, 0);
            if (err == 0) return;
            var message = $"{(write ? "writing" : "reading")} band {band} window {window} failed: {Gdal.LastError("I/O error")}";
            // Reading a file (or a VRT over files) that fails is the input's fault; an in-memory raster's, the engine's.
            throw write ? Gdal.WriteError(message, Path) : DriverName == "MEM" ? new GdalException(message, Path) : Gdal.ReadError(message, Path);
        }
    }

    public (int Width, int Height) BlockSize(int band)
    {
        int x, y;
        GdalApi.GDALGetBlockSize(Band(band), &x, &y);
        return (x, y);
    }

    internal IntPtr Band(int index)
    {
        if (index < 1 || index > BandCount) throw new ArgumentOutOfRangeException(nameof(index), $"band {index} does not exist in {Path} ({BandCount} bands)");
        return GdalApi.GDALGetRasterBand(Handle, index);
    }

    internal static RasterDataType TypeOf<T>() where T : unmanaged =>
        typeof(T) == typeof(float) ? RasterDataType.Float32
        : typeof(T) == typeof(double) ? RasterDataType.Float64
        : typeof(T) == typeof(byte) ? RasterDataType.Byte
        : typeof(T) == typeof(ushort) ? RasterDataType.UInt16
        : typeof(T) == typeof(short) ? RasterDataType.Int16
        : typeof(T) == typeof(int) ? RasterDataType.Int32
        : typeof(T) == typeof(uint) ? RasterDataType.UInt32
        : throw new NotSupportedException($"no GDAL type for {typeof(T)}");

    /// <summary>
    /// Closes the dataset, which flushes it, and throws an <see cref="OutputWriteException"/> when GDAL
    /// reported an error while doing so (disk full): GDALClose returns nothing before GDAL 3.7, so the
    /// error state is read after it. Call it before renaming a written file into place. Dispose after
    /// Close does nothing.
    /// </summary>
    public void Close()
    {
        if (handle.IsClosed) return;
        Gdal.ResetError();
        handle.Dispose();
        if (GdalApi.CPLGetLastErrorType() >= 3) throw Gdal.WriteError($"closing failed: {Gdal.LastError("error while flushing")}", Path);
    }

    public void Dispose() => handle.Dispose();

    public override string ToString() => $"{Path} ({Width}x{Height}x{BandCount})";
}
