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
    public static byte[] Apply(byte[] classes, SiteGrid grid, SmoothSettings settings)
    {
        if (!settings.Enabled) return classes;
        var utm = UtmZoneOfClassifiedPixels(classes, grid);
        if (utm is null) return classes;
        var (x, y) = grid.PixelCentresInMetres(utm.Value);
        var output = new byte[classes.Length];
        MajorityFilter.Apply(classes, new MetricGrid(grid.Width, grid.Height, x, y), output, settings.Neighbours);
        return output;
    }

    /// <summary>EPSG code of the UTM zone of the classified pixels' centroid (mean lon/lat of their centres); null when none is classified.</summary>
    public static int? UtmZoneOfClassifiedPixels(byte[] classes, SiteGrid grid)
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
