using System.Globalization;
using MiningLulc.Geo;

namespace MiningLulc.Align;

/// <summary>
/// Warps a raster onto a site grid through GDAL: the DCM (bilinear), its time stamps (nearest) and
/// composite bands stored at another resolution (20 m bands onto the 10 m grid). Missing values come
/// out as NaN, never averaged into their neighbours (GDAL honours the source nodata).
/// </summary>
internal static class GridWarp
{
    /// <summary>An in-memory Float32 raster with the grid's size, transform and CRS, every band of <paramref name="source"/> warped onto it.</summary>
    /// <param name="errorPixels">Largest position error allowed, in source pixels (<see cref="AlignSettings.WarpErrorPixels"/>; 0 = exact).</param>
    public static RasterDataset Onto(SiteGrid grid, RasterDataset source, string resampling, double? sourceNoData, double errorPixels)
    {
        var (x0, y0) = grid.Transform.ToWorld(0, 0);
        var (x1, y1) = grid.Transform.ToWorld(grid.Width, grid.Height);
        var inv = CultureInfo.InvariantCulture;
        var args = new List<string>
        {
            "-of", "MEM", "-t_srs", grid.CrsWkt,
            "-te", Math.Min(x0, x1).ToString("R", inv), Math.Min(y0, y1).ToString("R", inv), Math.Max(x0, x1).ToString("R", inv), Math.Max(y0, y1).ToString("R", inv),
            "-ts", grid.Width.ToString(inv), grid.Height.ToString(inv),
            // -et 0 (the DCM's default, align.warp_error_pixels): exact per-pixel transformation (GDAL's own 0.125 px approximation would bias dh on slopes).
            "-r", resampling, "-ot", "Float32", "-et", errorPixels.ToString("R", inv), "-dstnodata", "nan",
        };
        if (sourceNoData is double nd) args.AddRange(["-srcnodata", nd.ToString("R", inv)]);
        return GdalUtils.Warp("", [source], args);
    }

    /// <summary>
    /// One band of <see cref="Onto"/> as a plane; values equal to <paramref name="sourceNoData"/> become
    /// NaN too. Written into <paramref name="plane"/> when given (its first <see cref="SiteGrid.PixelCount"/> values).
    /// </summary>
    public static float[] Plane(SiteGrid grid, RasterDataset source, string resampling, double? sourceNoData, double errorPixels, float[]? plane = null)
    {
        using var warped = Onto(grid, source, resampling, sourceNoData, errorPixels);
        var n = grid.PixelCount;
        plane ??= new float[n];
        var values = plane.AsSpan(0, n);
        warped.Read(1, new Window(0, 0, grid.Width, grid.Height), values);
        if (sourceNoData is double nd)
        {
            var f = (float)nd;
            for (var i = 0; i < values.Length; i++) if (values[i] == f) values[i] = float.NaN;
        }
        return plane;
    }
}
