using System.Globalization;
using MiningLulc.Catalog;
using MiningLulc.Geo;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Index.Strtree;
using NetTopologySuite.IO;

namespace MiningLulc.Assessment;

/// <summary>
/// The assessment of CONTRACT.md section 5 by cell count: predicted and reference polygons are
/// rasterized by GDAL (cell centre inside the polygon) onto a fine grid in a Lambert azimuthal
/// equal-area projection of the WGS 84 ellipsoid, so every cell covers exactly CellSize² m² of the
/// ellipsoid, and the cells where both label sets have a class fill the area confusion matrix.
/// Figures agree with the exact overlay (<see cref="AccuracyAssessor"/>) to about 0.001 at 5 m cells.
/// <para>
/// Memory: the label files are streamed once into a temporary file of WKB; what stays in memory is
/// about 120 bytes per polygon (envelope, class, year, 7 cell counts) and one window of cells per
/// worker (at most <see cref="AssessOptions.WindowCells"/>² cells, 5 bytes each, twice), never the
/// geometries of the region. Windows follow the reference: each group of reference polygons whose
/// envelopes touch is one window (split into several when larger than the window size), projected
/// about its own centre (to the nearest degree).
/// </para>
/// Thread-safe (no shared state); parallel over windows with <see cref="AssessOptions.Workers"/> workers.
/// </summary>
public static class CellCountAssessor
{
    private const int K = ConfusionMatrix.K;

    /// <summary>Assesses <paramref name="predicted"/> against <paramref name="reference"/> (both EPSG:4326), each enumerated once.</summary>
    public static AccuracyReport Assess(IEnumerable<LabelPolygon> predicted, IEnumerable<LabelPolygon> reference, AssessOptions? options = null,
        Geometry? restrictTo = null, IProgress<(int Done, int Total)>? progress = null)
    {
        options = (options ?? AssessOptions.Default).Validate();
        var restrict = restrictTo is null ? null : PreparedGeometryFactory.Prepare(restrictTo);
        using var refs = new LabelStore();
        using var preds = new LabelStore();
        var referenceArea = new double[K];
        var mappedArea = new double[K];
        Load(reference, refs, referenceArea, restrict);
        Load(predicted, preds, mappedArea, restrict);

        var windows = Plan(refs, preds, options);
        var counts = new long[refs.Count * K];
        var touching = new List<(int A, int B)>();
        var done = 0;
        Parallel.ForEach(windows, new ParallelOptions { MaxDegreeOfParallelism = options.Workers },
            () => new Worker(refs, preds, options.CellSizeM),
            (w, _, worker) =>
            {
                var (cells, pairs) = worker.Count(w);
                lock (counts)
                {
                    for (var k = 0; k < w.Reference.Length; k++)
                        for (var c = 0; c < K; c++) counts[w.Reference[k] * K + c] += cells[k * K + c];
                    touching.AddRange(pairs);
                    progress?.Report((++done, windows.Count));
                }
                return worker;
            },
            worker => worker.Dispose());

        // Sites as clusters: reference polygons that touch (the overlay's definition, tested exactly).
        var clusterOf = new UnionFind(refs.Count);
        foreach (var (a, b) in touching) clusterOf.Union(a, b);
        var cellArea = options.CellSizeM * options.CellSizeM;
        var total = new ConfusionMatrix();
        var clusters = new Dictionary<int, ConfusionMatrix>();
        var byYear = new SortedDictionary<int, ConfusionMatrix>();
        for (var i = 0; i < refs.Count; i++)
        {
            var r = refs[i];
            var root = clusterOf.Find(i);
            var cm = clusters.TryGetValue(root, out var c) ? c : clusters[root] = new ConfusionMatrix();
            var yearCm = r.HasYear ? (byYear.TryGetValue(r.Year, out var yc) ? yc : byYear[r.Year] = new ConfusionMatrix()) : null;
            for (var p = 0; p < K; p++)
            {
                var n = counts[i * K + p];
                if (n == 0) continue;
                var area = n * cellArea;
                cm.Add(r.Class, p + 1, area);
                yearCm?.Add(r.Class, p + 1, area);
                total.Add(r.Class, p + 1, area);
            }
        }

        var inv = CultureInfo.InvariantCulture;
        var comparison = $"Cell count: predicted and reference polygons rasterized by GDAL (cell centre inside) onto a {options.CellSizeM.ToString("0.###", inv)} m grid "
            + "in a Lambert azimuthal equal-area projection of the WGS 84 ellipsoid (centred on each group of reference polygons, to the nearest degree), "
            + $"so each cell is {cellArea.ToString("0.###", inv)} m² of the ellipsoid; compared area = cells where both label sets have a class "
            + $"({windows.Count} windows). Reference and mapped areas per class: geodesic areas of the polygons (WGS 84). ";
        return AccuracyAssessor.Summarize(total, byYear, clusters.Values.ToList(), referenceArea, mappedArea, comparison, AssessmentMethod.Raster, options.CellSizeM);
    }

    private static void Load(IEnumerable<LabelPolygon> polygons, LabelStore store, double[] area, IPreparedGeometry? restrict)
    {
        foreach (var p in polygons)
        {
            if (p.Class is < LulcClass.OpenPit or > LulcClass.Vegetation) continue;
            var g = restrict is null ? p.Geometry : AccuracyAssessor.ClipTo(p.Geometry, restrict);
            if (g is null || g.IsEmpty) continue;
            area[(int)p.Class - 1] += GeodesicArea.Of(g);
            store.Add(g, p.Class, p.Year);
        }
        store.Seal();
    }

    /// <summary>One window of the grid: its projection, top-left corner and size in cells, and the polygons it burns.</summary>
    internal sealed record Window(int LatitudeOrigin, int LongitudeOrigin, double X0, double Y0, int Width, int Height, int[] Reference, int[] Predicted);

    /// <summary>
    /// Windows over the reference: groups of reference polygons whose envelopes touch (so polygons that
    /// touch share a group), each group's extent in its projection, split into windows of at most
    /// WindowCells² cells; windows without reference polygons are dropped.
    /// </summary>
    internal static List<Window> Plan(LabelStore refs, LabelStore preds, AssessOptions options)
    {
        var groups = new UnionFind(refs.Count);
        var refTree = new STRtree<int>();
        for (var i = 0; i < refs.Count; i++) refTree.Insert(refs[i].Envelope, i);
        if (refs.Count > 0) refTree.Build();
        for (var i = 0; i < refs.Count; i++)
            foreach (var j in refTree.Query(refs[i].Envelope))
                if (j > i) groups.Union(i, j);
        var predTree = new STRtree<int>();
        for (var i = 0; i < preds.Count; i++) predTree.Insert(preds[i].Envelope, i);
        if (preds.Count > 0) predTree.Build();

        var members = new Dictionary<int, List<int>>();
        for (var i = 0; i < refs.Count; i++)
        {
            var root = groups.Find(i);
            if (!members.TryGetValue(root, out var list)) members[root] = list = [];
            list.Add(i);
        }

        var cell = options.CellSizeM;
        var windows = new List<Window>();
        using var projections = new Projections();
        foreach (var group in members.Values)
        {
            var env = new Envelope();
            foreach (var i in group) env.ExpandToInclude(refs[i].Envelope);
            var lat0 = (int)Math.Clamp(Math.Round(env.Centre.Y), -90, 90);
            var lon0 = (int)Math.Round(env.Centre.X);
            var (forward, inverse) = projections.Get(lat0, lon0);
            var b = Bounds(env, forward);
            // Snap outwards to the projection's grid of cells, one cell of margin.
            var x0 = (Math.Floor(b.MinX / cell) - 1) * cell;
            var y0 = (Math.Ceiling(b.MaxY / cell) + 1) * cell;
            var nx = (int)Math.Ceiling((b.MaxX - x0) / cell) + 1;
            var ny = (int)Math.Ceiling((y0 - b.MinY) / cell) + 1;
            for (var ty = 0; ty < ny; ty += options.WindowCells)
                for (var tx = 0; tx < nx; tx += options.WindowCells)
                {
                    var w = Math.Min(options.WindowCells, nx - tx);
                    var h = Math.Min(options.WindowCells, ny - ty);
                    var wx0 = x0 + tx * cell;
                    var wy0 = y0 - ty * cell;
                    var geographic = Bounds(new Envelope(wx0, wx0 + w * cell, wy0 - h * cell, wy0), inverse);
                    geographic.ExpandBy(1e-7);
                    var inWindow = w == nx && h == ny
                        ? group.ToArray()
                        : group.Where(i => refs[i].Envelope.Intersects(geographic)).ToArray();
                    if (inWindow.Length == 0) continue;
                    var predicted = predTree.Query(geographic).Order().ToArray();
                    windows.Add(new Window(lat0, lon0, wx0, wy0, w, h, inWindow, predicted));
                }
        }
        return windows;
    }

    /// <summary>The bounds of an envelope's image under a transform (edges densified, 32 points each).</summary>
    private static Envelope Bounds(Envelope e, CoordinateTransform transform)
    {
        const int n = 32;
        var x = new double[4 * n];
        var y = new double[4 * n];
        for (var k = 0; k < n; k++)
        {
            var t = (double)k / n;
            (x[k], y[k]) = (e.MinX + t * e.Width, e.MinY);
            (x[n + k], y[n + k]) = (e.MaxX, e.MinY + t * e.Height);
            (x[2 * n + k], y[2 * n + k]) = (e.MaxX - t * e.Width, e.MaxY);
            (x[3 * n + k], y[3 * n + k]) = (e.MinX, e.MaxY - t * e.Height);
        }
        transform.Transform(x, y);
        return new Envelope(x.Min(), x.Max(), y.Min(), y.Max());
    }

    /// <summary>Lambert azimuthal equal-area projections (forward from and inverse to EPSG:4326), one per origin. Not thread-safe.</summary>
    private sealed class Projections : IDisposable
    {
        private readonly Dictionary<(int, int), (CoordinateTransform Forward, CoordinateTransform Inverse)> cache = [];
        private readonly SpatialReference wgs84 = SpatialReference.Wgs84();

        public (CoordinateTransform Forward, CoordinateTransform Inverse) Get(int lat0, int lon0)
        {
            if (cache.TryGetValue((lat0, lon0), out var t)) return t;
            using var laea = SpatialReference.Parse($"+proj=laea +lat_0={lat0} +lon_0={lon0} +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs");
            return cache[(lat0, lon0)] = (new CoordinateTransform(wgs84, laea), new CoordinateTransform(laea, wgs84));
        }

        public void Dispose()
        {
            foreach (var (f, i) in cache.Values) { f.Dispose(); i.Dispose(); }
            wgs84.Dispose();
        }
    }

    /// <summary>A worker's state: its projections, WKB reader and read buffer. Counts one window at a time.</summary>
    private sealed class Worker(LabelStore refs, LabelStore preds, double cell) : IDisposable
    {
        private readonly Projections projections = new();
        private readonly WKBReader reader = LabelStore.NewReader();
        private byte[] scratch = new byte[1 << 16];

        /// <summary>Cells per (reference polygon of the window, predicted class), 7 per polygon; and the pairs of reference polygons found touching.</summary>
        public (long[] Cells, List<(int, int)> Touching) Count(Window w)
        {
            var (forward, _) = projections.Get(w.LatitudeOrigin, w.LongitudeOrigin);
            var n = w.Reference.Length;
            var geographic = new Geometry[n];
            var projected = new Geometry[n];
            var burn = new double[n];
            for (var k = 0; k < n; k++)
            {
                geographic[k] = refs.Read(w.Reference[k], reader, ref scratch);
                projected[k] = GeometryOps.Transform(geographic[k], forward);
                burn[k] = k + 1;
            }
            var touching = Touching(w, geographic);

            var transform = GeoTransform.NorthUp(w.X0, w.Y0, cell, cell);
            var cells = w.Width * w.Height;
            var refCells = System.Buffers.ArrayPool<int>.Shared.Rent(cells);
            var predCells = System.Buffers.ArrayPool<byte>.Shared.Rent(cells);
            try
            {
                using (var raster = RasterDataset.CreateInMemory(new RasterProfile { Width = w.Width, Height = w.Height, DataType = RasterDataType.Int32, Transform = transform }))
                {
                    GdalUtils.Rasterize(raster, 1, projected, burn, allTouched: false);
                    raster.Read<int>(1, raster.FullWindow, refCells.AsSpan(0, cells));
                }
                var predGeometries = new Geometry[w.Predicted.Length];
                var predBurn = new double[w.Predicted.Length];
                for (var k = 0; k < w.Predicted.Length; k++)
                {
                    predGeometries[k] = GeometryOps.Transform(preds.Read(w.Predicted[k], reader, ref scratch), forward);
                    predBurn[k] = preds[w.Predicted[k]].Class;
                }
                using (var raster = RasterDataset.CreateInMemory(new RasterProfile { Width = w.Width, Height = w.Height, DataType = RasterDataType.Byte, Transform = transform }))
                {
                    GdalUtils.Rasterize(raster, 1, predGeometries, predBurn, allTouched: false);
                    raster.Read<byte>(1, raster.FullWindow, predCells.AsSpan(0, cells));
                }
                return (Tally(refCells.AsSpan(0, cells), predCells.AsSpan(0, cells), n), touching);
            }
            finally
            {
                System.Buffers.ArrayPool<int>.Shared.Return(refCells);
                System.Buffers.ArrayPool<byte>.Shared.Return(predCells);
            }
        }

        /// <summary>
        /// Pairs of the window's reference polygons that touch (global indices), by the overlay's test
        /// (<c>Intersects</c>): polygons that share a vertex touch (labels that tile a site do); other
        /// pairs with overlapping envelopes are tested exactly, with the first polygon prepared.
        /// Only enough pairs to connect each cluster are returned.
        /// </summary>
        private static List<(int, int)> Touching(Window w, Geometry[] geometries)
        {
            var pairs = new List<(int, int)>();
            var n = geometries.Length;
            if (n < 2) return pairs;
            var local = new UnionFind(n);
            var owner = new Dictionary<(double, double), int>();
            for (var k = 0; k < n; k++)
                foreach (var c in geometries[k].Coordinates)
                {
                    if (!owner.TryAdd((c.X, c.Y), k)) Join(owner[(c.X, c.Y)], k);
                }
            var tree = new STRtree<int>();
            for (var k = 0; k < n; k++) tree.Insert(geometries[k].EnvelopeInternal, k);
            tree.Build();
            for (var a = 0; a < n; a++)
            {
                IPreparedGeometry? prepared = null;
                foreach (var b in tree.Query(geometries[a].EnvelopeInternal))
                {
                    if (b <= a || local.Find(a) == local.Find(b)) continue;
                    prepared ??= PreparedGeometryFactory.Prepare(geometries[a]);
                    if (prepared.Intersects(geometries[b])) Join(a, b);
                }
            }
            return pairs;

            void Join(int a, int b)
            {
                if (local.Find(a) == local.Find(b)) return;
                local.Union(a, b);
                pairs.Add((w.Reference[a], w.Reference[b]));
            }
        }

        public void Dispose() => projections.Dispose();
    }

    /// <summary>Counts cells per (reference burn value 1..n, predicted class 1..7); cells without either are not compared.</summary>
    internal static long[] Tally(ReadOnlySpan<int> reference, ReadOnlySpan<byte> predicted, int polygons)
    {
        var counts = new long[polygons * K];
        for (var i = 0; i < reference.Length; i++)
        {
            var r = reference[i];
            if (r == 0) continue;
            var p = predicted[i];
            if (p is 0 or > K) continue;
            counts[(r - 1) * K + p - 1]++;
        }
        return counts;
    }
}

/// <summary>Disjoint sets over 0..n-1 with path halving.</summary>
internal sealed class UnionFind(int count)
{
    private readonly int[] parent = Enumerable.Range(0, count).ToArray();

    public int Find(int x)
    {
        while (parent[x] != x) x = parent[x] = parent[parent[x]];
        return x;
    }

    /// <summary>Joins the sets of a and b; the smaller root becomes the root (deterministic).</summary>
    public void Union(int a, int b)
    {
        int ra = Find(a), rb = Find(b);
        if (ra == rb) return;
        if (ra < rb) parent[rb] = ra; else parent[ra] = rb;
    }
}
