using System.Globalization;
using MiningLulc.Catalog;
using MiningLulc.Geo;
using NetTopologySuite.Geometries;

namespace MiningLulc.Align;

/// <summary>
/// Puts one site's inputs on the composite's own grid: the reflectances read straight from the
/// composite (a VRT mosaic when the year has several tiles), the DCM warped onto the same grid by
/// GDAL, the site polygon rasterized as the mask. Holds open datasets: one instance per worker,
/// not thread-safe.
/// </summary>
public sealed class SiteAligner : IDisposable
{
    private readonly RegionFolder folder;
    private readonly AlignSettings settings;
    private readonly Dictionary<int, Composite> composites = [];
    private readonly GridTransforms transforms = new();
    private readonly Lazy<RasterDataset> dcm;
    private readonly Lazy<RasterDataset?> time;
    private readonly Lazy<Geometry> dcmFootprint;
    private readonly Lazy<bool> timeIsWgs84;
    private float[] stampScratch = [];

    public SiteAligner(RegionFolder folder, AlignSettings settings)
    {
        this.folder = folder;
        this.settings = settings;
        dcm = new Lazy<RasterDataset>(() => Mosaic(folder.DcmFiles(), folder.Settings.DcmNoData));
        time = new Lazy<RasterDataset?>(() => folder.TimeFiles() is { Count: > 0 } files ? Mosaic(files, folder.Settings.TimeNoData) : null);
        dcmFootprint = new Lazy<Geometry>(() => Footprint(folder.DcmFiles()));
        timeIsWgs84 = new Lazy<bool>(() =>
        {
            if (time.Value is not { } t) return false;
            using var crs = t.Crs();
            using var wgs84 = SpatialReference.Wgs84();
            return crs.IsSame(wgs84);
        });
    }

    private static RasterDataset Mosaic(IReadOnlyList<string> files, double noData)
    {
        var nd = noData.ToString("R", CultureInfo.InvariantCulture);
        return GdalUtils.BuildVrt("", files, ["-srcnodata", nd, "-vrtnodata", nd]);
    }

    /// <summary>
    /// The union of the readable DCM tiles' extents (EPSG:4326): where the DCM has tiles at all. A tile
    /// GDAL cannot open is left out here as in the mosaic: the catalog skipped the sites that may lie on
    /// it, naming the file (<see cref="Catalog.TileSet"/>), so it does not fail the others.
    /// </summary>
    private static Geometry Footprint(IReadOnlyList<string> files) => TileSet.Open(files, "DCM").Footprint;

    /// <summary>Which files hold which bands of a year's composite, at what pixel size.</summary>
    public string DescribeComposite(int year) => Composite(year).Describe();

    /// <summary>A whole site as one block (the align command, tests; small sites).</summary>
    public AlignedSite Align(CatalogEntry entry)
    {
        var layout = Plan(entry);
        return Read(layout, new Window(0, 0, layout.Grid.Width, layout.Grid.Height));
    }

    /// <summary>
    /// The site's grid (a window of the composite's own grid around the site plus the halo), its
    /// polygon in the grid CRS and its mask: everything but the pixel data, 1 byte per pixel.
    /// </summary>
    public SiteLayout Plan(CatalogEntry entry)
    {
        if (entry.Year is not int year) throw new InvalidOperationException($"site {entry.Site.Id} has no year");
        var s2 = Composite(year);
        var siteInGrid = GeometryOps.Transform(entry.Site.Geometry, transforms.FromWgs84(s2.CrsWkt));
        var window = WindowAround(siteInGrid.EnvelopeInternal, s2.Transform, settings.HaloPixels).Intersect(s2.FullWindow);
        var insideComposite = ShareInside(siteInGrid, s2.Footprint);
        if (window.IsEmpty || insideComposite == 0)
            throw new InvalidInputException($"site {entry.Site.Id} lies outside the {year} composite", s2.Path);
        if ((long)window.Width * window.Height > SiteGrid.MaxPixels)
            throw new InvalidInputException(string.Create(CultureInfo.InvariantCulture,
                $"site {entry.Site.Id} spans {window.Width:N0} x {window.Height:N0} pixels of the {year} composite ({(long)window.Width * window.Height:N0}), more than the {SiteGrid.MaxPixels:N0} one site can hold: split it into smaller sites"));
        var grid = new SiteGrid(window.Width, window.Height, s2.Transform.Shift(window.ColOff, window.RowOff), s2.CrsWkt, window);
        var mask = RasterizeSite(grid, siteInGrid, allTouched: !settings.CentreInside);
        return new SiteLayout(entry, grid, siteInGrid, mask)
        {
            InsideComposite = insideComposite,
            InsideDcm = ShareInside(entry.Site.Geometry, dcmFootprint.Value),
            StampsAllOfSiteYear = StampsAllOf(year, grid),
        };
    }

    /// <summary>
    /// The site in blocks of at most <paramref name="blockSize"/>² interior pixels, each read with a
    /// halo of <see cref="AlignSettings.HaloPixels"/>, or <paramref name="halo"/> when given (within the
    /// site grid), so focal features at block borders equal those of the whole site. Memory is bounded
    /// by the block, not the site.
    /// </summary>
    /// <param name="withTime">Read the time stamps too (false: <see cref="AlignedSite.Time"/> is null).</param>
    /// <param name="buffers">The worker's reused arrays: each block then lives until the next is read.</param>
    /// <param name="halo">
    /// Pixels read around each block: at least the feature set's largest focal radius. Only the blocks' reads
    /// widen: the site grid keeps its margin of <see cref="AlignSettings.HaloPixels"/>, so no more pixels are
    /// classified, and a wider halo changes no value (the whole site is the reference either way).
    /// </param>
    /// <param name="withDh">Warp the DCM too (false: <see cref="AlignedSite.Dh"/> is empty; the exact warp is most of a read).</param>
    public IEnumerable<(AlignedSite Block, Window Interior)> Blocks(SiteLayout layout, int blockSize, bool withTime = true, BlockBuffers? buffers = null, int? halo = null, bool withDh = true)
    {
        var full = new Window(0, 0, layout.Grid.Width, layout.Grid.Height);
        var h = halo ?? settings.HaloPixels;
        foreach (var tile in full.Subdivide(blockSize, blockSize))
        {
            var read = new Window(tile.ColOff - h, tile.RowOff - h, tile.Width + 2 * h, tile.Height + 2 * h).Intersect(full);
            var interior = new Window(tile.ColOff - read.ColOff, tile.RowOff - read.RowOff, tile.Width, tile.Height);
            yield return (Read(layout, read, withTime, buffers, withDh), interior);
        }
    }

    /// <summary>Reads the pixel data of a window of the site grid (into <paramref name="buffers"/> when given).</summary>
    public AlignedSite Read(SiteLayout layout, Window window, bool withTime = true, BlockBuffers? buffers = null, bool withDh = true)
    {
        var s2 = Composite(layout.Entry.Year!.Value);
        var grid = layout.Grid.Sub(window);
        var n = grid.PixelCount;
        var bands = s2.Read(grid, buffers);
        var valid = buffers?.Bytes(BlockBuffers.ByteUse.Valid, n) ?? new byte[n];
        valid.AsSpan(0, n).Fill(1);
        var noData = (float)folder.Settings.S2NoData;
        var scale = (float)folder.Settings.S2Scale;
        var offset = (float)folder.Settings.S2Offset;
        for (var b = 0; b < bands.Length; b++)
        {
            var plane = bands[b];
            var declared = s2.DeclaredNoData(b);
            for (var i = 0; i < n; i++)
            {
                var v = plane[i];
                if (v == noData || (declared is double d && v == d) || !float.IsFinite(v))
                {
                    plane[i] = float.NaN;
                    valid[i] = 0;
                }
                else plane[i] = v * scale + offset;
            }
        }
        var mask = buffers?.Bytes(BlockBuffers.ByteUse.SiteMask, n) ?? new byte[n];
        for (var r = 0; r < window.Height; r++)
            Array.Copy(layout.SiteMask, (window.RowOff + r) * layout.Grid.Width + window.ColOff, mask, r * window.Width, window.Width);
        return new AlignedSite
        {
            Entry = layout.Entry,
            Grid = grid,
            Bands = bands,
            Dh = !withDh ? [] : GridWarp.Plane(grid, dcm.Value, settings.DcmResampling, folder.Settings.DcmNoData, settings.WarpErrorPixels, buffers?.Floats(BlockBuffers.Use.Dh, 0, n)),
            Time = !withTime ? null : time.Value is { } t
                ? GridWarp.Plane(grid, t, settings.TimeResampling, folder.Settings.TimeNoData, settings.StampsWarpErrorPixels, buffers?.Floats(BlockBuffers.Use.Time, 0, n))
                : NaNs(n),
            SiteMask = mask,
            Valid = valid,
            SiteInGridCrs = layout.SiteInGridCrs
        };
    }

    /// <summary>
    /// True when every valid stamp of the TIME pixels under the grid (plus a margin of
    /// <see cref="StampMargin"/> TIME pixels) is of <paramref name="year"/>: then warping the stamps
    /// can only give that year or none, and a site's coverage needs nothing more. Reads the stamps
    /// in their own grid, which costs a fraction of warping them pixel by pixel with an exact
    /// transformation. False when unsure (no TIME mosaic, a CRS other than EPSG:4326, the grid outside).
    /// </summary>
    private bool StampsAllOf(int year, SiteGrid grid)
    {
        if (time.Value is not { } t || !timeIsWgs84.Value) return false;
        // The grid's outline, sampled along its edges, in EPSG:4326: the warp's source pixels lie inside.
        const int perEdge = 8;
        var xs = new double[4 * perEdge];
        var ys = new double[4 * perEdge];
        for (var k = 0; k < perEdge; k++)
        {
            var f = (double)k / perEdge;
            (xs[k], ys[k]) = grid.Transform.ToWorld(f * grid.Width, 0);
            (xs[perEdge + k], ys[perEdge + k]) = grid.Transform.ToWorld(grid.Width, f * grid.Height);
            (xs[2 * perEdge + k], ys[2 * perEdge + k]) = grid.Transform.ToWorld((1 - f) * grid.Width, grid.Height);
            (xs[3 * perEdge + k], ys[3 * perEdge + k]) = grid.Transform.ToWorld(0, (1 - f) * grid.Height);
        }
        transforms.ToWgs84(grid.CrsWkt).Transform(xs, ys);
        double c0 = double.PositiveInfinity, c1 = double.NegativeInfinity, r0 = double.PositiveInfinity, r1 = double.NegativeInfinity;
        for (var i = 0; i < xs.Length; i++)
        {
            var (c, r) = t.Transform.ToPixel(xs[i], ys[i]);
            if (!double.IsFinite(c) || !double.IsFinite(r)) return false;
            (c0, c1, r0, r1) = (Math.Min(c0, c), Math.Max(c1, c), Math.Min(r0, r), Math.Max(r1, r));
        }
        var full = new Window((int)Math.Floor(c0) - StampMargin, (int)Math.Floor(r0) - StampMargin, 0, 0);
        var window = new Window(full.ColOff, full.RowOff, (int)Math.Ceiling(c1) + StampMargin - full.ColOff, (int)Math.Ceiling(r1) + StampMargin - full.RowOff);
        var inside = window.Intersect(t.FullWindow);
        if (inside.IsEmpty || inside.Area > SiteGrid.MaxPixels) return false;
        // Read into the worker's scratch: a site's stamps are often past the large-object threshold, and
        // thousands of such short-lived arrays grew the large-object heap of a long run (docs/scale.md).
        var count = (int)inside.Area;
        if (stampScratch.Length < count) stampScratch = new float[count + count / 4];
        var stamps = stampScratch.AsSpan(0, count);
        t.Read(1, inside, stamps);
        var noData = (float)folder.Settings.TimeNoData;
        foreach (var v in stamps)
            if (float.IsFinite(v) && v != noData && (int)Math.Floor(v) != year) return false;
        return true;
    }

    /// <summary>TIME pixels added around the grid's outline: far more than the curvature of a site-sized reprojection.</summary>
    private const int StampMargin = 2;

    /// <summary>The pixel window covering an envelope (in the grid's CRS) plus a halo.</summary>
    internal static Window WindowAround(Envelope env, GeoTransform t, int halo)
    {
        var corners = new[] { t.ToPixel(env.MinX, env.MinY), t.ToPixel(env.MinX, env.MaxY), t.ToPixel(env.MaxX, env.MinY), t.ToPixel(env.MaxX, env.MaxY) };
        var c0 = (int)Math.Floor(corners.Min(p => p.Col)) - halo;
        var r0 = (int)Math.Floor(corners.Min(p => p.Row)) - halo;
        var c1 = (int)Math.Ceiling(corners.Max(p => p.Col)) + halo;
        var r1 = (int)Math.Ceiling(corners.Max(p => p.Row)) + halo;
        return new Window(c0, r0, Math.Max(0, c1 - c0), Math.Max(0, r1 - r0));
    }

    private static float[] NaNs(int n)
    {
        var plane = new float[n];
        plane.AsSpan().Fill(float.NaN);
        return plane;
    }

    /// <summary>The share of a polygon's area inside another (1 when it has no area).</summary>
    private static double ShareInside(Geometry site, Geometry footprint)
    {
        var area = site.Area;
        if (area <= 0) return 1;
        if (footprint.Contains(site)) return 1;
        return Math.Clamp(site.Intersection(footprint).Area / area, 0, 1);
    }

    internal static byte[] RasterizeSite(SiteGrid grid, Geometry siteInGrid, bool allTouched)
    {
        using var mem = RasterDataset.CreateInMemory(new RasterProfile
        {
            Width = grid.Width,
            Height = grid.Height,
            DataType = RasterDataType.Byte,
            Transform = grid.Transform,
            CrsWkt = grid.CrsWkt,
        });
        GdalUtils.Rasterize(mem, 1, [siteInGrid], [1.0], allTouched);
        var mask = new byte[grid.PixelCount];
        mem.Read(1, mem.FullWindow, mask.AsSpan());
        return mask;
    }

    private Composite Composite(int year)
    {
        if (composites.TryGetValue(year, out var c)) return c;
        var files = folder.S2Files(year);
        if (files.Count == 0) throw new InvalidInputException($"no Sentinel-2 composite for {year}", folder.Directory);
        return composites[year] = MiningLulc.Align.Composite.Open(year, files, folder.Settings, settings.BandResampling, settings.WarpErrorPixels);
    }

    public void Dispose()
    {
        foreach (var c in composites.Values) c.Dispose();
        transforms.Dispose();
        if (dcm.IsValueCreated) dcm.Value.Dispose();
        if (time.IsValueCreated) time.Value?.Dispose();
    }
}
