using System.Globalization;
using MiningLulc.Align;
using MiningLulc.Geo;

namespace MiningLulc.Vectorize;

/// <summary>
/// The optional per-site rasters beside the GeoPackages (docs/output-schema.md, extras; `run --rasters`):
/// the class raster as a Cloud-Optimized GeoTIFF on the site's own grid (Byte, class codes 1..7,
/// 0 = not classified, with the class colours and names as its palette) and a quicklook PNG of it.
/// Both are written to temporary names and renamed when complete.
/// </summary>
public static class SiteRasterWriter
{
    /// <summary>Quicklooks are enlarged (nearest) until they are at least this wide, so small sites can be seen.</summary>
    public const int MinQuicklookWidth = 256;

    public static string Folder(string outDirectory) => Path.Combine(outDirectory, "rasters");

    public static string ClassRasterPath(string outDirectory, string region, long siteId) =>
        Path.Combine(Folder(outDirectory), $"{region}_site-{siteId.ToString(CultureInfo.InvariantCulture)}_classes.tif");

    public static string ConfidenceRasterPath(string outDirectory, string region, long siteId) =>
        Path.Combine(Folder(outDirectory), $"{region}_site-{siteId.ToString(CultureInfo.InvariantCulture)}_confidence.tif");

    public static string QuicklookPath(string outDirectory, string region, long siteId) =>
        Path.ChangeExtension(ClassRasterPath(outDirectory, region, siteId), ".png");

    /// <summary>Writes both files for one site; returns the class raster's path.</summary>
    public static string Write(string outDirectory, string region, long siteId, byte[] classes, SiteGrid grid)
    {
        if (classes.Length != grid.PixelCount) throw new ArgumentException($"{classes.Length} classes for a {grid.Width}x{grid.Height} grid");
        Directory.CreateDirectory(Folder(outDirectory));
        using var mem = RasterDataset.CreateInMemory(OnGrid(grid, RasterDataType.Byte, noData: 0));
        mem.Write(1, mem.FullWindow, classes.AsSpan());
        mem.SetBandDescription(1, "class");
        var colours = new List<(byte, byte, byte, byte)> { (0, 0, 0, 0) };
        colours.AddRange(LulcClasses.Colours.Select(c => (c.R, c.G, c.B, (byte)255)));
        mem.SetPalette(1, colours, ["not classified", .. LulcClasses.Names]);

        var tif = ClassRasterPath(outDirectory, region, siteId);
        var png = QuicklookPath(outDirectory, region, siteId);
        Replace(tif, tmp => GdalUtils.Translate(tmp, mem, ["-of", "COG", "-co", "COMPRESS=DEFLATE", "-co", "OVERVIEW_RESAMPLING=NEAREST"]).Close());
        var scale = Math.Max(1, (int)Math.Ceiling((double)MinQuicklookWidth / grid.Width));
        Replace(png, tmp => GdalUtils.Translate(tmp, mem, ["-of", "PNG", "-r", "nearest",
            "-outsize", (grid.Width * scale).ToString(CultureInfo.InvariantCulture), (grid.Height * scale).ToString(CultureInfo.InvariantCulture)]).Close());
        return tif;
    }

    /// <summary>
    /// Writes a site's confidence raster beside its class raster (<c>run --rasters --confidence</c>): a
    /// COG on the same grid, Float32, per pixel the probability of the class in the class raster
    /// (after smoothing), nodata NaN where the class raster is 0. Returns its path.
    /// </summary>
    public static string WriteConfidence(string outDirectory, string region, long siteId, float[] confidence, SiteGrid grid)
    {
        if (confidence.Length != grid.PixelCount) throw new ArgumentException($"{confidence.Length} values for a {grid.Width}x{grid.Height} grid");
        Directory.CreateDirectory(Folder(outDirectory));
        using var mem = RasterDataset.CreateInMemory(OnGrid(grid, RasterDataType.Float32, noData: double.NaN));
        mem.Write(1, mem.FullWindow, confidence.AsSpan());
        mem.SetBandDescription(1, "confidence");
        var tif = ConfidenceRasterPath(outDirectory, region, siteId);
        Replace(tif, tmp => GdalUtils.Translate(tmp, mem, ["-of", "COG", "-co", "COMPRESS=DEFLATE", "-co", "PREDICTOR=YES", "-co", "OVERVIEW_RESAMPLING=AVERAGE"]).Close());
        return tif;
    }

    private static void Replace(string path, Action<string> write)
    {
        var tmp = Path.Combine(Path.GetDirectoryName(path)!, "." + Path.GetFileNameWithoutExtension(path) + ".tmp" + Path.GetExtension(path));
        try
        {
            write(tmp); // closes the file: a failed flush throws before the rename
            File.Move(tmp, path, overwrite: true);
        }
        catch (Exception e)
        {
            AtomicFile.TryDelete(tmp);
            AtomicFile.TryDelete(tmp + ".aux.xml");
            if (e is IOException or UnauthorizedAccessException) throw AtomicFile.Failed(path, e);
            throw;
        }
        var aux = tmp + ".aux.xml"; // GDAL's sidecar for what a PNG cannot hold (georeferencing), kept beside the PNG
        if (File.Exists(aux)) File.Move(aux, path + ".aux.xml", overwrite: true);
    }

    /// <summary>An in-memory raster's profile on a site's grid.</summary>
    private static RasterProfile OnGrid(SiteGrid grid, RasterDataType type, double noData) => new()
    {
        Width = grid.Width,
        Height = grid.Height,
        DataType = type,
        Transform = grid.Transform,
        CrsWkt = grid.CrsWkt,
        NoData = noData,
    };
}
