using MiningLulc.Geo;

namespace MiningLulc.Align;

/// <summary>
/// A site's pixel grid: a window of the composite's own grid (same CRS, same pixel size, origin on
/// the composite's pixel corners). Pixel (col, row) has its centre at col + 0.5, row + 0.5.
/// </summary>
public sealed record SiteGrid(int Width, int Height, GeoTransform Transform, string CrsWkt, Window SourceWindow)
{
    /// <summary>
    /// The most pixels one site may span: its class raster and mask are single arrays (one byte per
    /// pixel), which .NET caps at <see cref="Array.MaxLength"/> elements (about 46,000 pixels a side).
    /// A larger site is refused with a clear error (<see cref="SiteAligner.Plan"/>), never overflowed.
    /// </summary>
    public const long MaxPixels = 0x7FFFFFC7; // Array.MaxLength, as a constant

    public int PixelCount => checked(Width * Height);

    /// <summary>The grid of a window of this grid (same CRS and pixels; origin moved to the window).</summary>
    public SiteGrid Sub(Window window) =>
        new(window.Width, window.Height, Transform.Shift(window.ColOff, window.RowOff), CrsWkt,
            new Window(SourceWindow.ColOff + window.ColOff, SourceWindow.RowOff + window.RowOff, window.Width, window.Height));

    /// <summary>Centres of every pixel in metres in the site's UTM zone (row-major), through PROJ.</summary>
    public (double[] X, double[] Y) PixelCentresInMetres(int utmEpsg)
    {
        var x = new double[PixelCount];
        var y = new double[PixelCount];
        for (var r = 0; r < Height; r++)
            for (var c = 0; c < Width; c++)
            {
                var (wx, wy) = Transform.ToWorld(c + 0.5, r + 0.5);
                x[r * Width + c] = wx;
                y[r * Width + c] = wy;
            }
        using var crs = SpatialReference.Parse(CrsWkt);
        using var utm = SpatialReference.FromEpsg(utmEpsg);
        if (crs.IsSame(utm)) return (x, y);
        using var ct = new CoordinateTransform(crs, utm);
        ct.Transform(x, y);
        return (x, y);
    }

    /// <summary>Pixel spacing in metres along columns and rows at the grid centre (geodesic via the local UTM zone).</summary>
    public (double Dx, double Dy) PixelSizeInMetres()
    {
        using var crs = SpatialReference.Parse(CrsWkt);
        if (!crs.IsGeographic) return (Math.Abs(Transform.PixelWidth), Math.Abs(Transform.PixelHeight));
        var (cx, cy) = Transform.ToWorld(Width / 2.0, Height / 2.0);
        using var utm = SpatialReference.FromEpsg(SpatialReference.UtmEpsgFor(cx, cy));
        using var ct = new CoordinateTransform(crs, utm);
        var (x1, y1) = Transform.ToWorld(Width / 2.0 + 1, Height / 2.0);
        var (x2, y2) = Transform.ToWorld(Width / 2.0, Height / 2.0 + 1);
        double[] xs = [cx, x1, x2], ys = [cy, y1, y2];
        ct.Transform(xs, ys);
        return (Math.Sqrt(Sq(xs[1] - xs[0]) + Sq(ys[1] - ys[0])), Math.Sqrt(Sq(xs[2] - xs[0]) + Sq(ys[2] - ys[0])));
        static double Sq(double v) => v * v;
    }
}
