using MiningLulc.Align;
using MiningLulc.Catalog;
using MiningLulc.Geo;
using NetTopologySuite.Geometries;

namespace MiningLulc.Tests.Align;

/// <summary>
/// Composites stored in other layouts than one ten-band mosaic (bands apart, 20 m bands at 20 m,
/// missing tiles), the DCM's time stamps on the grid, and what the coverage report says. All
/// regions are hand-made (synthetic) with known content.
/// </summary>
public class CompositeLayoutTests
{
    private static readonly string[] Names = ["B02", "B03", "B04", "B05", "B06", "B07", "B08", "B8A", "B11", "B12"];
    private static readonly int[] TenMetreBands = [0, 1, 2, 6];      // B02 B03 B04 B08
    private static readonly int[] TwentyMetreBands = [3, 4, 5, 7, 8, 9]; // B05 B06 B07 B8A B11 B12

    private const double X0 = 500000, Y0 = 4000000;
    private const int Side = 120;

    /// <summary>Distinct integers per band and pixel, so that a shifted or averaged value cannot pass.</summary>
    private static ushort Value(int band, int col, int row) => (ushort)(1000 + 300 * band + (col * 7 + row * 13) % 251);

    private static (TempDir Dir, string Region) TenBandRegion()
    {
        var tmp = new TempDir();
        using var utm = SpatialReference.FromEpsg(32633);
        using var wgs84 = SpatialReference.Wgs84();
        using var ct = new CoordinateTransform(utm, wgs84);
        var centre = (X: X0 + Side * 5, Y: Y0 - Side * 5);
        var site = GeometryOps.Transform(new GeometryFactory().ToGeometry(new Envelope(centre.X - 300, centre.X + 300, centre.Y - 300, centre.Y + 300)), ct);
        var (lon, lat) = ct.Transform(centre.X, centre.Y);
        new RegionBuilder(tmp.Path)
            .Sites(wgs84, (1, site))
            .Composite(2020, "full.tif", utm, GeoTransform.NorthUp(X0, Y0, 10, 10), Side, Side, Value)
            .DcmTile((int)Math.Floor(lon), (int)Math.Floor(lat), 120, (_, _) => 1f);
        return (tmp, tmp.Path);
    }

    public enum Layout { TenAndTwentyMetreFiles, OneFilePerBandNamedByFileName }

    [Theory]
    [InlineData(Layout.TenAndTwentyMetreFiles)]
    [InlineData(Layout.OneFilePerBandNamedByFileName)]
    public void BandsStoredApartAnd20mBandsAt20mComeOutOnThe10mGrid(Layout layout)
    {
        var (tmp, region) = TenBandRegion();
        using var _ = tmp;
        var dir = Path.Combine(region, "s2", "2020");
        var full = Path.Combine(dir, "full.tif");
        using (var source = RasterDataset.Open(full))
        {
            // The 20 m bands: each 20 m pixel the mean of the 2 x 2 pixels of 10 m below it (GDAL's average).
            if (layout == Layout.TenAndTwentyMetreFiles)
            {
                Split(source, TenMetreBands, Path.Combine(dir, "s2_2020_10m.tif"), twentyMetre: false, describe: true);
                Split(source, TwentyMetreBands, Path.Combine(dir, "s2_2020_20m.tif"), twentyMetre: true, describe: true);
            }
            else
            {
                foreach (var b in TenMetreBands) Split(source, [b], Path.Combine(dir, $"T33_2020_{Names[b]}_10m.tif"), twentyMetre: false, describe: false);
                foreach (var b in TwentyMetreBands) Split(source, [b], Path.Combine(dir, $"T33_2020_{Names[b]}_20m.tif"), twentyMetre: true, describe: false);
            }
        }
        File.Delete(full);

        var catalog = RegionCatalog.Build(region, EngineConfig.Default.Input);
        using var aligner = new SiteAligner(catalog.Folder, new AlignSettings());
        var site = aligner.Align(Assert.Single(catalog.Ready));
        Assert.Contains("warped onto the grid, near", aligner.DescribeComposite(2020));
        Assert.Equal(10, site.Grid.Transform.PixelWidth);
        var origin = site.Grid.SourceWindow;
        for (var r = 0; r < site.Grid.Height; r++)
            for (var c = 0; c < site.Grid.Width; c++)
            {
                var (col, row) = (origin.ColOff + c, origin.RowOff + r);
                var i = r * site.Grid.Width + c;
                foreach (var b in TenMetreBands) Assert.Equal(Value(b, col, row), site.Bands[b][i]);
                foreach (var b in TwentyMetreBands)
                {
                    // Nearest: a 10 m pixel takes the 20 m pixel its centre falls in.
                    var (c2, r2) = (col / 2 * 2, row / 2 * 2);
                    var mean = (Value(b, c2, r2) + Value(b, c2 + 1, r2) + Value(b, c2, r2 + 1) + Value(b, c2 + 1, r2 + 1)) / 4.0;
                    Assert.Equal(mean, site.Bands[b][i], 1e-3);
                }
            }
    }

    [Fact]
    public void FilesWithoutBandNamesCannotBeMatchedAcrossLayouts()
    {
        var (tmp, region) = TenBandRegion();
        using var _ = tmp;
        var dir = Path.Combine(region, "s2", "2020");
        using (var source = RasterDataset.Open(Path.Combine(dir, "full.tif")))
        {
            Split(source, TenMetreBands, Path.Combine(dir, "a.tif"), twentyMetre: false, describe: false);
            Split(source, TwentyMetreBands, Path.Combine(dir, "b.tif"), twentyMetre: true, describe: false);
        }
        File.Delete(Path.Combine(dir, "full.tif"));
        var catalog = RegionCatalog.Build(region, EngineConfig.Default.Input);
        using var aligner = new SiteAligner(catalog.Folder, new AlignSettings());
        var e = Assert.Throws<InvalidInputException>(() => aligner.Align(Assert.Single(catalog.Ready)));
        Assert.Contains("cannot tell which band is which", e.Message);
    }

    [Fact]
    public void TimeStampsAreWarpedWithNearestAndTheOtherYearShareIsReported()
    {
        using var tmp = new TempDir();
        using var utm = SpatialReference.FromEpsg(32633);
        using var wgs84 = SpatialReference.Wgs84();
        using var toWgs84 = new CoordinateTransform(utm, wgs84);
        const int ppd = 1200; // 3 arcsec DCM pixels, about 65 x 93 m here: many 10 m pixels per time stamp
        var (cx, cy) = (X0 + 600, Y0 - 600);
        var (lonC, latC) = toWgs84.Transform(cx, cy);
        var lonBorder = lonC - 0.002; // the site's western ~30 % was acquired a year earlier
        float TimeOf(double lon, double lat) => (float)((lon < lonBorder ? 2019.0 : 2020.0) + ((lon * 977 + lat * 331) % 1 + 1) % 1 * 0.99);
        var site = GeometryOps.Transform(new GeometryFactory().ToGeometry(new Envelope(cx - 500, cx + 500, cy - 500, cy + 500)), toWgs84);
        new RegionBuilder(tmp.Path)
            .Sites(wgs84, (1, site))
            .Composite(2020, "s2.tif", utm, GeoTransform.NorthUp(X0, Y0, 10, 10), Side, Side, Value)
            .DcmTile((int)Math.Floor(lonC), (int)Math.Floor(latC), ppd, (_, _) => 1f, timeOf: TimeOf);
        var catalog = RegionCatalog.Build(tmp.Path, EngineConfig.Default.Input);
        var entry = Assert.Single(catalog.Ready);
        Assert.Equal(2020, entry.Year);
        using var aligner = new SiteAligner(catalog.Folder, new AlignSettings());
        var layout = aligner.Plan(entry);
        var full = new Window(0, 0, layout.Grid.Width, layout.Grid.Height);
        var aligned = aligner.Read(layout, full);

        // Every pixel carries the stamp of the DCM pixel its centre falls in: never a blend of two.
        var dcmGrid = GeoTransform.NorthUp(Math.Floor(lonC), Math.Floor(latC) + 1, 1.0 / ppd, 1.0 / ppd); // as RegionBuilder writes it
        var checkedPixels = 0;
        for (var r = 0; r < layout.Grid.Height; r++)
            for (var c = 0; c < layout.Grid.Width; c++)
            {
                var (x, y) = layout.Grid.Transform.ToWorld(c + 0.5, r + 0.5);
                var (lon, lat) = toWgs84.Transform(x, y);
                var (u, v) = dcmGrid.ToPixel(lon, lat);
                if (Math.Abs(u - Math.Round(u)) < 1e-6 || Math.Abs(v - Math.Round(v)) < 1e-6) continue; // on a DCM pixel edge
                var (stampLon, stampLat) = dcmGrid.ToWorld(Math.Floor(u) + 0.5, Math.Floor(v) + 0.5);
                Assert.Equal(TimeOf(stampLon, stampLat), aligned.Time![r * layout.Grid.Width + c]);
                checkedPixels++;
            }
        Assert.True(checkedPixels > 0.99 * layout.Grid.PixelCount);

        // The share of site pixels whose DCM is from another year than the site's: the part west of the border.
        var counter = new CoverageCounter(layout);
        counter.Add(aligned, full);
        var westShare = site.Intersection(new GeometryFactory().ToGeometry(new Envelope(lonC - 1, lonBorder, latC - 1, latC + 1))).Area / site.Area;
        Assert.Equal(westShare, counter.Result.DhFromOtherYear, 0.03);
        Assert.InRange(counter.Result.DhFromOtherYear, 0.2, 0.4);
        Assert.False(counter.Result.Partial);
        Assert.Equal(1.0, counter.Result.WithReflectance);
    }

    [Fact]
    public void AMissingCompositeTileLeavesAHoleThatSitesReport()
    {
        using var tmp = new TempDir();
        using var utm = SpatialReference.FromEpsg(32633);
        using var wgs84 = SpatialReference.Wgs84();
        using var toWgs84 = new CoordinateTransform(utm, wgs84);
        // Three 60-px tiles in a row; the middle one is missing.
        var builder = new RegionBuilder(tmp.Path);
        builder.Composite(2020, "s2-0000000000-0000000000.tif", utm, GeoTransform.NorthUp(X0, Y0, 10, 10), 60, 60, Value);
        builder.Composite(2020, "s2-0000000000-0000000120.tif", utm, GeoTransform.NorthUp(X0 + 1200, Y0, 10, 10), 60, 60, Value);
        Geometry Square(double x, double y) => GeometryOps.Transform(new GeometryFactory().ToGeometry(new Envelope(x - 100, x + 100, y - 100, y + 100)), toWgs84);
        var straddling = Square(X0 + 600, Y0 - 300); // half on the first tile, half in the hole
        var inHole = Square(X0 + 900, Y0 - 300);
        builder.Sites(wgs84, (1, straddling), (2, inHole));
        var (lon, lat) = toWgs84.Transform(X0 + 900, Y0 - 300);
        builder.DcmTile((int)Math.Floor(lon), (int)Math.Floor(lat), 120, (_, _) => 1f);

        var catalog = RegionCatalog.Build(tmp.Path, EngineConfig.Default.Input);
        using var aligner = new SiteAligner(catalog.Folder, new AlignSettings());
        var layout = aligner.Plan(catalog.Entries.Single(e => e.Site.Id == 1));
        Assert.Equal(0.5, layout.InsideComposite, 0.01);
        var full = new Window(0, 0, layout.Grid.Width, layout.Grid.Height);
        var counter = new CoverageCounter(layout);
        counter.Add(aligner.Read(layout, full), full);
        Assert.True(counter.Result.Partial);
        Assert.InRange(counter.Result.WithReflectance, 0.45, 0.56); // all-touched pixels: a column more on the covered side
        var e = Assert.Throws<InvalidInputException>(() => aligner.Plan(catalog.Entries.Single(e => e.Site.Id == 2)));
        Assert.Contains("outside the 2020 composite", e.Message);
    }

    /// <summary>Writes some bands of a composite to a new file, at 10 m, or at 20 m by GDAL's average; descriptions optional.</summary>
    private static void Split(RasterDataset source, int[] bands, string path, bool twentyMetre, bool describe)
    {
        var select = bands.SelectMany(b => new[] { "-b", (b + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) }).ToList();
        string written;
        if (!twentyMetre)
        {
            using var ds = GdalUtils.Translate(path, source, [.. select, "-of", "GTiff"]);
            written = ds.Path;
        }
        else
        {
            // gdalwarp has no band selection in GDAL 3.6: select into a VRT first, then average 2 x 2.
            using var selected = GdalUtils.Translate("", source, [.. select, "-of", "VRT"]);
            using var ds = GdalUtils.Warp(path, [selected], ["-of", "GTiff", "-tr", "20", "20", "-r", "average", "-ot", "Float32", "-srcnodata", "0", "-dstnodata", "0"]);
            written = ds.Path;
        }
        using var update = RasterDataset.Open(written, update: true);
        for (var k = 0; k < bands.Length; k++) update.SetBandDescription(k + 1, describe ? Names[bands[k]] : "");
    }
}
