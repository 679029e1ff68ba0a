using MiningLulc.Geo;
using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;

namespace MiningLulc.Catalog;

/// <summary>
/// The site year: floor of the DCM TIME stamp at the site centroid (EPSG:4326); when the centroid
/// has no valid stamp (a void, or outside a concave site), the valid stamp inside the site nearest
/// to the centroid. Reads only the window around one site. A site that may lie on a DCM or TIME tile
/// GDAL cannot open, or whose stamps cannot be read (a truncated tile), gets no year and a reason
/// naming the file: never "no time stamp" for what is a broken file. Not thread-safe.
/// </summary>
public sealed class SiteYearResolver : IDisposable
{
    private readonly RasterDataset? time;
    private readonly double noData;
    private readonly GeoTransform transform;
    private readonly TileSet timeTiles;
    private readonly TileSet? dcmTiles;

    /// <param name="timeFiles">The region's TIME tiles.</param>
    /// <param name="noData">The TIME tiles' nodata value.</param>
    /// <param name="dcmFiles">The region's DCM tiles, to skip the sites on one that cannot be opened (null: not checked).</param>
    public SiteYearResolver(IReadOnlyList<string> timeFiles, double noData, IReadOnlyList<string>? dcmFiles = null)
    {
        if (timeFiles.Count == 0) throw new InvalidInputException("no DCM TIME tiles found");
        timeTiles = TileSet.Open(timeFiles, "DCM TIME");
        dcmTiles = dcmFiles is null ? null : TileSet.Open(dcmFiles, "DCM");
        // The mosaic of the tiles that open; the sites on the others are skipped with the file named.
        if (timeTiles.Readable.Count > 0)
        {
            time = GdalUtils.BuildVrt("", timeTiles.Readable, ["-srcnodata", noData.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            transform = time.Transform;
        }
        this.noData = noData;
    }

    /// <summary>The DCM and TIME tiles GDAL cannot open (each with the reason).</summary>
    public IEnumerable<UnreadableTile> UnreadableTiles => timeTiles.Unreadable.Concat(dcmTiles?.Unreadable ?? []);

    /// <summary>The time stamp (decimal year) for the site, or null with a reason.</summary>
    public (double? Stamp, string? Reason) Resolve(Site site)
    {
        foreach (var tiles in new[] { timeTiles, dcmTiles })
            if (tiles?.NeededBy(site.Geometry) is { } broken) return (null, tiles.SkipReason(broken));
        if (time is null) return (null, "the site lies outside the DCM TIME tiles");
        try
        {
            return ResolveStamp(site);
        }
        catch (InvalidInputException e)
        {
            // A tile that opens but cannot be read here (cut short, damaged): GDAL's message names it.
            return (null, $"the DCM time stamps inside the site cannot be read: {e.Message}");
        }
    }

    private (double? Stamp, string? Reason) ResolveStamp(Site site)
    {
        var time = this.time!;
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

    public void Dispose() => time?.Dispose();
}
