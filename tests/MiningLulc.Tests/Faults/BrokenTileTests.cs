using MiningLulc.Catalog;
using MiningLulc.Pipeline;
using NetTopologySuite.Geometries;

namespace MiningLulc.Tests.Faults;

/// <summary>
/// A DCM or TIME tile that is not a raster at all (an HTML error page saved as .tif) or is cut short:
/// the sites on it are skipped with the file named, never "no valid DCM time stamp", and the sites
/// on the other tile are done. The region is synthetic (two DCM cells, S24W071 and S24W070).
/// </summary>
[Collection(SyntheticRegionCollection.Name)]
public class BrokenTileTests(SyntheticRegionFixture fixture)
{
    [Fact]
    public void A_site_whose_geometry_cannot_be_read_is_skipped_with_that_reason()
    {
        var region = fixture.CopyOfRegion("broken-site-wkb");
        Assert.True(Damage.CorruptGeometryBlob(Path.Combine(region, "sites.gpkg"), 1));
        var catalog = RegionCatalog.Build(region, fixture.Config.Input);
        var problem = Assert.Single(catalog.Problems);
        Assert.StartsWith("unreadable geometry (", problem.Reason);
        Assert.Equal(5, catalog.Entries.Count); // the other five sites are catalogued as usual
    }

    [Theory]
    [InlineData("S24W070_TIME.tif", "DCM TIME")]
    [InlineData("S24W071_TIME.tif", "DCM TIME")]
    [InlineData("S24W070_DCM.tif", "DCM")]
    public void ATileThatIsNotARasterSkipsOnlyTheSitesOnItNamingTheFile(string name, string kind)
    {
        var region = fixture.CopyOfRegion("html-tile");
        var tile = Path.Combine(region, "dcm", name);
        File.WriteAllText(tile, "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>");

        var catalog = RegionCatalog.Build(region, fixture.Config.Input);
        var cell = TileSet.CellOf(tile)!;
        var onTile = catalog.Entries.Where(e => Touches(e.Site.Geometry, cell)).ToList();
        var elsewhere = catalog.Entries.Except(onTile).ToList();
        Assert.NotEmpty(onTile);
        Assert.NotEmpty(elsewhere);
        Assert.All(onTile, e =>
        {
            Assert.Equal(SiteStatus.Skipped, e.Status);
            Assert.StartsWith($"{tile}: not a readable raster", e.Reason);
            Assert.EndsWith($"the site lies on this {kind} tile", e.Reason);
        });
        Assert.All(elsewhere, e => Assert.Equal(SiteStatus.Ready, e.Status));

        // The run writes the others (the broken DCM tile no longer fails every site) and reports the rest as skipped.
        var result = RegionRunner.Run(new RunRequest { RegionDirectory = region, Model = fixture.Model, OutDirectory = fixture.NewFolder("html-tile-out"), Config = fixture.Config });
        Assert.Equal(elsewhere.Count, result.Done);
        Assert.Equal(onTile.Count, result.Skipped);
        Assert.Equal(0, result.Failed);
        Assert.All(result.Sites.Where(s => s.Outcome == SiteOutcome.Skipped), s => Assert.Contains(name, s.Reason));
    }

    [Fact]
    public void ATimeTileCutShortSkipsTheSitesWhoseStampsItHoldsNamingTheFile()
    {
        var region = fixture.CopyOfRegion("cut-time");
        var tile = Path.Combine(region, "dcm", "S24W070_TIME.tif");
        Damage.Truncate(tile, new FileInfo(tile).Length / 2); // opens (the header is whole), its blocks cannot be read

        var catalog = RegionCatalog.Build(region, fixture.Config.Input); // before: the whole region failed with exit 2
        var skipped = catalog.Entries.Where(e => e.Status == SiteStatus.Skipped).ToList();
        Assert.NotEmpty(skipped);
        Assert.All(skipped, e =>
        {
            Assert.StartsWith("the DCM time stamps inside the site cannot be read: ", e.Reason);
            Assert.Contains("S24W070_TIME.tif", e.Reason);
        });
        Assert.Contains(catalog.Entries, e => e.Status == SiteStatus.Ready);
    }

    [Theory]
    [InlineData("S24W070_DCM.tif", -70, -69, -24, -23)]
    [InlineData("TDM1_DEM__30_N45E007_DCM.tif", 7, 8, 45, 46)]
    [InlineData("N61E010_TIME.tif", 10, 12, 61, 62)]   // TanDEM-X tiles are 2° wide from 60° to 80° of latitude
    [InlineData("S85W120_DCM.tif", -120, -116, -85, -84)]
    public void ATileCellIsReadFromItsName(string name, double minX, double maxX, double minY, double maxY) =>
        Assert.Equal(new Envelope(minX, maxX, minY, maxY), TileSet.CellOf(name));

    [Fact]
    public void ANameWithoutACellGivesNone() => Assert.Null(TileSet.CellOf("dcm_mosaic_TIME.tif"));

    private static bool Touches(Geometry site, Envelope cell)
    {
        var box = new Envelope(site.EnvelopeInternal);
        box.ExpandBy(0.002);
        return box.Intersects(cell);
    }
}
