using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MiningLulc.Smooth;

/// <summary>
/// The published k-nearest-neighbour majority filter (the dataset authors' R post-processing):
/// every classified pixel takes the most frequent class among its <c>k = min(neighbours, n)</c>
/// nearest classified pixels of the site, itself included, where <c>n</c> is the number of
/// classified pixels and distances are Euclidean between pixel centres in metres.
/// </summary>
/// <remarks>
/// <para>Semantics, exactly:</para>
/// <list type="bullet">
/// <item>Class 0 is unclassified: it neither votes nor changes (it stays 0 in the output). Any
/// other byte value is a class; the published data uses 1..7.</item>
/// <item>Distances are computed from the supplied <see cref="MetricGrid"/> coordinates as
/// <c>dx*dx + dy*dy</c> (metres squared). Equal distances at the k-th neighbour are broken by
/// (distance, row, col), i.e. the pixel earlier in row-major order is taken first. (The R reference
/// uses FNN's kd-tree order there, which is its own; the fixture marks those pixels.)</item>
/// <item>The most frequent class wins; a tie in votes goes to the smallest class code.</item>
/// </list>
/// <para>Method: a stencil of (drow, dcol) offsets sorted by approximate metric distance, built once
/// per call from the mean pixel spacing vectors; each pixel walks it outward to its k-th classified
/// pixel, and exact distances decide only among the pixels whose approximate distance is too close
/// to the k-th to be sure. The approximation error is bounded from the coordinates themselves (see
/// <see cref="ApplyWithStats"/>), so the result always equals the brute-force definition; pixels for
/// which the stencil cannot prove its answer fall back to a brute-force scan of the site. Cost: about
/// O(k) per pixel on a dense site, O(n) per fallback pixel; memory O(grid cells) per call.</para>
/// <para>Thread-safety: the methods are stateless; all scratch memory is allocated per call, so
/// concurrent calls are safe as long as they don't write to the same output or mutate the inputs.
/// Each call runs on the calling thread only.</para>
/// </remarks>
public static class MajorityFilter
{
    /// <summary>The k of the published filter (R: <c>FNN::get.knnx(..., k = min(48, n))</c>).</summary>
    public const int PublishedNeighbours = 48;

    // Error bounds are kept per tile of TileSize x TileSize pixels, so that a large site with a
    // slowly varying spacing (projection curvature) still gets tight local margins.
    internal const int TileSize = 32;

    // Half-width of the stencil box. It must not exceed TileSize: then every offset of the stencil,
    // applied to a pixel of tile t, lands in the 3 x 3 tiles around t, where t's bound holds.
    internal const int StencilRadius = TileSize;

    /// <summary>Applies the majority filter to one site.</summary>
    /// <param name="classes">Class of each cell, row-major like <paramref name="grid"/>; 0 = unclassified.
    /// All classified cells form the site.</param>
    /// <param name="grid">Pixel-centre coordinates in metres. Coordinates of classified cells must be finite.</param>
    /// <param name="output">Receives the filtered classes (same length; 0 where the input is 0).
    /// Must not overlap <paramref name="classes"/>.</param>
    /// <param name="neighbours">k before capping at the number of classified pixels; at least 1.</param>
    /// <exception cref="ArgumentException">Lengths differ from the grid, the spans overlap, or a
    /// classified cell has a non-finite coordinate.</exception>
    public static void Apply(ReadOnlySpan<byte> classes, MetricGrid grid, Span<byte> output,
        int neighbours = PublishedNeighbours)
        => ApplyWithStats(classes, grid, output, neighbours);

    /// <summary>How the pixels were decided: by the stencil walk or by the brute-force fallback.</summary>
    /// <param name="StencilPixels">Pixels decided by the stencil.</param>
    /// <param name="FallbackPixels">Pixels decided by a brute-force scan of all classified pixels.</param>
    /// <param name="ExactDistances">Exact distances the stencil path had to compute (pixels in the band
    /// of uncertain distances; a work measure).</param>
    internal readonly record struct Stats(int StencilPixels, int FallbackPixels, long ExactDistances);

    /// <summary>
    /// <see cref="Apply"/>, also reporting how much of the work the stencil did (for tests and tuning).
    /// </summary>
    /// <remarks>
    /// <para>Why the stencil answer is exact. With mean spacing vectors u (one column) and v (one row),
    /// the approximate offset of q from p is <c>A(o) = dcol*u + drow*v</c> and <c>d'(o) = |A(o)|</c>. With
    /// the residual <c>R(s) = X(s) - col(s)*u - row(s)*v</c>, <c>X(q) - X(p) - A(o) = R(q) - R(p)</c>, so
    /// <c>|d - d'| &lt;= E</c>, E being the diagonal of a box holding both residuals: E_tile for q within
    /// the 3 x 3 tiles around p's tile (which hold the whole stencil box), E_site for any q. Every
    /// offset outside the stencil box has <c>d' &gt;= M = (radius + 1) * (lattice line spacing)</c>.</para>
    /// <para>Walk the stencil in d' order until the k-th classified pixel, at d' = dk. Then the true
    /// k-th distance D satisfies <c>dk - E &lt;= D &lt;= dk + E</c> (E = E_tile), provided
    /// <c>dk + E + E_site &lt; M</c> so nothing outside the box can come closer. A pixel with
    /// <c>d' &lt; dk - 2E</c> is then strictly closer than D, hence surely among the k nearest whatever
    /// the tie-break, and needs no exact distance; one with <c>d' &gt; dk + 2E</c> is strictly farther
    /// and surely out. Only the band in between gets exact distances and the (distance, row, col)
    /// selection. On grids that are affine up to rounding (UTM grids), E is ~1e-5 m and the band holds
    /// just the pixels tied with the k-th. If the check fails or the stencil holds fewer than k
    /// classified pixels (sparse site), the pixel is decided by brute force instead.</para>
    /// </remarks>
    internal static Stats ApplyWithStats(ReadOnlySpan<byte> classes, MetricGrid grid, Span<byte> output,
        int neighbours = PublishedNeighbours)
    {
        int[] classified = ValidateArguments(classes, grid, output, neighbours);
        output.Clear();
        int n = classified.Length;
        if (n == 0)
            return default;
        int k = Math.Min(neighbours, n);

        double[] xs = grid.XArray, ys = grid.YArray;
        int w = grid.Width, h = grid.Height;
        // Vote counts per class code. The winner is found by scanning codes 1..maxCode, which is
        // cheap for the usual 7 classes and branch-predictable (unlike a running argmax).
        int maxCode = 0;
        foreach (int p in classified)
            maxCode = Math.Max(maxCode, classes[p]);
        var counts = new int[maxCode + 1];
        var topD2 = new double[k];
        var topIdx = new int[k];

        var model = StencilModel.TryBuild(classes, grid);
        if (model is null)
        {
            // No usable spacing estimate (e.g. no two adjacent classified pixels): brute force.
            foreach (int p in classified)
                output[p] = BruteForcePixel(p, classes, xs, ys, classified, k, topD2, topIdx, counts);
            return new Stats(0, n, 0);
        }

        // The class raster with a border of StencilRadius zeros: the walk then needs no bounds checks,
        // since a stencil step never leaves the padded raster and a padded 0 is simply unclassified.
        const int pad = StencilRadius;
        int pw = w + 2 * pad;
        var padded = new byte[checked(pw * (h + 2 * pad))];
        for (int r = 0; r < h; r++)
            classes.Slice(r * w, w).CopyTo(padded.AsSpan((r + pad) * pw + pad, w));

        int len = model.Stencil.Length;
        var padOffset = new int[len];   // step in the padded class raster (hot: every step)
        var gridOffset = new int[len];  // step in the grid (only for steps whose exact distance is needed)
        var approxD2 = new double[len];
        for (int s = 0; s < len; s++)
        {
            StencilEntry e = model.Stencil[s];
            padOffset[s] = e.Dr * pw + e.Dc;
            gridOffset[s] = e.Offset;
            approxD2[s] = e.D2;
        }
        double[] tileErr = model.TileError;
        int tilesW = model.TilesWide;
        // Every candidate comes from a distinct stencil step, so len bounds the candidate count.
        var candD2 = new double[len];
        var candIdx = new int[len];
        var candCls = new byte[len];
        int stencilPixels = 0, fallbackPixels = 0;
        long exactDistances = 0;

        // Unchecked access in the walk: padded indices stay inside 'padded' since |step| <= pad, and a
        // class read from it is at most maxCode, the last index of counts.
        ref byte pad0 = ref MemoryMarshal.GetArrayDataReference(padded);
        ref int step0 = ref MemoryMarshal.GetArrayDataReference(padOffset);
        ref int counts0 = ref MemoryMarshal.GetArrayDataReference(counts);

        // Row/column loops rather than the classified list: no division per pixel.
        for (int r = 0; r < h; r++)
            for (int c = 0, p = r * w, pp = (r + pad) * pw + pad; c < w; c++, p++, pp++)
            {
                if (classes[p] == 0)
                    continue;

                // Phase 1: count the classes of the first k classified pixels in approximate-distance order.
                // i ends on the step of the k-th one, whose approximate distance is dk.
                int m = 0, i = 0;
                for (; i < len; i++)
                {
                    byte cls = Unsafe.Add(ref pad0, pp + Unsafe.Add(ref step0, i));
                    // Branch-free: unclassified steps land in counts[0], which is reset below.
                    Unsafe.Add(ref counts0, cls)++;
                    m += cls != 0 ? 1 : 0;
                    if (m == k)
                        break;
                }
                counts[0] = 0;

                double err = tileErr[(r / TileSize) * tilesW + c / TileSize];
                double dk = m == k ? Math.Sqrt(approxD2[i]) : double.NaN;
                // !(a < b) rather than a >= b so that NaN (stencil exhausted) also falls back.
                if (!(dk + err + model.SiteError < model.OutsideBound))
                {
                    Array.Clear(counts);
                    fallbackPixels++;
                    output[p] = BruteForcePixel(p, classes, xs, ys, classified, k, topD2, topIdx, counts);
                    continue;
                }

                // Phase 2: only the band of approximate distances [dk - 2 err, dk + 2 err] is uncertain.
                // Below it a pixel is surely among the k nearest, above it surely not (see remarks).
                double lo = dk - 2 * err, hi = dk + 2 * err;
                double lo2 = lo > 0 ? lo * lo : double.NegativeInfinity, hi2 = hi * hi;
                int band = i;
                while (band > 0 && approxD2[band - 1] >= lo2)
                    band--;
                double px = xs[p], py = ys[p];
                int b = 0, need = 0;
                for (int j = band; j < len && approxD2[j] <= hi2; j++)
                {
                    byte cls = Unsafe.Add(ref pad0, pp + Unsafe.Add(ref step0, j));
                    if (cls == 0)
                        continue;
                    if (j <= i)
                    {
                        // Counted in phase 1 but not certain: uncount it; one band pixel must be chosen instead.
                        counts[cls]--;
                        need++;
                    }
                    int q = p + gridOffset[j];
                    double dx = xs[q] - px, dy = ys[q] - py;
                    candD2[b] = dx * dx + dy * dy;
                    candIdx[b] = q;
                    candCls[b] = cls;
                    b++;
                }

                // The 'need' first band pixels in (d2, index) order. Bands are short (the pixels tied or
                // nearly tied with the k-th), and come nearly sorted, so insertion sort is the simple choice.
                if (need < b)
                    InsertionSort(candD2, candIdx, candCls, b);
                for (int j = 0; j < need; j++)
                    counts[candCls[j]]++;
                output[p] = TakeWinner(counts);
                stencilPixels++;
                exactDistances += b;
            }
        return new Stats(stencilPixels, fallbackPixels, exactDistances);
    }

    /// <summary>Checks the arguments; returns the row-major indices of the classified cells.</summary>
    internal static int[] ValidateArguments(ReadOnlySpan<byte> classes, MetricGrid grid, ReadOnlySpan<byte> output,
        int neighbours)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentOutOfRangeException.ThrowIfLessThan(neighbours, 1);
        if (classes.Length != grid.Count)
            throw new ArgumentException($"classes has {classes.Length} cells, the grid {grid.Count}.", nameof(classes));
        if (output.Length != grid.Count)
            throw new ArgumentException($"output has {output.Length} cells, the grid {grid.Count}.", nameof(output));
        if (classes.Overlaps(output))
            throw new ArgumentException("output must not overlap classes (the filter reads the unfiltered classes).",
                nameof(output));

        int n = 0;
        foreach (byte b in classes)
            if (b != 0)
                n++;
        var classified = new int[n];
        ReadOnlySpan<double> xs = grid.X, ys = grid.Y;
        for (int i = 0, j = 0; i < classes.Length; i++)
        {
            if (classes[i] == 0)
                continue;
            if (!double.IsFinite(xs[i]) || !double.IsFinite(ys[i]))
                throw new ArgumentException(
                    $"Classified cell (row {i / grid.Width}, col {i % grid.Width}) has a non-finite coordinate.",
                    nameof(grid));
            classified[j++] = i;
        }
        return classified;
    }

    /// <summary>(d2, index) order: distance, then row, then col (index is row-major).</summary>
    private static bool Precedes(double d2a, int ia, double d2b, int ib) => d2a < d2b || (d2a == d2b && ia < ib);

    private static void InsertionSort(double[] d2, int[] idx, byte[] cls, int count)
    {
        for (int i = 1; i < count; i++)
        {
            double kd = d2[i];
            int ki = idx[i];
            byte kc = cls[i];
            int j = i - 1;
            while (j >= 0 && Precedes(kd, ki, d2[j], idx[j]))
            {
                d2[j + 1] = d2[j];
                idx[j + 1] = idx[j];
                cls[j + 1] = cls[j];
                j--;
            }
            d2[j + 1] = kd;
            idx[j + 1] = ki;
            cls[j + 1] = kc;
        }
    }

    /// <summary>
    /// The class with most votes, the smallest code on a tie (scanning upwards with a strict '&gt;');
    /// resets the counts to zero for the next pixel.
    /// </summary>
    private static byte TakeWinner(int[] counts)
    {
        int best = 0, bestCount = 0;
        for (int cls = 1; cls < counts.Length; cls++)
        {
            if (counts[cls] > bestCount)
            {
                best = cls;
                bestCount = counts[cls];
            }
            counts[cls] = 0;
        }
        return (byte)best;
    }

    /// <summary>Fallback: scan all classified pixels, keeping the k first in (d2, index) order.</summary>
    /// <param name="counts">All zero on entry and on exit.</param>
    private static byte BruteForcePixel(int p, ReadOnlySpan<byte> classes, double[] xs, double[] ys,
        int[] classified, int k, double[] topD2, int[] topIdx, int[] counts)
    {
        double px = xs[p], py = ys[p];
        int m = 0;
        foreach (int q in classified)
        {
            double dx = xs[q] - px, dy = ys[q] - py;
            double d2 = dx * dx + dy * dy;
            int j;
            if (m < k)
                j = m++ - 1;
            else if (Precedes(d2, q, topD2[k - 1], topIdx[k - 1]))
                j = k - 2; // the last one drops out
            else
                continue;
            while (j >= 0 && Precedes(d2, q, topD2[j], topIdx[j]))
            {
                topD2[j + 1] = topD2[j];
                topIdx[j + 1] = topIdx[j];
                j--;
            }
            topD2[j + 1] = d2;
            topIdx[j + 1] = q;
        }
        for (int i = 0; i < k; i++)
            counts[classes[topIdx[i]]]++;
        return TakeWinner(counts);
    }

    /// <summary>One stencil offset: row and column deltas, the row-major index delta, approximate d^2 (m^2).</summary>
    internal readonly record struct StencilEntry(int Dr, int Dc, int Offset, double D2);

    /// <summary>The per-call stencil and the error bounds that make it exact (see <see cref="ApplyWithStats"/>).</summary>
    internal sealed class StencilModel
    {
        /// <summary>Offsets with approximate distance below <see cref="OutsideBound"/>, sorted by D2 (slightly truncated, see <see cref="TryBuild"/>).</summary>
        public required StencilEntry[] Stencil { get; init; }

        /// <summary>Lower bound (m) on the approximate distance of any offset outside the stencil box.</summary>
        public required double OutsideBound { get; init; }

        /// <summary>Bound (m) on |exact - approximate distance| for any two classified pixels of the site.</summary>
        public required double SiteError { get; init; }

        /// <summary>Per tile: bound (m) on |exact - approximate distance| within its 3 x 3 tile neighbourhood.</summary>
        public required double[] TileError { get; init; }

        public required int TilesWide { get; init; }

        /// <summary>Builds the model, or returns null when the coordinates give no usable spacing.</summary>
        public static StencilModel? TryBuild(ReadOnlySpan<byte> classes, MetricGrid grid)
        {
            int w = grid.Width, h = grid.Height;
            double[] xs = grid.XArray, ys = grid.YArray;

            // Spacing vectors: mean step between horizontally / vertically adjacent classified pixels.
            // Only the stencil order depends on them; the error bounds below make any estimate safe.
            double sux = 0, suy = 0, svx = 0, svy = 0;
            long nu = 0, nv = 0;
            for (int r = 0; r < h; r++)
                for (int c = 0, p = r * w; c < w; c++, p++)
                {
                    if (classes[p] == 0)
                        continue;
                    if (c + 1 < w && classes[p + 1] != 0)
                    {
                        sux += xs[p + 1] - xs[p];
                        suy += ys[p + 1] - ys[p];
                        nu++;
                    }
                    if (p + w < classes.Length && classes[p + w] != 0)
                    {
                        svx += xs[p + w] - xs[p];
                        svy += ys[p + w] - ys[p];
                        nv++;
                    }
                }
            if (nu == 0 || nv == 0)
                return null;
            double ux = sux / nu, uy = suy / nu, vx = svx / nv, vy = svy / nv;
            double det = Math.Abs(ux * vy - uy * vx);
            double maxLen = Math.Max(Math.Sqrt(ux * ux + uy * uy), Math.Sqrt(vx * vx + vy * vy));
            if (!(det > 0) || !double.IsFinite(det) || !double.IsFinite(maxLen))
                return null;
            // |A(o)| >= |dcol| * det / |v| and >= |drow| * det / |u| (distance between lattice lines), and an
            // offset outside the box has |drow| or |dcol| >= radius + 1.
            double outside = (StencilRadius + 1) * (det / maxLen);

            // Residual boxes per tile and for the whole site.
            int tilesW = (w + TileSize - 1) / TileSize, tilesH = (h + TileSize - 1) / TileSize;
            int tiles = tilesW * tilesH;
            var box = new double[tiles * 4]; // minX, maxX, minY, maxY
            for (int t = 0; t < tiles; t++)
            {
                box[4 * t] = box[4 * t + 2] = double.PositiveInfinity;
                box[4 * t + 1] = box[4 * t + 3] = double.NegativeInfinity;
            }
            for (int r = 0; r < h; r++)
                for (int c = 0, p = r * w; c < w; c++, p++)
                {
                    if (classes[p] == 0)
                        continue;
                    double rx = xs[p] - c * ux - r * vx;
                    double ry = ys[p] - c * uy - r * vy;
                    int t = 4 * ((r / TileSize) * tilesW + c / TileSize);
                    // Plain comparisons: Math.Min/Max pay for NaN and -0 semantics, not needed for finite values.
                    if (rx < box[t]) box[t] = rx;
                    if (rx > box[t + 1]) box[t + 1] = rx;
                    if (ry < box[t + 2]) box[t + 2] = ry;
                    if (ry > box[t + 3]) box[t + 3] = ry;
                }
            double gMinX = double.PositiveInfinity, gMaxX = double.NegativeInfinity;
            double gMinY = double.PositiveInfinity, gMaxY = double.NegativeInfinity;
            for (int t = 0; t < 4 * tiles; t += 4)
            {
                gMinX = Math.Min(gMinX, box[t]);
                gMaxX = Math.Max(gMaxX, box[t + 1]);
                gMinY = Math.Min(gMinY, box[t + 2]);
                gMaxY = Math.Max(gMaxY, box[t + 3]);
            }
            // Slack for floating-point rounding in residuals and distances: rounding is ~1e-16 relative to
            // the coordinates (1e-9 m for UTM northings); this is orders of magnitude more, and costs nothing.
            // maxAbs bounds |x| and |y| over the site (residual plus the largest lattice term).
            double maxAbs = Math.Max(
                Math.Max(Math.Abs(gMinX), Math.Abs(gMaxX)) + w * Math.Abs(ux) + h * Math.Abs(vx),
                Math.Max(Math.Abs(gMinY), Math.Abs(gMaxY)) + w * Math.Abs(uy) + h * Math.Abs(vy));
            // The last term covers the truncation of the stencil's approximate distances (see below).
            double eps = 1e-6 + 1e-12 * maxAbs + 1e-11 * outside;
            double siteError = Math.Sqrt((gMaxX - gMinX) * (gMaxX - gMinX) + (gMaxY - gMinY) * (gMaxY - gMinY)) + eps;
            if (!double.IsFinite(siteError))
                return null;

            var tileError = new double[tiles];
            for (int tr = 0; tr < tilesH; tr++)
                for (int tc = 0; tc < tilesW; tc++)
                {
                    double minX = double.PositiveInfinity, maxX = double.NegativeInfinity;
                    double minY = double.PositiveInfinity, maxY = double.NegativeInfinity;
                    for (int ar = Math.Max(tr - 1, 0); ar <= Math.Min(tr + 1, tilesH - 1); ar++)
                        for (int ac = Math.Max(tc - 1, 0); ac <= Math.Min(tc + 1, tilesW - 1); ac++)
                        {
                            int t = 4 * (ar * tilesW + ac);
                            minX = Math.Min(minX, box[t]);
                            maxX = Math.Max(maxX, box[t + 1]);
                            minY = Math.Min(minY, box[t + 2]);
                            maxY = Math.Max(maxY, box[t + 3]);
                        }
                    // A tile with no classified pixel is never queried; its value is irrelevant.
                    tileError[tr * tilesW + tc] = maxX >= minX
                        ? Math.Sqrt((maxX - minX) * (maxX - minX) + (maxY - minY) * (maxY - minY)) + eps
                        : siteError;
                }

            // Offsets of the box whose approximate distance is below the outside bound: together they are
            // every offset (anywhere) with d' < outside, so a walk that stops below it has missed nothing.
            // Sorting: one array of 64-bit keys, each the bits of the approximate d^2 (non-negative doubles
            // order like their bit patterns) with the lowest IndexBits mantissa bits replaced by the box
            // position. Sorting plain longs is ~10x faster than sorting keys with items, which mattered for
            // small sites. The truncated d^2 (at most 2^-39 relative, i.e. < 1e-9 m at 250 m) becomes the
            // stencil's approximate distance; eps below covers the difference.
            const int side = 2 * StencilRadius + 1;
            const int indexBits = 13;
            const long indexMask = (1L << indexBits) - 1;
            System.Diagnostics.Debug.Assert(side * side <= indexMask + 1);
            double outside2 = outside * outside;
            var keys = new long[side * side];
            int len = 0;
            for (int dr = -StencilRadius; dr <= StencilRadius; dr++)
                for (int dc = -StencilRadius; dc <= StencilRadius; dc++)
                {
                    double ax = dc * ux + dr * vx, ay = dc * uy + dr * vy;
                    double d2 = ax * ax + ay * ay;
                    if (d2 < outside2)
                        keys[len++] = (BitConverter.DoubleToInt64Bits(d2) & ~indexMask)
                                      | (long)((dr + StencilRadius) * side + dc + StencilRadius);
                }
            // The order among equal keys does not matter: equal approximate distances are always on the
            // same side of the band of uncertain distances, or all inside it.
            Array.Sort(keys, 0, len);
            var stencil = new StencilEntry[len];
            for (int j = 0; j < len; j++)
            {
                int pos = (int)(keys[j] & indexMask);
                int dr = pos / side - StencilRadius, dc = pos % side - StencilRadius;
                stencil[j] = new StencilEntry(dr, dc, dr * w + dc, BitConverter.Int64BitsToDouble(keys[j] & ~indexMask));
            }

            return new StencilModel
            {
                Stencil = stencil,
                OutsideBound = outside,
                SiteError = siteError,
                TileError = tileError,
                TilesWide = tilesW,
            };
        }
    }
}
