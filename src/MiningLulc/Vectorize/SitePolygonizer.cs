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
/// area. Pieces under the minimum area are dropped. Not thread-safe (one per worker).
/// </summary>
public sealed class SitePolygonizer(VectorizeSettings settings)
{
    private static readonly GeometryFactory PixelFactory = new();

    /// <param name="classes">Row-major class codes on <paramref name="grid"/>; 0 = not classified (written nowhere).</param>
    /// <param name="clipInGridCrs">The area the site owns, in the grid's CRS.</param>
    public IReadOnlyList<ClassRegion> Polygonize(byte[] classes, SiteGrid grid, Geometry clipInGridCrs, long siteId, int year) =>
        Polygonize(classes, grid, clipInGridCrs, siteId, year, out _);

    /// <param name="timings">Where the time went: GDAL's polygonizer and reading its polygons, against clipping, reprojection and areas.</param>
    public IReadOnlyList<ClassRegion> Polygonize(byte[] classes, SiteGrid grid, Geometry clipInGridCrs, long siteId, int year, out PolygonizeTimings timings)
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

        using var memory = VectorDataset.Create("", "Memory");
        var layer = memory.CreateLayer("regions", null, 3);
        layer.CreateField("class", FieldType.Integer);
        GdalUtils.Polygonize(raster, 1, raster, 1, layer, 0, settings.Connectivity == 8);

        using var wgs84 = SpatialReference.Wgs84();
        using var gridCrs = SpatialReference.Parse(grid.CrsWkt);
        using var toWgs84 = new CoordinateTransform(gridCrs, wgs84);
        var clipPrepared = NetTopologySuite.Geometries.Prepared.PreparedGeometryFactory.Prepare(clipInGridCrs);
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
                // 8-connected regions touch themselves at pixel corners, which OGC calls invalid: repair first.
                if (!inGrid.IsValid) inGrid = GeometryFixer.Fix(inGrid);
                Geometry clipped = clipPrepared.Covers(inGrid) ? inGrid
                    : clipPrepared.Intersects(inGrid) ? OverlayNGRobust.Overlay(inGrid, clipInGridCrs, SpatialFunction.Intersection) : MultiPolygonEmpty;
                if (clipped.IsEmpty) continue;
                var inWgs84 = GeometryOps.Transform(clipped, toWgs84);
                if (!inWgs84.IsValid) inWgs84 = GeometryFixer.Fix(inWgs84);
                var multi = GeometryOps.ToMultiPolygon(inWgs84, GeometryOps.Wgs84Factory);
                // Drop clip slivers below the minimum area, part by part.
                var parts = Enumerable.Range(0, multi.NumGeometries).Select(i => (Polygon)multi.GetGeometryN(i))
                    .Where(p => GeodesicArea.Of(p) >= settings.MinPieceAreaM2).ToArray();
                if (parts.Length == 0) continue;
                multi = GeometryOps.Wgs84Factory.CreateMultiPolygon(parts);
                result.Add(new ClassRegion(siteId, row, col, (LulcClass)code, multi, GeodesicArea.Of(multi), year));
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
        var coords = pixelPolygon.Coordinates;
        var top = coords.Min(c => c.Y);
        var left = coords.Where(c => c.Y == top).Min(c => c.X);
        return ((int)Math.Round(top), (int)Math.Round(left));
    }

    private static Geometry ToGrid(Geometry pixelGeometry, GeoTransform t)
    {
        var copy = pixelGeometry.Copy();
        copy.Apply(new AffineFilter(t));
        copy.GeometryChanged();
        return copy;
    }

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
