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
/// per call from the mean pixel spacing vectors; each pixel walks it outward, and exact distances
/// then decide. The approximation error is bounded from the coordinates themselves (see
/// <see cref="ApplyWithStats"/>), so the result always equals the brute-force definition; pixels for
/// which the stencil cannot prove its answer fall back to a brute-force scan.</para>
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
    /// <param name="Candidates">Exact distances computed by the stencil walks (work measure).</param>
    internal readonly record struct Stats(int StencilPixels, int FallbackPixels, long Candidates);

    /// <summary>
    /// <see cref="Apply"/>, also reporting how much of the work the stencil did (for tests and tuning).
    /// </summary>
    /// <remarks>
    /// Why the stencil answer is exact. With mean spacing vectors u (one column) and v (one row), the
    /// approximate offset of q from p is <c>A(o) = dcol*u + drow*v</c> and <c>d'(o) = |A(o)|</c>. Define the
    /// residual <c>R(s) = X(s) - col(s)*u - row(s)*v</c>; then <c>X(q) - X(p) - A(o) = R(q) - R(p)</c>, so
    /// <c>|d - d'| &lt;= |R(q) - R(p)| &lt;= E</c>, where E is the diagonal of a box holding the residuals of
    /// both pixels: per tile (over its 3 x 3 tile neighbourhood) or for the whole site.
    /// Walking the stencil in d' order until k classified pixels are found gives an upper bound D on
    /// the true k-th distance (their largest exact distance). Every pixel with d' &gt; D + E_tile is then
    /// strictly farther than D and can be skipped; every offset outside the stencil box has
    /// d' &gt;= M = (radius + 1) * (lattice row/column line spacing), so if D + E_site &lt; M nothing outside
    /// the box can matter either. When that check fails, or the stencil holds fewer than k classified
    /// pixels, the pixel is decided by brute force instead.
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
        var votes = new int[256];
        var topD2 = new double[k];
        var topIdx = new int[k];

        var model = StencilModel.TryBuild(classes, grid, classified);
        if (model is null)
        {
            // No usable spacing estimate (e.g. no two adjacent classified pixels): brute force.
            foreach (int p in classified)
                output[p] = BruteForcePixel(p, classes, xs, ys, classified, k, topD2, topIdx, votes);
            return new Stats(0, n, 0);
        }

        StencilEntry[] stencil = model.Stencil;
        double[] tileErr = model.TileError;
        int tilesW = model.TilesWide;
        // Every candidate comes from a distinct stencil entry, so this bounds the candidate count.
        var candD2 = new double[Math.Max(stencil.Length, 1)];
        var candIdx = new int[candD2.Length];
        int stencilPixels = 0, fallbackPixels = 0;
        long candidates = 0;

        foreach (int p in classified)
        {
            int r = p / w, c = p - r * w;
            double px = xs[p], py = ys[p];

            // Phase 1: walk outward until k classified pixels are found; D^2 = largest exact d^2 among them.
            int m = 0, i = 0;
            double maxD2 = 0;
            for (; m < k && i < stencil.Length; i++)
            {
                ref readonly StencilEntry e = ref stencil[i];
                if ((uint)(r + e.Dr) >= (uint)h || (uint)(c + e.Dc) >= (uint)w)
                    continue;
                int q = p + e.Offset;
                if (classes[q] == 0)
                    continue;
                double dx = xs[q] - px, dy = ys[q] - py;
                double d2 = dx * dx + dy * dy;
                candD2[m] = d2;
                candIdx[m] = q;
                m++;
                if (d2 > maxD2)
                    maxD2 = d2;
            }

            double kthBound = Math.Sqrt(maxD2);
            // !(a < b) rather than a >= b so that a NaN bound also falls back.
            if (m < k || !(kthBound + model.SiteError < model.OutsideBound))
            {
                fallbackPixels++;
                output[p] = BruteForcePixel(p, classes, xs, ys, classified, k, topD2, topIdx, votes);
                continue;
            }

            // Phase 2: take every further offset whose approximate distance could still tie or beat D.
            double reach = kthBound + tileErr[(r / TileSize) * tilesW + c / TileSize];
            double reach2 = reach * reach;
            for (; i < stencil.Length && stencil[i].D2 <= reach2; i++)
            {
                ref readonly StencilEntry e = ref stencil[i];
                if ((uint)(r + e.Dr) >= (uint)h || (uint)(c + e.Dc) >= (uint)w)
                    continue;
                int q = p + e.Offset;
                if (classes[q] == 0)
                    continue;
                double dx = xs[q] - px, dy = ys[q] - py;
                candD2[m] = dx * dx + dy * dy;
                candIdx[m] = q;
                m++;
            }

            // The walk order is close to the exact order, so insertion sort is nearly linear here.
            InsertionSort(candD2, candIdx, m);
            output[p] = Vote(classes, candIdx, k, votes);
            stencilPixels++;
            candidates += m;
        }
        return new Stats(stencilPixels, fallbackPixels, candidates);
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

    private static void InsertionSort(double[] d2, int[] idx, int count)
    {
        for (int i = 1; i < count; i++)
        {
            double kd = d2[i];
            int ki = idx[i];
            int j = i - 1;
            while (j >= 0 && Precedes(kd, ki, d2[j], idx[j]))
            {
                d2[j + 1] = d2[j];
                idx[j + 1] = idx[j];
                j--;
            }
            d2[j + 1] = kd;
            idx[j + 1] = ki;
        }
    }

    /// <summary>Most frequent class among the first k indices; ties go to the smallest code.</summary>
    /// <param name="votes">256 zeros on entry; left all zero on exit (only touched entries are reset).</param>
    private static byte Vote(ReadOnlySpan<byte> classes, int[] idx, int k, int[] votes)
    {
        // Incremental argmax: after each increment, best is the smallest code among those with the top count.
        int best = 0, bestCount = 0;
        for (int i = 0; i < k; i++)
        {
            int cls = classes[idx[i]];
            int count = ++votes[cls];
            if (count > bestCount || (count == bestCount && cls < best))
            {
                best = cls;
                bestCount = count;
            }
        }
        for (int i = 0; i < k; i++)
            votes[classes[idx[i]]] = 0;
        return (byte)best;
    }

    /// <summary>Fallback: scan all classified pixels, keeping the k first in (d2, index) order.</summary>
    private static byte BruteForcePixel(int p, ReadOnlySpan<byte> classes, double[] xs, double[] ys,
        int[] classified, int k, double[] topD2, int[] topIdx, int[] votes)
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
        return Vote(classes, topIdx, k, votes);
    }

    /// <summary>One stencil offset: row and column deltas, the row-major index delta, approximate d^2 (m^2).</summary>
    internal readonly record struct StencilEntry(int Dr, int Dc, int Offset, double D2);

    /// <summary>The per-call stencil and the error bounds that make it exact (see <see cref="ApplyWithStats"/>).</summary>
    internal sealed class StencilModel
    {
        /// <summary>Offsets with approximate distance below <see cref="OutsideBound"/>, sorted by (D2, Dr, Dc).</summary>
        public required StencilEntry[] Stencil { get; init; }

        /// <summary>Lower bound (m) on the approximate distance of any offset outside the stencil box.</summary>
        public required double OutsideBound { get; init; }

        /// <summary>Bound (m) on |exact - approximate distance| for any two classified pixels of the site.</summary>
        public required double SiteError { get; init; }

        /// <summary>Per tile: bound (m) on |exact - approximate distance| within its 3 x 3 tile neighbourhood.</summary>
        public required double[] TileError { get; init; }

        public required int TilesWide { get; init; }

        /// <summary>Builds the model, or returns null when the coordinates give no usable spacing.</summary>
        public static StencilModel? TryBuild(ReadOnlySpan<byte> classes, MetricGrid grid, int[] classified)
        {
            int w = grid.Width, h = grid.Height;
            double[] xs = grid.XArray, ys = grid.YArray;

            // Spacing vectors: mean step between horizontally / vertically adjacent classified pixels.
            // Only the stencil order depends on them; the error bounds below make any estimate safe.
            double sux = 0, suy = 0, svx = 0, svy = 0;
            long nu = 0, nv = 0;
            foreach (int p in classified)
            {
                int c = p % w;
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
            double gMinX = double.PositiveInfinity, gMaxX = double.NegativeInfinity;
            double gMinY = double.PositiveInfinity, gMaxY = double.NegativeInfinity;
            double maxAbs = 0;
            foreach (int p in classified)
            {
                int r = p / w, c = p - r * w;
                double rx = xs[p] - c * ux - r * vx;
                double ry = ys[p] - c * uy - r * vy;
                int t = 4 * ((r / TileSize) * tilesW + c / TileSize);
                box[t] = Math.Min(box[t], rx);
                box[t + 1] = Math.Max(box[t + 1], rx);
                box[t + 2] = Math.Min(box[t + 2], ry);
                box[t + 3] = Math.Max(box[t + 3], ry);
                gMinX = Math.Min(gMinX, rx);
                gMaxX = Math.Max(gMaxX, rx);
                gMinY = Math.Min(gMinY, ry);
                gMaxY = Math.Max(gMaxY, ry);
                maxAbs = Math.Max(maxAbs, Math.Max(Math.Abs(xs[p]), Math.Abs(ys[p])));
            }
            // Slack for floating-point rounding in residuals and distances: rounding is ~1e-16 relative to
            // the coordinates (1e-9 m for UTM northings); this is orders of magnitude more, and costs nothing.
            double eps = 1e-6 + 1e-12 * maxAbs;
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
            double outside2 = outside * outside;
            var list = new List<StencilEntry>();
            for (int dr = -StencilRadius; dr <= StencilRadius; dr++)
            for (int dc = -StencilRadius; dc <= StencilRadius; dc++)
            {
                double ax = dc * ux + dr * vx, ay = dc * uy + dr * vy;
                double d2 = ax * ax + ay * ay;
                if (d2 < outside2)
                    list.Add(new StencilEntry(dr, dc, dr * w + dc, d2));
            }
            // (D2, Dr, Dc): deterministic, and equal approximate distances come in row-major order.
            list.Sort(static (a, b) =>
                a.D2 != b.D2 ? a.D2.CompareTo(b.D2) : a.Dr != b.Dr ? a.Dr.CompareTo(b.Dr) : a.Dc.CompareTo(b.Dc));

            return new StencilModel
            {
                Stencil = list.ToArray(),
                OutsideBound = outside,
                SiteError = siteError,
                TileError = tileError,
                TilesWide = tilesW,
            };
        }
    }
}
