namespace MiningLulc.Geo;

/// <summary>
/// GDAL's affine geotransform: world = origin + col * (PixelWidth, ColRotation...) in GDAL's six-number
/// order. Pixel (col, row) corners are integers; pixel centres are at +0.5.
/// </summary>
public readonly record struct GeoTransform(double OriginX, double PixelWidth, double RowRotation,
                                           double OriginY, double ColumnRotation, double PixelHeight)
{
    public static GeoTransform Identity => new(0, 1, 0, 0, 0, 1);

    /// <summary>A north-up grid: PixelHeight is negative for the usual top-left origin.</summary>
    public static GeoTransform NorthUp(double originX, double originY, double pixelWidth, double pixelHeight) =>
        new(originX, pixelWidth, 0, originY, 0, -Math.Abs(pixelHeight));

    public bool IsNorthUp => RowRotation == 0 && ColumnRotation == 0;

    public double[] ToArray() => [OriginX, PixelWidth, RowRotation, OriginY, ColumnRotation, PixelHeight];

    public static GeoTransform FromArray(ReadOnlySpan<double> a) => new(a[0], a[1], a[2], a[3], a[4], a[5]);

    /// <summary>World coordinates of a pixel-space point (col, row); use +0.5 for centres.</summary>
    public (double X, double Y) ToWorld(double col, double row) =>
        (OriginX + col * PixelWidth + row * RowRotation, OriginY + col * ColumnRotation + row * PixelHeight);

    /// <summary>Pixel-space (col, row) of a world point (fractional).</summary>
    public (double Col, double Row) ToPixel(double x, double y)
    {
        var det = PixelWidth * PixelHeight - RowRotation * ColumnRotation;
        if (det == 0) throw new InvalidOperationException("degenerate geotransform");
        var dx = x - OriginX;
        var dy = y - OriginY;
        return ((dx * PixelHeight - dy * RowRotation) / det, (dy * PixelWidth - dx * ColumnRotation) / det);
    }

    /// <summary>The transform of a window of this grid starting at (col, row).</summary>
    public GeoTransform Shift(int col, int row)
    {
        var (x, y) = ToWorld(col, row);
        return this with { OriginX = x, OriginY = y };
    }
}

/// <summary>A rectangle of pixels: column/row offsets and size. Immutable; sizes are never negative.</summary>
public readonly record struct Window
{
    public Window(int colOff, int rowOff, int width, int height)
    {
        if (width < 0 || height < 0) throw new ArgumentOutOfRangeException(nameof(width), $"window size {width}x{height} is negative");
        ColOff = colOff; RowOff = rowOff; Width = width; Height = height;
    }

    public int ColOff { get; }
    public int RowOff { get; }
    public int Width { get; }
    public int Height { get; }
    public long Area => (long)Width * Height;
    public bool IsEmpty => Width == 0 || Height == 0;

    /// <summary>The overlap of two windows (empty when they do not meet).</summary>
    public Window Intersect(Window other)
    {
        var c0 = Math.Max(ColOff, other.ColOff);
        var r0 = Math.Max(RowOff, other.RowOff);
        var c1 = Math.Min(ColOff + Width, other.ColOff + other.Width);
        var r1 = Math.Min(RowOff + Height, other.RowOff + other.Height);
        return c1 <= c0 || r1 <= r0 ? new Window(c0, r0, 0, 0) : new Window(c0, r0, c1 - c0, r1 - r0);
    }

    /// <summary>Splits into blocks of at most blockWidth x blockHeight, row-major.</summary>
    public IEnumerable<Window> Subdivide(int blockWidth, int blockHeight)
    {
        for (var r = 0; r < Height; r += blockHeight)
            for (var c = 0; c < Width; c += blockWidth)
                yield return new Window(ColOff + c, RowOff + r, Math.Min(blockWidth, Width - c), Math.Min(blockHeight, Height - r));
    }

    public override string ToString() => $"[{ColOff},{RowOff} {Width}x{Height}]";
}
