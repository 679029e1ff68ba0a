namespace MiningLulc.Geo;

/// <summary>GDAL pixel types used by the engine (values are GDALDataType codes).</summary>
public enum RasterDataType
{
    Unknown = 0, Byte = 1, UInt16 = 2, Int16 = 3, UInt32 = 4, Int32 = 5, Float32 = 6, Float64 = 7,
}

/// <summary>What a band is: pixel type, description (e.g. "B04") and nodata value, if any.</summary>
public sealed record RasterBandInfo(int Index, RasterDataType DataType, string Description, double? NoData);

/// <summary>
/// Creation metadata of a raster, as data (rasterio's "profile"): pass a dataset's profile back,
/// changed with <c>with { ... }</c>, to create a like-for-like file.
/// </summary>
public sealed record RasterProfile
{
    public required int Width { get; init; }
    public required int Height { get; init; }
    public int BandCount { get; init; } = 1;
    public RasterDataType DataType { get; init; } = RasterDataType.Float32;
    public required GeoTransform Transform { get; init; }
    /// <summary>CRS as WKT (empty for none).</summary>
    public string CrsWkt { get; init; } = "";
    public double? NoData { get; init; }
    /// <summary>Band descriptions, in band order (may be shorter than BandCount).</summary>
    public IReadOnlyList<string> BandDescriptions { get; init; } = [];
    public string Driver { get; init; } = "GTiff";
    /// <summary>GDAL creation options; tiled DEFLATE GeoTIFF by default.</summary>
    public IReadOnlyList<string> CreationOptions { get; init; } = DefaultGTiffOptions;

    public static readonly IReadOnlyList<string> DefaultGTiffOptions = ["TILED=YES", "COMPRESS=DEFLATE", "BLOCKXSIZE=256", "BLOCKYSIZE=256"];
}
