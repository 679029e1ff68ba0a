using MiningLulc.Geo;
using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;

namespace MiningLulc.Catalog;

/// <summary>
/// The site year: floor of the DCM TIME stamp at the site centroid (EPSG:4326); when the centroid
/// has no valid stamp (a void, or outside a concave site), the valid stamp inside the site nearest
/// to the centroid. Reads only the window around one site. Not thread-safe.
/// </summary>
public sealed class SiteYearResolver : IDisposable
{
    private readonly RasterDataset time;
    private readonly double noData;
    private readonly GeoTransform transform;

    public SiteYearResolver(IReadOnlyList<string> timeFiles, double noData)
    {
        if (timeFiles.Count == 0) throw new InvalidInputException("no DCM TIME tiles found");
        time = GdalUtils.BuildVrt("", timeFiles, ["-srcnodata", noData.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        this.noData = noData;
        transform = time.Transform;
    }

    /// <summary>The time stamp (decimal year) for the site, or null with a reason.</summary>
    public (double? Stamp, string? Reason) Resolve(Site site)
    {
        var centroid = site.Geometry.Centroid;
        var (cc, cr) = transform.ToPixel(centroid.X, centroid.Y);
        var col = (int)Math.Floor(cc);
        var row = (int)Math.Floor(cr);
        if (col >= 0 && row >= 0 && col < time.Width && row < time.Height && site.Geometry.Contains(centroid))
        {
            Span<float> one = stackalloc float[1];
            time.Read(1, new Window(col, row, 1, 1), one);
            if (IsValid(one[0])) return (one[0], null);
        }
        // Fallback: nearest valid stamp among the pixels whose centre lies inside the site.
        var env = site.Geometry.EnvelopeInternal;
        var (c0, r0) = transform.ToPixel(env.MinX, env.MaxY);
        var (c1, r1) = transform.ToPixel(env.MaxX, env.MinY);
        var window = new Window((int)Math.Floor(Math.Min(c0, c1)), (int)Math.Floor(Math.Min(r0, r1)), 0, 0);
        window = new Window(window.ColOff, window.RowOff,
            (int)Math.Ceiling(Math.Max(c0, c1)) - window.ColOff + 1, (int)Math.Ceiling(Math.Max(r0, r1)) - window.RowOff + 1)
            .Intersect(time.FullWindow);
        if (window.IsEmpty) return (null, "the site lies outside the DCM TIME tiles");
        var values = new float[window.Area];
        time.Read(1, window, values.AsSpan());
        var locator = new IndexedPointInAreaLocator(site.Geometry);
        double best = double.PositiveInfinity;
        double? stamp = null;
        for (var r = 0; r < window.Height; r++)
        {
            for (var c = 0; c < window.Width; c++)
            {
                var v = values[r * window.Width + c];
                if (!IsValid(v)) continue;
                var (x, y) = transform.ToWorld(window.ColOff + c + 0.5, window.RowOff + r + 0.5);
                if (locator.Locate(new Coordinate(x, y)) == Location.Exterior) continue;
                var d = (x - centroid.X) * (x - centroid.X) + (y - centroid.Y) * (y - centroid.Y);
                if (d < best) { best = d; stamp = v; }
            }
        }
        return stamp is null ? (null, "no valid DCM time stamp inside the site") : (stamp, null);
    }

    private bool IsValid(float v) => float.IsFinite(v) && v != noData && v > 1900;

    public void Dispose() => time.Dispose();
}
