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
    private readonly Dictionary<int, (RasterDataset Dataset, int[] Bands)> composites = [];
    private readonly Lazy<RasterDataset> dcm;
    private readonly SpatialReference wgs84 = SpatialReference.Wgs84();

    public SiteAligner(RegionFolder folder, AlignSettings settings)
    {
        this.folder = folder;
        this.settings = settings;
        var nd = folder.Settings.DcmNoData.ToString(CultureInfo.InvariantCulture);
        dcm = new Lazy<RasterDataset>(() => GdalUtils.BuildVrt("", folder.DcmFiles(), ["-srcnodata", nd, "-vrtnodata", nd]));
    }

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
        var (s2, _) = Composite(year);
        using var s2Crs = s2.Crs();
        using var toGrid = new CoordinateTransform(wgs84, s2Crs);
        var siteInGrid = GeometryOps.Transform(entry.Site.Geometry, toGrid);
        var window = WindowAround(siteInGrid.EnvelopeInternal, s2.Transform, settings.HaloPixels).Intersect(s2.FullWindow);
        if (window.IsEmpty)
            throw new InvalidInputException($"site {entry.Site.Id} lies outside the {year} composite", s2.Path);
        var grid = new SiteGrid(window.Width, window.Height, s2.Transform.Shift(window.ColOff, window.RowOff), s2.CrsWkt, window);
        var mask = RasterizeSite(grid, siteInGrid, allTouched: !settings.CentreInside);
        return new SiteLayout(entry, grid, siteInGrid, mask);
    }

    /// <summary>
    /// The site in blocks of at most <paramref name="blockSize"/>² interior pixels, each read with a
    /// halo of <see cref="AlignSettings.HaloPixels"/> (within the site grid) so focal features at
    /// block borders equal those of the whole site. Memory is bounded by the block, not the site.
    /// </summary>
    public IEnumerable<(AlignedSite Block, Window Interior)> Blocks(SiteLayout layout, int blockSize)
    {
        var full = new Window(0, 0, layout.Grid.Width, layout.Grid.Height);
        var halo = settings.HaloPixels;
        foreach (var tile in full.Subdivide(blockSize, blockSize))
        {
            var read = new Window(tile.ColOff - halo, tile.RowOff - halo, tile.Width + 2 * halo, tile.Height + 2 * halo).Intersect(full);
            var interior = new Window(tile.ColOff - read.ColOff, tile.RowOff - read.RowOff, tile.Width, tile.Height);
            yield return (Read(layout, read), interior);
        }
    }

    /// <summary>Reads the pixel data of a window of the site grid.</summary>
    public AlignedSite Read(SiteLayout layout, Window window)
    {
        var (s2, bandIndices) = Composite(layout.Entry.Year!.Value);
        var grid = layout.Grid.Sub(window);
        var n = grid.PixelCount;
        var bands = new float[bandIndices.Length][];
        var valid = new byte[n];
        valid.AsSpan().Fill(1);
        var noData = (float)folder.Settings.S2NoData;
        var scale = (float)folder.Settings.S2Scale;
        var offset = (float)folder.Settings.S2Offset;
        for (var b = 0; b < bandIndices.Length; b++)
        {
            var plane = new float[n];
            s2.Read(bandIndices[b], grid.SourceWindow, plane.AsSpan());
            var declared = s2.BandInfo(bandIndices[b]).NoData;
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
            bands[b] = plane;
        }
        var mask = new byte[n];
        for (var r = 0; r < window.Height; r++)
            Array.Copy(layout.SiteMask, (window.RowOff + r) * layout.Grid.Width + window.ColOff, mask, r * window.Width, window.Width);
        return new AlignedSite { Entry = layout.Entry, Grid = grid, Bands = bands, Dh = WarpDcm(grid), SiteMask = mask, Valid = valid, SiteInGridCrs = layout.SiteInGridCrs };
    }

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

    private float[] WarpDcm(SiteGrid grid)
    {
        var (x0, y0) = grid.Transform.ToWorld(0, 0);
        var (x1, y1) = grid.Transform.ToWorld(grid.Width, grid.Height);
        var inv = CultureInfo.InvariantCulture;
        using var warped = GdalUtils.Warp("", [dcm.Value],
        [
            "-of", "MEM", "-t_srs", grid.CrsWkt,
            "-te", Math.Min(x0, x1).ToString("R", inv), Math.Min(y0, y1).ToString("R", inv), Math.Max(x0, x1).ToString("R", inv), Math.Max(y0, y1).ToString("R", inv),
            "-ts", grid.Width.ToString(inv), grid.Height.ToString(inv),
            // -et 0: exact per-pixel transformation (sites are small; the default 0.125 px approximation would bias dh on slopes).
            "-r", settings.DcmResampling, "-ot", "Float32", "-et", "0",
            "-srcnodata", folder.Settings.DcmNoData.ToString("R", inv), "-dstnodata", "nan",
        ]);
        var dh = new float[grid.PixelCount];
        warped.Read(1, new Window(0, 0, grid.Width, grid.Height), dh.AsSpan());
        var nd = (float)folder.Settings.DcmNoData;
        for (var i = 0; i < dh.Length; i++) if (dh[i] == nd) dh[i] = float.NaN;
        return dh;
    }

    internal static byte[] RasterizeSite(SiteGrid grid, Geometry siteInGrid, bool allTouched)
    {
        using var mem = RasterDataset.CreateInMemory(new RasterProfile
        {
            Width = grid.Width, Height = grid.Height, DataType = RasterDataType.Byte, Transform = grid.Transform, CrsWkt = grid.CrsWkt,
        });
        GdalUtils.Rasterize(mem, 1, [siteInGrid], [1.0], allTouched);
        var mask = new byte[grid.PixelCount];
        mem.Read(1, mem.FullWindow, mask.AsSpan());
        return mask;
    }

    private (RasterDataset, int[]) Composite(int year)
    {
        if (composites.TryGetValue(year, out var c)) return c;
        var files = folder.S2Files(year);
        if (files.Count == 0) throw new InvalidInputException($"no Sentinel-2 composite for {year}", folder.Directory);
        var ds = files.Count == 1 ? RasterDataset.Open(files[0]) : GdalUtils.BuildVrt("", files);
        var path = files.Count == 1 ? files[0] : Path.GetDirectoryName(files[0])!;
        if (!ds.HasTransform) throw new InvalidInputException("composite has no geotransform", path);
        var bands = BandMatcher.Match(ds.Bands, folder.Settings.BandNames, path);
        composites[year] = (ds, bands);
        return (ds, bands);
    }

    public void Dispose()
    {
        foreach (var (ds, _) in composites.Values) ds.Dispose();
        if (dcm.IsValueCreated) dcm.Value.Dispose();
        wgs84.Dispose();
    }
}
