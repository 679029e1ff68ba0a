using MiningLulc.Align;
using MiningLulc.Geo;
using MiningLulc.Pipeline;
using MiningLulc.Vectorize;

namespace MiningLulc.Tests.Vectorize;

/// <summary>The optional per-site class rasters (`run --rasters`), on synthetic class grids.</summary>
public class SiteRasterWriterTests
{
    [Fact]
    public void TheClassRasterHoldsTheClassesOnTheSiteGridWithTheClassPalette()
    {
        using var tmp = new TempDir();
        using var utm = SpatialReference.FromEpsg(32719);
        var grid = new SiteGrid(37, 23, GeoTransform.NorthUp(400010, 7450020, 10, 10), utm.ToWkt(), new Window(1, 2, 37, 23));
        var classes = new byte[grid.PixelCount];
        for (var i = 0; i < classes.Length; i++) classes[i] = (byte)(i * 7 % 8); // 0..7, every class and unclassified

        var path = SiteRasterWriter.Write(tmp.Path, "andes", 42, classes, grid);

        Assert.Equal(Path.Combine(tmp.Path, "rasters", "andes_site-42_classes.tif"), path);
        using var ds = RasterDataset.Open(path);
        Assert.Equal((37, 23), (ds.Width, ds.Height));
        Assert.Equal(grid.Transform, ds.Transform);
        Assert.Equal(RasterDataType.Byte, ds.BandInfo(1).DataType);
        Assert.Equal(0, ds.BandInfo(1).NoData);
        var back = new byte[grid.PixelCount];
        ds.Read(1, ds.FullWindow, back.AsSpan());
        Assert.Equal(classes, back);
        var palette = ds.Palette(1);
        for (var c = 1; c <= LulcClasses.Count; c++)
        {
            var (r, g, b) = LulcClasses.Colours[c - 1];
            Assert.Equal((r, g, b, (byte)255), palette[c]);
        }
        Assert.Equal(0, palette[0].A); // unclassified is transparent

        // The quicklook is enlarged (nearest) to at least 256 px wide and keeps the palette.
        using var png = RasterDataset.Open(SiteRasterWriter.QuicklookPath(tmp.Path, "andes", 42));
        Assert.Equal("PNG", png.DriverName);
        Assert.Equal((37 * 7, 23 * 7), (png.Width, png.Height));
        var enlarged = new byte[png.Width * png.Height];
        png.Read(1, png.FullWindow, enlarged.AsSpan());
        Assert.Equal(classes[5 * 37 + 9], enlarged[(5 * 7 + 3) * png.Width + 9 * 7 + 3]);
        Assert.Equal(palette.Take(8), png.Palette(1).Take(8));
    }
}

/// <summary>`run --rasters` on the synthetic region: one class raster per site, agreeing with the site reports.</summary>
[Collection(SyntheticRegionCollection.Name)]
public class RunRastersTests(SyntheticRegionFixture region)
{
    [Fact]
    public void EachDoneSiteGetsAClassRasterWithItsClassifiedPixels()
    {
        var output = region.NewFolder("rasters");
        var result = RegionRunner.Run(new RunRequest { RegionDirectory = region.Region, Model = region.Model, OutDirectory = output, Config = region.Config, WriteRasters = true });
        Assert.Equal(6, result.Done);
        foreach (var site in result.Sites)
        {
            using var ds = RasterDataset.Open(SiteRasterWriter.ClassRasterPath(output, result.Region, site.SiteId));
            var classes = new byte[ds.Width * ds.Height];
            ds.Read(1, ds.FullWindow, classes.AsSpan());
            Assert.Equal(site.ClassifiedPixels, classes.Count(c => c != 0));
            Assert.All(classes, c => Assert.InRange(c, 0, LulcClasses.Count));
            Assert.True(File.Exists(SiteRasterWriter.QuicklookPath(output, result.Region, site.SiteId)));
        }

        // A rerun reuses every site (rasters present); without them it would redo the sites to write them.
        var again = RegionRunner.Run(new RunRequest { RegionDirectory = region.Region, Model = region.Model, OutDirectory = output, Config = region.Config, WriteRasters = true });
        Assert.Equal(6, again.Reused);
        File.Delete(SiteRasterWriter.ClassRasterPath(output, result.Region, result.Sites[0].SiteId));
        var redo = RegionRunner.Run(new RunRequest { RegionDirectory = region.Region, Model = region.Model, OutDirectory = output, Config = region.Config, WriteRasters = true });
        Assert.Equal(5, redo.Reused);
        Assert.True(File.Exists(SiteRasterWriter.ClassRasterPath(output, result.Region, result.Sites[0].SiteId)));
    }
}
