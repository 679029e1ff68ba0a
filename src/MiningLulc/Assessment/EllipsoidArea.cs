using NetTopologySuite.Geometries;

namespace MiningLulc.Assessment;

/// <summary>
/// Areas on the WGS 84 ellipsoid through its authalic latitude (the ellipsoidal Lambert cylindrical
/// equal-area mapping, Snyder 1987, eq. 3-12): the area between two parallels over a span of
/// longitude is exact, and a polygon's area is the plane area of its vertices mapped to
/// (longitude, q(latitude)), edges taken straight there. For polygons with edges of metres to
/// hundreds of metres this equals PROJ's geodesic area (<see cref="Geo.GeodesicArea"/>) to better
/// than 1e-7, at a twentieth of the cost. Thread-safe.
/// </summary>
public static class EllipsoidArea
{
    private const double A = 6378137.0, F = 1 / 298.257223563;
    private static readonly double E2 = F * (2 - F), E = Math.Sqrt(E2);
    private const double Rad = Math.PI / 180;

    /// <summary>Snyder's q(φ): the area north of the equator up to latitude φ (degrees) is π a² q(φ) for the whole circle of longitude.</summary>
    public static double Q(double latitudeDegrees)
    {
        var s = Math.Sin(latitudeDegrees * Rad);
        return (1 - E2) * (s / (1 - E2 * s * s) - 1 / (2 * E) * Math.Log((1 - E * s) / (1 + E * s)));
    }

    /// <summary>Area in m² of the cell between latitudes <paramref name="south"/> and <paramref name="north"/> and <paramref name="widthDegrees"/> of longitude.</summary>
    public static double Band(double south, double north, double widthDegrees) => widthDegrees * Rad * A * A * (Q(north) - Q(south)) / 2;

    /// <summary>Metres per degree of latitude and of longitude at a latitude (radii of curvature of the meridian and the prime vertical).</summary>
    public static (double Latitude, double Longitude) MetresPerDegree(double latitudeDegrees)
    {
        var s = Math.Sin(latitudeDegrees * Rad);
        var w = 1 - E2 * s * s;
        var m = A * (1 - E2) / (w * Math.Sqrt(w));
        var n = A / Math.Sqrt(w);
        return (m * Rad, n * Math.Cos(latitudeDegrees * Rad) * Rad);
    }

    /// <summary>Area in m² of a Polygon or MultiPolygon in EPSG:4326 longitude/latitude (holes subtracted; other types give 0).</summary>
    public static double Of(Geometry geometry) => Geo.GeodesicArea.Of(geometry, OfRing);

    /// <summary>Signed area of a ring (counter-clockwise positive), longitudes unwrapped about the first vertex.</summary>
    private static double OfRing(CoordinateSequence ring)
    {
        var n = ring.Count;
        if (n < 3) return 0;
        double x0 = ring.GetX(0), q0 = Q(ring.GetY(0));
        double px = 0, pq = 0, twice = 0;
        for (var i = 1; i < n; i++)
        {
            var dx = ring.GetX(i) - x0;
            if (dx > 180) dx -= 360; else if (dx < -180) dx += 360;
            var dq = Q(ring.GetY(i)) - q0;
            twice += px * dq - dx * pq;
            px = dx; pq = dq;
        }
        // Closing edge back to the first vertex (0, 0) adds nothing; degrees to radians once.
        return twice * Rad * A * A / 4;
    }

    /// <summary>As above, for <paramref name="count"/> little-endian WKB points of <paramref name="stride"/> bytes (x, y first).</summary>
    internal static double OfRing(ReadOnlySpan<byte> points, int count, int stride)
    {
        if (count < 3) return 0;
        double x0 = System.Buffers.Binary.BinaryPrimitives.ReadDoubleLittleEndian(points);
        double q0 = Q(System.Buffers.Binary.BinaryPrimitives.ReadDoubleLittleEndian(points[8..]));
        double px = 0, pq = 0, twice = 0;
        for (var i = 1; i < count; i++)
        {
            var dx = System.Buffers.Binary.BinaryPrimitives.ReadDoubleLittleEndian(points[(i * stride)..]) - x0;
            if (dx > 180) dx -= 360; else if (dx < -180) dx += 360;
            var dq = Q(System.Buffers.Binary.BinaryPrimitives.ReadDoubleLittleEndian(points[(i * stride + 8)..])) - q0;
            twice += px * dq - dx * pq;
            px = dx; pq = dq;
        }
        return twice * Rad * A * A / 4;
    }
}
