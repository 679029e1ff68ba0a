using MiningLulc.Align;
using MiningLulc.Geo;
using MiningLulc.Smooth;

namespace MiningLulc.Smooth;

/// <summary>
/// The optional majority filter between classification and vectorization (docs/published-method.md):
/// pixel centres go to metres in the site's UTM zone — the zone of the mean longitude/latitude of
/// the classified pixels' centres, straight from the grid CRS through PROJ — and every classified
/// pixel takes the majority class of its k nearest classified pixels.
/// </summary>
public static class SmoothStage
{
    /// <param name="transforms">The worker's grid-to-EPSG:4326 transformations, made once per grid CRS (null: made for this call).</param>
    public static byte[] Apply(byte[] classes, SiteGrid grid, SmoothSettings settings, GridTransforms? transforms = null)
    {
        if (!settings.Enabled) return classes;
        var utm = UtmZoneOfClassifiedPixels(classes, grid, transforms);
        if (utm is null) return classes;
        var (x, y) = grid.PixelCentresInMetres(utm.Value);
        var output = new byte[classes.Length];
        MajorityFilter.Apply(classes, new MetricGrid(grid.Width, grid.Height, x, y), output, settings.Neighbours);
        return output;
    }

    /// <summary>EPSG code of the UTM zone of the classified pixels' centroid (mean lon/lat of their centres); null when none is classified.</summary>
    /// <remarks>
    /// Transforming every classified pixel to longitude/latitude cost most of this stage (two thirds of
    /// its time on a 300-site region), and the zone is nearly always clear from far less: a map
    /// projection has no critical point (its Jacobian is never singular), so over a rectangle of
    /// pixels the extremes of longitude and latitude lie on the rectangle's outline. When the outline
    /// of the classified pixels' bounding rectangle lies in one zone and one hemisphere, with a margin
    /// far beyond the rounding of a mean, so does the mean of the pixels inside: that zone is the
    /// answer, the same as <see cref="UtmZoneOfAllClassifiedPixels"/> gives. Otherwise (near a zone
    /// edge or the equator, across the antimeridian) every pixel is transformed, as before.
    /// </remarks>
    /// <param name="transforms">As in <see cref="Apply"/>: PROJ builds a transformation from its database, which cost more than the outline it transforms.</param>
    public static int? UtmZoneOfClassifiedPixels(byte[] classes, SiteGrid grid, GridTransforms? transforms = null)
    {
        if (ClassifiedBounds(classes, grid) is not var (c0, r0, c1, r1)) return null;
        using var crs = SpatialReference.Parse(grid.CrsWkt);
        using var wgs84 = SpatialReference.Wgs84();
        if (crs.IsSame(wgs84)) return UtmZoneOfAllClassifiedPixels(classes, grid);
        var outline = new List<(double X, double Y)>(2 * (c1 - c0 + r1 - r0) + 4);
        for (var c = c0; c <= c1; c++) { outline.Add(grid.Transform.ToWorld(c + 0.5, r0 + 0.5)); outline.Add(grid.Transform.ToWorld(c + 0.5, r1 + 0.5)); }
        for (var r = r0 + 1; r < r1; r++) { outline.Add(grid.Transform.ToWorld(c0 + 0.5, r + 0.5)); outline.Add(grid.Transform.ToWorld(c1 + 0.5, r + 0.5)); }
        var lon = outline.Select(p => p.X).ToArray();
        var lat = outline.Select(p => p.Y).ToArray();
        if (transforms is not null) transforms.ToWgs84(grid.CrsWkt).Transform(lon, lat);
        else using (var ct = new CoordinateTransform(crs, wgs84)) ct.Transform(lon, lat);
        const double margin = 1e-4; // degrees (about 10 m): rounding of a mean over 10^9 pixels stays far below
        var (lon0, lon1, lat0, lat1) = (lon.Min(), lon.Max(), lat.Min(), lat.Max());
        var zone = SpatialReference.UtmEpsgFor(lon0 - margin, lat0 - margin);
        var certain = lon.All(double.IsFinite) && lat.All(double.IsFinite) && lon1 - lon0 < 6
            && zone == SpatialReference.UtmEpsgFor(lon1 + margin, lat1 + margin)
            && zone == SpatialReference.UtmEpsgFor(lon0 - margin, lat1 + margin)
            && zone == SpatialReference.UtmEpsgFor(lon1 + margin, lat0 - margin);
        return certain ? zone : UtmZoneOfAllClassifiedPixels(classes, grid);
    }

    /// <summary>The bounding rectangle (inclusive columns and rows) of the classified pixels; null when none is.</summary>
    private static (int C0, int R0, int C1, int R1)? ClassifiedBounds(byte[] classes, SiteGrid grid)
    {
        int c0 = int.MaxValue, r0 = int.MaxValue, c1 = -1, r1 = -1;
        for (var r = 0; r < grid.Height; r++)
        {
            var row = classes.AsSpan(r * grid.Width, grid.Width);
            var first = row.IndexOfAnyExcept((byte)0);
            if (first < 0) continue;
            var last = row.LastIndexOfAnyExcept((byte)0);
            (c0, c1) = (Math.Min(c0, first), Math.Max(c1, last));
            if (r0 == int.MaxValue) r0 = r;
            r1 = r;
        }
        return r1 < 0 ? null : (c0, r0, c1, r1);
    }

    /// <summary>The zone of the mean longitude/latitude of every classified pixel's centre, each transformed (the definition).</summary>
    internal static int? UtmZoneOfAllClassifiedPixels(byte[] classes, SiteGrid grid)
    {
        var xs = new List<double>();
        var ys = new List<double>();
        for (var r = 0; r < grid.Height; r++)
            for (var c = 0; c < grid.Width; c++)
            {
                if (classes[r * grid.Width + c] == 0) continue;
                var (wx, wy) = grid.Transform.ToWorld(c + 0.5, r + 0.5);
                xs.Add(wx);
                ys.Add(wy);
            }
        if (xs.Count == 0) return null;
        var lon = xs.ToArray();
        var lat = ys.ToArray();
        using var crs = SpatialReference.Parse(grid.CrsWkt);
        using var wgs84 = SpatialReference.Wgs84();
        if (!crs.IsSame(wgs84))
        {
            using var ct = new CoordinateTransform(crs, wgs84);
            ct.Transform(lon, lat);
        }
        return SpatialReference.UtmEpsgFor(lon.Average(), lat.Average());
    }
}
