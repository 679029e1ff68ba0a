namespace MiningLulc.Geo;

/// <summary>
/// Coordinate transformations between EPSG:4326 and grid CRSs (given as WKT), each made once and
/// kept: PROJ builds a transformation from its database, which costs far more than transforming a
/// site's vertices, and every site of a region is on the same grid CRS. Not thread-safe: one per
/// worker. Disposing releases every transformation it made.
/// </summary>
public sealed class GridTransforms : IDisposable
{
    private readonly SpatialReference wgs84 = SpatialReference.Wgs84();
    private readonly Dictionary<(string Wkt, bool ToWgs84), (SpatialReference Crs, CoordinateTransform Transform)> made = [];

    /// <summary>EPSG:4326 (longitude, latitude) to the grid CRS.</summary>
    public CoordinateTransform FromWgs84(string gridCrsWkt) => Get(gridCrsWkt, toWgs84: false);

    /// <summary>The grid CRS to EPSG:4326 (longitude, latitude).</summary>
    public CoordinateTransform ToWgs84(string gridCrsWkt) => Get(gridCrsWkt, toWgs84: true);

    private CoordinateTransform Get(string wkt, bool toWgs84)
    {
        if (made.TryGetValue((wkt, toWgs84), out var t)) return t.Transform;
        var crs = SpatialReference.Parse(wkt);
        try
        {
            var transform = toWgs84 ? new CoordinateTransform(crs, wgs84) : new CoordinateTransform(wgs84, crs);
            made[(wkt, toWgs84)] = (crs, transform);
            return transform;
        }
        catch
        {
            crs.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var (crs, transform) in made.Values) { transform.Dispose(); crs.Dispose(); }
        made.Clear();
        wgs84.Dispose();
    }
}
