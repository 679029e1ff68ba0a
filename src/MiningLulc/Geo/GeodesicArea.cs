using MiningLulc.Geo.Native;
using NetTopologySuite.Geometries;

namespace MiningLulc.Geo;

/// <summary>
/// Area on the WGS 84 ellipsoid of polygons in EPSG:4326 longitude/latitude, in square metres,
/// through PROJ's <c>geod_polygonarea</c> (the same routine as PROJ's <c>geod</c> tool). Holes are
/// subtracted; ring orientation does not matter. Thread-safe.
/// </summary>
public static unsafe class GeodesicArea
{
    private const double Wgs84A = 6378137.0, Wgs84F = 1 / 298.257223563;
    private static readonly double[] Geodesic = CreateGeodesic();

    private static double[] CreateGeodesic()
    {
        Gdal.Initialize();
        var g = new double[ProjApi.GeodesicStructDoubles];
        fixed (double* p = g) ProjApi.geod_init(p, Wgs84A, Wgs84F);
        return g;
    }

    /// <summary>Area in m² of a Polygon or MultiPolygon (other geometry types give 0).</summary>
    public static double Of(Geometry geometry) => Of(geometry, OfRing);

    /// <summary>
    /// The area of every polygon in <paramref name="geometry"/> from a signed ring area: each shell's
    /// absolute area less its holes', at least 0, summed over parts (other geometry types give 0).
    /// One definition for every area formula (geodesic here, authalic in the assessment).
    /// </summary>
    public static double Of(Geometry geometry, Func<CoordinateSequence, double> signedRingArea) => geometry switch
    {
        Polygon p => OfPolygon(p, signedRingArea),
        MultiPolygon mp => mp.Geometries.Sum(g => OfPolygon((Polygon)g, signedRingArea)),
        GeometryCollection gc => gc.Geometries.Sum(g => Of(g, signedRingArea)),
        _ => 0,
    };

    private static double OfPolygon(Polygon polygon, Func<CoordinateSequence, double> signedRingArea)
    {
        if (polygon.IsEmpty) return 0;
        var area = Math.Abs(signedRingArea(polygon.ExteriorRing.CoordinateSequence));
        foreach (var hole in polygon.InteriorRings) area -= Math.Abs(signedRingArea(hole.CoordinateSequence));
        return Math.Max(area, 0);
    }

    /// <summary>Signed area of a closed ring (counter-clockwise positive).</summary>
    public static double OfRing(CoordinateSequence ring)
    {
        var n = ring.Count;
        // geod_polygonarea closes the ring itself: drop the repeated last vertex.
        if (n > 1 && ring.GetX(0) == ring.GetX(n - 1) && ring.GetY(0) == ring.GetY(n - 1)) n--;
        if (n < 3) return 0;
        var lats = n <= 512 ? stackalloc double[n] : new double[n];
        var lons = n <= 512 ? stackalloc double[n] : new double[n];
        for (var i = 0; i < n; i++) { lons[i] = ring.GetX(i); lats[i] = ring.GetY(i); }
        double area, perimeter;
        fixed (double* g = Geodesic)
        fixed (double* la = lats)
        fixed (double* lo = lons)
            ProjApi.geod_polygonarea(g, la, lo, n, &area, &perimeter);
        return area;
    }
}
