using System.Globalization;
using System.Text;
using MiningLulc.Align;
using MiningLulc.Catalog;
using MiningLulc.Geo;
using NetTopologySuite.Geometries;

namespace MiningLulc.Tests.Align;

/// <summary>
/// A site larger than one class raster can hold (50,000 x 50,000 pixels: 2.5 billion, over the int
/// range) is refused with a clear reason (a site failure: the runner goes on with the others), while a small
/// site on the same composite plans normally (synthetic region:
/// a 10-band VRT of 1e-5° pixels with no sources, so nothing large is ever written or read).
/// </summary>
public class HugeSiteTests
{
    private const double Pixel = 1e-5;

    private static string HugeRegion(TempDir tmp)
    {
        var region = tmp.File("huge");
        using var wgs84 = SpatialReference.Wgs84();
        var f = new GeometryFactory();
        Polygon Box(double x0, double y0, double x1, double y1) => f.CreatePolygon([new(x0, y0), new(x1, y0), new(x1, y1), new(x0, y1), new(x0, y0)]);
        new RegionBuilder(region)
            .Sites(wgs84, (1, Box(10.2, 0.3, 10.7, 0.8)), (2, Box(10.21, 0.31, 10.22, 0.32)))
            .DcmTile(10, 0, 36, (_, _) => 1f, time: 2020.5f);
        var dir = Path.Combine(region, "s2", "2020");
        Directory.CreateDirectory(dir);
        var vrt = new StringBuilder().Append(CultureInfo.InvariantCulture, $"<VRTDataset rasterXSize=\"50000\" rasterYSize=\"50000\"><SRS>{System.Security.SecurityElement.Escape(wgs84.ToWkt())}</SRS>");
        vrt.Append(CultureInfo.InvariantCulture, $"<GeoTransform>10.2, {Pixel:R}, 0, 0.8, 0, {-Pixel:R}</GeoTransform>");
        foreach (var (band, i) in new[] { "B02", "B03", "B04", "B05", "B06", "B07", "B08", "B8A", "B11", "B12" }.Select((b, i) => (b, i)))
            vrt.Append(CultureInfo.InvariantCulture, $"<VRTRasterBand dataType=\"UInt16\" band=\"{i + 1}\"><Description>{band}</Description><NoDataValue>0</NoDataValue></VRTRasterBand>");
        File.WriteAllText(Path.Combine(dir, "composite.vrt"), vrt.Append("</VRTDataset>").ToString());
        return region;
    }

    [Fact]
    public void ASiteBeyondWhatOneRasterCanHoldIsRefusedWithAClearReason()
    {
        using var tmp = new TempDir();
        var region = HugeRegion(tmp);
        var catalog = RegionCatalog.Build(region, EngineConfig.Default.Input);
        using var aligner = new SiteAligner(catalog.Folder, EngineConfig.Default.Align);
        var huge = catalog.Ready.Single(e => e.Site.Id == 1);
        var e = Assert.Throws<InvalidInputException>(() => aligner.Plan(huge));
        Assert.Contains("site 1 spans 50,000 x 50,000 pixels", e.Message);
        Assert.Contains("split it", e.Message);
        // The small site beside it plans normally on the same composite.
        var small = aligner.Plan(catalog.Ready.Single(e => e.Site.Id == 2));
        Assert.InRange(small.Grid.PixelCount, 1_000_000, 1_300_000);
    }

    [Fact]
    public void SiteGridPixelCountNeverOverflowsSilently()
    {
        var grid = new SiteGrid(50_000, 50_000, GeoTransform.Identity, "", new Window(0, 0, 50_000, 50_000));
        Assert.Throws<OverflowException>(() => grid.PixelCount);
    }
}
