namespace MiningLulc.Smooth;

/// <summary>
/// Pixel-centre coordinates in metres (e.g. UTM easting/northing) for every cell of a
/// <see cref="Width"/> x <see cref="Height"/> grid, stored row-major: cell (row, col) is index
/// <c>row * Width + col</c>.
/// </summary>
/// <remarks>
/// Only the coordinates of classified cells are ever read by <see cref="MajorityFilter"/>, and they
/// must be finite; the others may be anything, including <see cref="double.NaN"/>.
/// The arrays are referenced, not copied (a site grid can be large): do not modify them while the
/// grid is in use. Reading a grid from several threads at once is safe.
/// </remarks>
public sealed class MetricGrid
{
    private readonly double[] _x;
    private readonly double[] _y;

    /// <param name="width">Number of columns, at least 1.</param>
    /// <param name="height">Number of rows, at least 1.</param>
    /// <param name="x">Easting of each pixel centre in metres, row-major, length <c>width * height</c>.</param>
    /// <param name="y">Northing of each pixel centre in metres, row-major, length <c>width * height</c>.</param>
    public MetricGrid(int width, int height, double[] x, double[] y)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        long count = (long)width * height;
        if (count > Array.MaxLength)
            throw new ArgumentException($"A {width} x {height} grid is too large.");
        if (x.Length != count || y.Length != count)
            throw new ArgumentException(
                $"x and y must have width * height = {count} elements (got {x.Length} and {y.Length}).");
        Width = width;
        Height = height;
        _x = x;
        _y = y;
    }

    /// <summary>Number of columns.</summary>
    public int Width { get; }

    /// <summary>Number of rows.</summary>
    public int Height { get; }

    /// <summary>Number of cells, <c>Width * Height</c>.</summary>
    public int Count => Width * Height;

    /// <summary>Easting of each pixel centre in metres, row-major.</summary>
    public ReadOnlySpan<double> X => _x;

    /// <summary>Northing of each pixel centre in metres, row-major.</summary>
    public ReadOnlySpan<double> Y => _y;

    // Array access for the filter's hot loops (avoids re-slicing spans per pixel).
    internal double[] XArray => _x;
    internal double[] YArray => _y;
}
