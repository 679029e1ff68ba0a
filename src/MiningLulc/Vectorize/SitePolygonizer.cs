using System.Diagnostics;
using MiningLulc.Align;
using MiningLulc.Geo;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Utilities;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;

namespace MiningLulc.Vectorize;

/// <summary>Stopwatch ticks of <see cref="SitePolygonizer.Polygonize(byte[], SiteGrid, Geometry, long, int, out PolygonizeTimings)"/>: polygonizing (GDAL, reading back) and clipping, reprojection and areas.</summary>
public readonly record struct PolygonizeTimings(long PolygonizeTicks, long ClipTransformTicks);

/// <summary>
/// Turns a site's class raster into <see cref="ClassRegion"/>s: GDAL's polygonizer (4- or
/// 8-connectivity) in pixel coordinates, each region clipped to the site polygon (already reduced
/// by overlapping sites with smaller ids), moved to EPSG:4326 as the last step, with its geodesic
/// area. Pieces under the minimum area are dropped. Not thread-safe (one per worker); holds the
/// coordinate transformations it made (disposed with it).
/// </summary>
public sealed class SitePolygonizer(VectorizeSettings settings) : IDisposable
{
    private static readonly GeometryFactory PixelFactory = new();
    private readonly GridTransforms transforms = new();

    /// <param name="classes">Row-major class codes on <paramref name="grid"/>; 0 = not classified (written nowhere).</param>
    /// <param name="clipInGridCrs">The area the site owns, in the grid's CRS.</param>
    public IReadOnlyList<ClassRegion> Polygonize(byte[] classes, SiteGrid grid, Geometry clipInGridCrs, long siteId, int year) =>
        Polygonize(classes, grid, clipInGridCrs, siteId, year, out _);

    /// <param name="timings">Where the time went: GDAL's polygonizer and reading its polygons, against clipping, reprojection and areas.</param>
    /// <param name="scores">When given, each region gets its confidence: the mean over the region's pixels (after the sieve, so of
    /// the class each pixel ends with) of the probability of that class. Clipping does not reweight it: a region cut by the
    /// owned area keeps the confidence of its whole component, as each of its pixels was classified whole.</param>
    public IReadOnlyList<ClassRegion> Polygonize(byte[] classes, SiteGrid grid, Geometry clipInGridCrs, long siteId, int year, out PolygonizeTimings timings,
        Confidence.SiteScores? scores = null)
    {
        var start = Stopwatch.GetTimestamp();
        long clipTicks = 0;
        if (classes.Length != grid.PixelCount) throw new ArgumentException("class raster does not match the grid");
        // Polygonize on an identity geotransform: vertices are exact integer pixel corners, which
        // also gives each region's first pixel without a second labelling pass.
        using var raster = RasterDataset.CreateInMemory(new RasterProfile
        {
            Width = grid.Width,
            Height = grid.Height,
            DataType = RasterDataType.Byte,
            Transform = GeoTransform.Identity,
        });
        raster.Write(1, raster.FullWindow, classes.AsSpan());
        if (settings.SieveMinPixels > 1)
            GdalUtils.Sieve(raster, 1, raster, 1, settings.SieveMinPixels, settings.Connectivity == 8);
        Confidence.RegionConfidence? confidence = null;
        if (scores is not null)
        {
            var final = classes;
            if (settings.SieveMinPixels > 1)
            {
                final = new byte[classes.Length];
                raster.Read<byte>(1, raster.FullWindow, final);
            }
            confidence = new Confidence.RegionConfidence(final, scores.ConfidenceOf(final), grid.Width, grid.Height, settings.Connectivity);
        }

        using var memory = VectorDataset.Create("", "Memory");
        var layer = memory.CreateLayer("regions", null, 3);
        layer.CreateField("class", FieldType.Integer);
        GdalUtils.Polygonize(raster, 1, raster, 1, layer, 0, settings.Connectivity == 8);

        var toWgs84 = transforms.ToWgs84(grid.CrsWkt);
        var clipPrepared = NetTopologySuite.Geometries.Prepared.PreparedGeometryFactory.Prepare(clipInGridCrs);
        // Pixel polygons keep their topology through a north-up transform (coordinates stay ordered
        // along each axis), so a pixel polygon shown simple needs no validity check in the grid CRS.
        var northUp = grid.Transform.IsNorthUp;
        var result = new List<ClassRegion>();
        foreach (var f in layer.Features(PixelFactory))
        {
            var code = (int)(f.GetInt64("class") ?? 0);
            if (code is < 1 or > LulcClasses.Count || f.Geometry is null) continue;
            var (row, col) = FirstPixel(f.Geometry);
            var inGrid = ToGrid(f.Geometry, grid.Transform);
            var clipStart = Stopwatch.GetTimestamp();
            try
            {
                var knownValid = northUp && IsValidPixelPolygon(f.Geometry);
                // 8-connected regions touch themselves at pixel corners, which OGC calls invalid: repair first.
                if (!knownValid && !inGrid.IsValid) inGrid = GeometryFixer.Fix(inGrid);
                var covered = clipPrepared.Covers(inGrid);
                Geometry clipped = covered ? inGrid
                    : clipPrepared.Intersects(inGrid) ? OverlayNGRobust.Overlay(inGrid, clipInGridCrs, SpatialFunction.Intersection) : MultiPolygonEmpty;
                if (clipped.IsEmpty) continue;
                var inWgs84 = GeometryOps.Transform(clipped, toWgs84);
                // A simple pixel polygon stays valid through the transformation: its rings are at least
                // a pixel apart, far beyond rounding. Clip results can have slivers, so they are checked.
                if (!(covered && knownValid) && !inWgs84.IsValid) inWgs84 = GeometryFixer.Fix(inWgs84);
                var multi = GeometryOps.ToMultiPolygon(inWgs84, GeometryOps.Wgs84Factory);
                // Drop clip slivers below the minimum area, part by part; the region's area is the sum of the kept parts.
                var parts = new List<Polygon>(multi.NumGeometries);
                var area = 0.0;
                for (var i = 0; i < multi.NumGeometries; i++)
                {
                    var part = (Polygon)multi.GetGeometryN(i);
                    var partArea = GeodesicArea.Of(part);
                    if (partArea < settings.MinPieceAreaM2) continue;
                    parts.Add(part);
                    area += partArea;
                }
                if (parts.Count == 0) continue;
                if (parts.Count != multi.NumGeometries) multi = GeometryOps.Wgs84Factory.CreateMultiPolygon(parts.ToArray());
                result.Add(new ClassRegion(siteId, row, col, (LulcClass)code, multi, area, year) { Confidence = confidence?.At(row, col) });
            }
            finally { clipTicks += Stopwatch.GetTimestamp() - clipStart; }
        }
        result.Sort((a, b) => a.Row != b.Row ? a.Row.CompareTo(b.Row) : a.Column.CompareTo(b.Column));
        timings = new PolygonizeTimings(Stopwatch.GetTimestamp() - start - clipTicks, clipTicks);
        return result;
    }

    private static readonly Geometry MultiPolygonEmpty = GeometryOps.Wgs84Factory.CreateMultiPolygon();

    /// <summary>
    /// The top-left pixel of a polygonized region (pixel coordinates, y down): its top row is the
    /// smallest vertex y, and the left edge of its leftmost pixel in that row is the smallest vertex
    /// x on that line, because every top-row pixel's upper edge is on the region's boundary.
    /// </summary>
    internal static (int Row, int Column) FirstPixel(Geometry pixelPolygon)
    {
        var top = double.PositiveInfinity;
        var left = double.PositiveInfinity;
        foreach (var ring in Rings(pixelPolygon))
        {
            var seq = ring.CoordinateSequence;
            for (var i = 0; i < seq.Count; i++)
            {
                var y = seq.GetY(i);
                if (y > top) continue;
                var x = seq.GetX(i);
                if (y < top) { top = y; left = x; }
                else if (x < left) left = x;
            }
        }
        return ((int)Math.Round(top), (int)Math.Round(left));
    }

    private static IEnumerable<LineString> Rings(Geometry g)
    {
        for (var p = 0; p < g.NumGeometries; p++)
        {
            if (g.GetGeometryN(p) is not Polygon polygon) continue;
            yield return polygon.ExteriorRing;
            foreach (var hole in polygon.InteriorRings) yield return hole;
        }
    }

    /// <summary>
    /// True when a polygon in pixel coordinates (as GDAL's polygonizer writes it) is valid (OGC) by
    /// construction, without the general check. Its boundaries run along pixel edges, so two of them
    /// can meet only at a pixel corner, where both turn (a vertex of each). So with integer vertices,
    /// closed rings of at least four points and every hole's extent strictly inside the shell's (the
    /// shell is the outer boundary): no ring visits a vertex twice (no self-touch), no vertex is on
    /// more than two rings, and the rings that share vertices, taken as a graph, have no cycle (two
    /// rings touching twice, or three in a loop, would cut the interior in two). False means "not
    /// shown" (not "invalid"), and the caller checks validity in full.
    /// </summary>
    internal static bool IsValidPixelPolygon(Geometry pixelGeometry)
    {
        if (pixelGeometry is not Polygon polygon || polygon.IsEmpty) return false;
        var shell = polygon.ExteriorRing.EnvelopeInternal;
        var count = 0;
        var ringCount = 1 + polygon.NumInteriorRings;
        for (var r = 0; r < ringCount; r++) count += Ring(polygon, r).NumPoints - 1;
        if (count <= 0) return false;
        var keys = new long[count];
        var owners = new int[count];
        var k = 0;
        for (var r = 0; r < ringCount; r++)
        {
            var ring = Ring(polygon, r);
            var seq = ring.CoordinateSequence;
            var n = seq.Count;
            if (n < 4 || seq.GetX(0) != seq.GetX(n - 1) || seq.GetY(0) != seq.GetY(n - 1)) return false;
            if (r > 0)
            {
                var e = ring.EnvelopeInternal;
                if (!(e.MinX > shell.MinX && e.MaxX < shell.MaxX && e.MinY > shell.MinY && e.MaxY < shell.MaxY)) return false;
            }
            for (var i = 0; i < n - 1; i++)
            {
                var x = seq.GetX(i);
                var y = seq.GetY(i);
                if (x != Math.Floor(x) || y != Math.Floor(y) || Math.Abs(x) > int.MaxValue || Math.Abs(y) > int.MaxValue) return false;
                keys[k] = ((long)(int)x << 32) | (uint)(int)y;
                owners[k++] = r;
            }
        }
        Array.Sort(keys, owners);
        UnionFind? touching = null;
        for (var i = 1; i < keys.Length; i++)
        {
            if (keys[i] != keys[i - 1]) continue;
            if (i + 1 < keys.Length && keys[i + 1] == keys[i]) return false; // three passes through one corner
            var (a, b) = (owners[i - 1], owners[i]);
            if (a == b) return false; // a ring touching itself
            touching ??= new UnionFind(ringCount);
            if (!touching.Union(a, b)) return false; // a cycle of touching rings
        }
        return true;
    }

    private static LineString Ring(Polygon polygon, int index) => index == 0 ? polygon.ExteriorRing : polygon.GetInteriorRingN(index - 1);

    private static Geometry ToGrid(Geometry pixelGeometry, GeoTransform t)
    {
        var copy = pixelGeometry.Copy();
        copy.Apply(new AffineFilter(t));
        copy.GeometryChanged();
        return copy;
    }

    public void Dispose() => transforms.Dispose();

    private sealed class AffineFilter(GeoTransform t) : ICoordinateSequenceFilter
    {
        public bool Done => false;
        public bool GeometryChanged => true;

        public void Filter(CoordinateSequence seq, int i)
        {
            var (x, y) = t.ToWorld(seq.GetX(i), seq.GetY(i));
            seq.SetX(i, x);
            seq.SetY(i, y);
        }
    }
}
