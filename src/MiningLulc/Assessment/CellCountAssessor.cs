using System.Buffers;
using System.Globalization;
using MiningLulc.Catalog;
using MiningLulc.Geo;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Index.Strtree;
using NetTopologySuite.IO;
using MiningLulc.Model;

namespace MiningLulc.Assessment;

/// <summary>
/// The assessment of docs/assessment.md by cell count: predicted and reference polygons are
/// rasterized by GDAL (cell centre inside the polygon) onto a fine longitude/latitude grid, and the
/// cells where both label sets have a class fill the area confusion matrix, each cell weighted by
/// its true area on the WGS 84 ellipsoid (exact for a cell between two parallels,
/// <see cref="EllipsoidArea.Band"/>; a row of cells has one area). Cells are
/// <see cref="AssessOptions.CellSizeM"/> metres a side at the centre of each window (angular size
/// fixed per group of reference polygons), so the labels need no reprojection. Figures agree with
/// the exact overlay (<see cref="AccuracyAssessor"/>) to about 0.001 at 5 m cells.
/// <para>
/// Memory: the label files are streamed once into a temporary file of WKB; what stays in memory is
/// a small record per polygon (envelope, class, year, 7 areas, spatial index: 100 to 250 bytes) and
/// one window of cells per worker
/// (at most <see cref="AssessOptions.WindowCells"/>² cells, 5 bytes each, twice), never the
/// geometries of the region. Windows follow the reference: each group of reference polygons whose
/// envelopes touch is one window (split into several when larger than the window size).
/// </para>
/// Thread-safe (no shared state); parallel over windows with <see cref="AssessOptions.Workers"/>
/// workers; the result does not depend on their number.
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
        return Assess(refs, preds, referenceArea, mappedArea, options, progress);
    }

    /// <summary>
    /// Assesses the labels under <paramref name="predicted"/> against those under <paramref name="reference"/>
    /// (folders, .zip or .gpkg, read as <see cref="LabelReader"/> does), streaming each file once; the two
    /// label sets are read in parallel when there are two workers or more.
    /// </summary>
    public static AccuracyReport AssessFiles(string predicted, string reference, AssessOptions? options = null,
        Geometry? restrictTo = null, IProgress<(int Done, int Total)>? progress = null)
    {
        options = (options ?? AssessOptions.Default).Validate();
        RequireLabelSets(predicted, reference);
        using var refs = new LabelStore();
        using var preds = new LabelStore();
        var referenceArea = new double[K];
        var mappedArea = new double[K];
        var log = new LabelReadLog();
        // Prepared geometries are not thread-safe: one per reader.
        void LoadReference() => LabelLoader.Load(reference, refs, referenceArea, restrictTo is null ? null : PreparedGeometryFactory.Prepare(restrictTo), log);
        void LoadPredicted() => LabelLoader.Load(predicted, preds, mappedArea, restrictTo is null ? null : PreparedGeometryFactory.Prepare(restrictTo), log);
        try
        {
            if (options.Workers > 1) Parallel.Invoke(LoadReference, LoadPredicted);
            else { LoadReference(); LoadPredicted(); }
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            // One label set failing to read is the user's to fix: the error as if it had been read alone.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
        return Assess(refs, preds, referenceArea, mappedArea, options, progress) with { Warnings = log.Warnings };
    }

    /// <summary>
    /// Checks both label sets before either is read, so a bad path fails at once: each must hold label
    /// files, and the reference needs its <c>year</c> (the report groups by it, docs/assessment.md).
    /// </summary>
    internal static void RequireLabelSets(string predicted, string reference)
    {
        foreach (var path in new[] { reference, predicted }) LabelReader.RequireSources(path);
        LabelReader.RequireField(reference, "year", "reference labels");
    }

    private static AccuracyReport Assess(LabelStore refs, LabelStore preds, double[] referenceArea, double[] mappedArea, AssessOptions options,
        IProgress<(int Done, int Total)>? progress)
    {
        var windows = Plan(refs, preds, options);
        // Results are folded window by window, in window order (the sums do not depend on the number
        // of workers), as soon as the windows before them are done: few wait in memory.
        var results = new (double[] Areas, List<(int, int)> Touching, ReliabilityTable? Reliability)?[windows.Count];
        var reliability = preds.HasConfidence ? new ReliabilityTable() : null;
        var areas = new double[refs.Count * K];
        var clusterOf = new UnionFind(refs.Count);
        var next = 0;
        Parallel.For(0, windows.Count, new ParallelOptions { MaxDegreeOfParallelism = options.Workers },
            () => new Worker(refs, preds),
            (i, _, worker) =>
            {
                var result = worker.Count(windows[i]);
                lock (results)
                {
                    results[i] = result;
                    for (; next < windows.Count && results[next] is { } done; next++)
                    {
                        var (cells, touching, windowReliability) = done;
                        if (windowReliability is not null) reliability!.Merge(windowReliability);
                        var w = windows[next];
                        for (var k = 0; k < w.Reference.Length; k++)
                            for (var c = 0; c < K; c++) areas[w.Reference[k] * K + c] += cells[k * K + c];
                        // Sites as clusters: reference polygons that touch (the overlay's definition, tested exactly).
                        foreach (var (a, b) in touching) clusterOf.Union(a, b);
                        results[next] = null;
                        progress?.Report((next + 1, windows.Count));
                    }
                }
                return worker;
            },
            _ => { });
        if (next != windows.Count) throw new InvalidOperationException($"{windows.Count - next} windows were not counted");

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
                var area = areas[i * K + p];
                if (area == 0) continue;
                cm.Add(r.Class, p + 1, area);
                yearCm?.Add(r.Class, p + 1, area);
                total.Add(r.Class, p + 1, area);
            }
        }

        var inv = CultureInfo.InvariantCulture;
        var comparison = $"Cell count: predicted and reference polygons rasterized by GDAL (cell centre inside) onto a longitude/latitude grid of {options.CellSizeM.ToString("0.###", inv)} m cells "
            + "(at the centre of each group of reference polygons), each cell weighted by its area on the WGS 84 ellipsoid; "
            + $"compared area = cells where both label sets have a class ({windows.Count} windows). "
            + "Reference and mapped areas per class: areas of the polygons on the WGS 84 ellipsoid. ";
        var report = AccuracyAssessor.Summarize(total, byYear, clusters.Values.ToList(), referenceArea, mappedArea, comparison, AssessmentMethod.Raster, options.CellSizeM);
        return reliability is null ? report : report with { Reliability = reliability.ToBins(), ExpectedCalibrationError = reliability.ExpectedCalibrationError };
    }

    private static void Load(IEnumerable<LabelPolygon> polygons, LabelStore store, double[] area, IPreparedGeometry? restrict)
    {
        foreach (var p in polygons)
        {
            if (p.Class is < LulcClass.OpenPit or > LulcClass.Vegetation) continue;
            AccuracyAssessor.RequireArea(p.Geometry, p.Source);
            var g = restrict is null ? p.Geometry : AccuracyAssessor.ClipTo(p.Geometry, restrict);
            if (g is null || g.IsEmpty) continue;
            area[(int)p.Class - 1] += EllipsoidArea.Of(g);
            store.Add(g, p.Class, p.Year, p.Confidence ?? double.NaN);
        }
        store.Seal();
    }

    /// <summary>
    /// One window of the grid: its top-left corner and cell size in degrees, its size in cells, and the
    /// polygons it burns (indices into the stores).
    /// </summary>
    internal sealed record Window(double West, double North, double CellWidth, double CellHeight, int Width, int Height, int[] Reference, int[] Predicted);

    /// <summary>
    /// Windows over the reference: groups of reference polygons whose envelopes touch (so polygons that
    /// touch share a group), each group's extent on its grid, split into windows of at most
    /// WindowCells² cells; windows without reference polygons are dropped.
    /// </summary>
    internal static List<Window> Plan(LabelStore refs, LabelStore preds, AssessOptions options)
    {
        var groups = new UnionFind(refs.Count);
        var refIndex = new EnvelopeGrid(refs);
        for (var i = 0; i < refs.Count; i++)
            foreach (var j in refIndex.Query(refs[i].Envelope))
                if (j > i) groups.Union(i, j);
        var predIndex = new EnvelopeGrid(preds);

        var members = new Dictionary<int, List<int>>();
        for (var i = 0; i < refs.Count; i++)
        {
            var root = groups.Find(i);
            if (!members.TryGetValue(root, out var list)) members[root] = list = [];
            list.Add(i);
        }

        var windows = new List<Window>();
        foreach (var group in members.Values)
        {
            var env = new Envelope();
            foreach (var i in group) env.ExpandToInclude(refs[i].Envelope);
            // Square cells of CellSizeM at the group's centre; the grid is aligned on multiples of the cell.
            var (perLat, perLon) = EllipsoidArea.MetresPerDegree(env.Centre.Y);
            var dy = options.CellSizeM / perLat;
            var dx = options.CellSizeM / Math.Max(perLon, perLat * 1e-3);
            var west = (Math.Floor(env.MinX / dx) - 1) * dx;
            var north = (Math.Ceiling(env.MaxY / dy) + 1) * dy;
            var nx = (int)Math.Ceiling((env.MaxX - west) / dx) + 1;
            var ny = (int)Math.Ceiling((north - env.MinY) / dy) + 1;
            for (var ty = 0; ty < ny; ty += options.WindowCells)
                for (var tx = 0; tx < nx; tx += options.WindowCells)
                {
                    var w = Math.Min(options.WindowCells, nx - tx);
                    var h = Math.Min(options.WindowCells, ny - ty);
                    var wx = west + tx * dx;
                    var wy = north - ty * dy;
                    var extent = new Envelope(wx, wx + w * dx, wy - h * dy, wy);
                    var inWindow = w == nx && h == ny
                        ? group.ToArray()
                        : group.Where(i => refs[i].Envelope.Intersects(extent)).ToArray();
                    if (inWindow.Length == 0) continue;
                    var predicted = predIndex.Query(extent).ToArray();
                    windows.Add(new Window(wx, wy, dx, dy, w, h, inWindow, predicted));
                }
        }
        return windows;
    }

    /// <summary>A worker's WKB reader. Counts one window at a time.</summary>
    private sealed class Worker(LabelStore refs, LabelStore preds)
    {
        private readonly WKBReader reader = LabelStore.NewReader();

        /// <summary>
        /// Area (m²) per (reference polygon of the window, predicted class), 7 per polygon; the pairs of
        /// reference polygons found touching; and, when the predictions carry confidence, the window's
        /// reliability sums (null otherwise).
        /// </summary>
        public (double[] Areas, List<(int, int)> Touching, ReliabilityTable? Reliability) Count(Window w)
        {
            var n = w.Reference.Length;
            var cells = w.Width * w.Height;
            var refBytes = ReadAll(refs, w.Reference, out var refWkb);
            var predBytes = ReadAll(preds, w.Predicted, out var predWkb);
            var refCells = ArrayPool<int>.Shared.Rent(cells);
            var predCells = ArrayPool<byte>.Shared.Rent(cells);
            try
            {
                var burn = new double[n];
                for (var k = 0; k < n; k++) burn[k] = k + 1;
                var touching = Touching(w, refBytes, refWkb);

                var transform = new GeoTransform(w.West, w.CellWidth, 0, w.North, 0, -w.CellHeight);
                using (var raster = RasterDataset.CreateInMemory(new RasterProfile { Width = w.Width, Height = w.Height, DataType = RasterDataType.Int32, Transform = transform }))
                {
                    GdalUtils.Rasterize(raster, 1, refWkb, burn, allTouched: false);
                    raster.Read<int>(1, raster.FullWindow, refCells.AsSpan(0, cells));
                }
                var rowArea = new double[w.Height];
                for (var r = 0; r < w.Height; r++)
                {
                    var top = w.North - r * w.CellHeight;
                    rowArea[r] = EllipsoidArea.Band(top - w.CellHeight, top, w.CellWidth);
                }
                ReliabilityTable? reliability = null;
                if (preds.HasConfidence)
                {
                    // Each cell must know its polygon's confidence, not only its class: burn polygon numbers
                    // (the same cells as burning classes: the last polygon burned wins in both).
                    var predIndex = ArrayPool<int>.Shared.Rent(cells);
                    try
                    {
                        var numbers = new double[w.Predicted.Length];
                        for (var k = 0; k < numbers.Length; k++) numbers[k] = k + 1;
                        using (var raster = RasterDataset.CreateInMemory(new RasterProfile { Width = w.Width, Height = w.Height, DataType = RasterDataType.Int32, Transform = transform }))
                        {
                            GdalUtils.Rasterize(raster, 1, predWkb, numbers, allTouched: false);
                            raster.Read<int>(1, raster.FullWindow, predIndex.AsSpan(0, cells));
                        }
                        for (var i = 0; i < cells; i++) predCells[i] = predIndex[i] == 0 ? (byte)0 : preds[w.Predicted[predIndex[i] - 1]].Class;
                        reliability = TallyReliability(refCells.AsSpan(0, cells), predIndex.AsSpan(0, cells), w, rowArea);
                    }
                    finally { ArrayPool<int>.Shared.Return(predIndex); }
                }
                else
                {
                    var classes = new double[w.Predicted.Length];
                    for (var k = 0; k < classes.Length; k++) classes[k] = preds[w.Predicted[k]].Class;
                    using var raster = RasterDataset.CreateInMemory(new RasterProfile { Width = w.Width, Height = w.Height, DataType = RasterDataType.Byte, Transform = transform });
                    GdalUtils.Rasterize(raster, 1, predWkb, classes, allTouched: false);
                    raster.Read<byte>(1, raster.FullWindow, predCells.AsSpan(0, cells));
                }
                return (Tally(refCells.AsSpan(0, cells), predCells.AsSpan(0, cells), w.Width, rowArea, n), touching, reliability);
            }
            finally
            {
                ArrayPool<int>.Shared.Return(refCells);
                ArrayPool<byte>.Shared.Return(predCells);
                ArrayPool<byte>.Shared.Return(refBytes);
                ArrayPool<byte>.Shared.Return(predBytes);
            }
        }

        /// <summary>The reliability sums of a window: each compared cell (both label sets have a class) counts for its predicted polygon's confidence.</summary>
        private ReliabilityTable TallyReliability(ReadOnlySpan<int> reference, ReadOnlySpan<int> predicted, Window w, ReadOnlySpan<double> rowArea)
        {
            var table = new ReliabilityTable();
            for (var row = 0; row < rowArea.Length; row++)
                for (var col = 0; col < w.Width; col++)
                {
                    var i = row * w.Width + col;
                    if (reference[i] == 0 || predicted[i] == 0) continue;
                    var p = preds[w.Predicted[predicted[i] - 1]];
                    if (p.Class is 0 or > K) continue;
                    table.Add(p.Confidence, rowArea[row], refs[w.Reference[reference[i] - 1]].Class == p.Class);
                }
            return table;
        }

        /// <summary>The WKB of the given polygons, one after the other in a rented buffer (return it), and each one's slice.</summary>
        private static byte[] ReadAll(LabelStore store, int[] indices, out ReadOnlyMemory<byte>[] slices)
        {
            long total = 0;
            foreach (var i in indices) total += store[i].Length;
            if (total > Array.MaxLength) throw new InvalidOperationException($"a window's polygons take {total} bytes: use smaller windows");
            var buffer = ArrayPool<byte>.Shared.Rent((int)total);
            slices = new ReadOnlyMemory<byte>[indices.Length];
            var offset = 0;
            for (var k = 0; k < indices.Length; k++)
            {
                var length = store[indices[k]].Length;
                store.ReadWkb(indices[k], buffer.AsSpan(offset, length));
                slices[k] = buffer.AsMemory(offset, length);
                offset += length;
            }
            return buffer;
        }

        private Geometry ReadGeometry(byte[] buffer, ReadOnlyMemory<byte> slice)
        {
            System.Runtime.InteropServices.MemoryMarshal.TryGetArray(slice, out var segment);
            using var stream = new MemoryStream(buffer, segment.Offset, segment.Count, writable: false);
            return reader.Read(stream);
        }

        /// <summary>
        /// Pairs of the window's reference polygons that touch (global indices), by the overlay's test
        /// (<c>Intersects</c>): polygons that share a vertex touch (labels that tile a site do), found
        /// from the WKB; other pairs with overlapping envelopes are read as geometries and tested
        /// exactly, the first one prepared. Only enough pairs to connect each cluster are returned.
        /// </summary>
        private List<(int, int)> Touching(Window w, byte[] buffer, ReadOnlyMemory<byte>[] wkb)
        {
            var pairs = new List<(int, int)>();
            var n = wkb.Length;
            if (n < 2) return pairs;
            var local = new UnionFind(n);
            var owner = new Dictionary<(double, double), int>();
            var points = new List<(double X, double Y)>();
            for (var k = 0; k < n; k++)
            {
                points.Clear();
                WkbPolygons.Points(wkb[k].Span, points);
                foreach (var p in points)
                    if (!owner.TryAdd(p, k)) Join(owner[p], k);
            }
            var tree = new STRtree<int>();
            for (var k = 0; k < n; k++) tree.Insert(refs[w.Reference[k]].Envelope, k);
            tree.Build();
            var geometries = new Geometry?[n];
            for (var a = 0; a < n; a++)
            {
                IPreparedGeometry? prepared = null;
                foreach (var b in tree.Query(refs[w.Reference[a]].Envelope))
                {
                    if (b <= a || local.Find(a) == local.Find(b)) continue;
                    prepared ??= PreparedGeometryFactory.Prepare(geometries[a] ??= ReadGeometry(buffer, wkb[a]));
                    if (prepared.Intersects(geometries[b] ??= ReadGeometry(buffer, wkb[b]))) Join(a, b);
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
    }

    /// <summary>
    /// Sums cell areas per (reference burn value 1..n, predicted class 1..7), row by row (all cells of a
    /// row have the area <paramref name="rowArea"/>[row]); cells without either are not compared.
    /// </summary>
    internal static double[] Tally(ReadOnlySpan<int> reference, ReadOnlySpan<byte> predicted, int width, ReadOnlySpan<double> rowArea, int polygons)
    {
        var areas = new double[polygons * K];
        for (var row = 0; row < rowArea.Length; row++)
        {
            var a = rowArea[row];
            var refRow = reference.Slice(row * width, width);
            var predRow = predicted.Slice(row * width, width);
            for (var i = 0; i < refRow.Length; i++)
            {
                var r = refRow[i];
                if (r == 0) continue;
                var p = predRow[i];
                if (p is 0 or > K) continue;
                areas[(r - 1) * K + p - 1] += a;
            }
        }
        return areas;
    }
}
