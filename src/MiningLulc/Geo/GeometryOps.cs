using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Utilities;

namespace MiningLulc.Geo;

/// <summary>Geometry helpers shared by the stages: CRS transformation in bulk, polygon extraction and repair.</summary>
public static class GeometryOps
{
    /// <summary>EPSG:4326 geometries use this factory (SRID 4326, floating precision).</summary>
    public static readonly GeometryFactory Wgs84Factory = new(new PrecisionModel(), 4326);

    /// <summary>A copy of <paramref name="geometry"/> with every vertex transformed (one PROJ call per ring).</summary>
    public static Geometry Transform(Geometry geometry, CoordinateTransform transform)
    {
        var copy = geometry.Copy();
        copy.Apply(new BulkTransformFilter(transform));
        copy.GeometryChanged();
        return copy;
    }

    private sealed class BulkTransformFilter(CoordinateTransform transform) : ICoordinateSequenceFilter
    {
        public bool Done => false;
        public bool GeometryChanged => true;

        public void Filter(CoordinateSequence seq, int i)
        {
            if (i != 0) return;
            var n = seq.Count;
            var x = new double[n];
            var y = new double[n];
            for (var k = 0; k < n; k++) { x[k] = seq.GetX(k); y[k] = seq.GetY(k); }
            transform.Transform(x, y);
            for (var k = 0; k < n; k++) { seq.SetX(k, x[k]); seq.SetY(k, y[k]); }
        }
    }

    /// <summary>The area a raster of <paramref name="width"/> x <paramref name="height"/> pixels covers, in its own CRS (rotated transforms too).</summary>
    public static Polygon RasterExtent(GeoTransform t, int width, int height)
    {
        var corners = new[] { t.ToWorld(0, 0), t.ToWorld(width, 0), t.ToWorld(width, height), t.ToWorld(0, height), t.ToWorld(0, 0) };
        var ring = corners.Select(c => new Coordinate(c.X, c.Y)).ToArray();
        // Rings must run one way for area and overlay; a north-up transform with positive pixel height flips them.
        var polygon = GeometryFactory.Default.CreatePolygon(ring);
        return (Polygon)polygon.Normalized();
    }

    /// <summary>The polygonal part of a geometry as a MultiPolygon (possibly empty); lines and points are dropped.</summary>
    public static MultiPolygon ToMultiPolygon(Geometry geometry, GeometryFactory factory)
    {
        var polygons = new List<Polygon>();
        Collect(geometry, polygons);
        return factory.CreateMultiPolygon(polygons.ToArray());

        static void Collect(Geometry g, List<Polygon> into)
        {
            switch (g)
            {
                case Polygon p when !p.IsEmpty: into.Add(p); break;
                case GeometryCollection gc: foreach (var part in gc.Geometries) Collect(part, into); break;
            }
        }
    }

    /// <summary>Makes a polygonal geometry valid (OGC) with NTS's GeometryFixer; returns the reason when it had to.</summary>
    public static (Geometry Geometry, string? Repair) MakeValid(Geometry geometry)
    {
        if (geometry.IsValid) return (geometry, null);
        var reason = new NetTopologySuite.Operation.Valid.IsValidOp(geometry).ValidationError?.ToString() ?? "invalid";
        return (GeometryFixer.Fix(geometry), reason);
    }
}
