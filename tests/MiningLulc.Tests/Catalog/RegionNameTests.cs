using MiningLulc.Catalog;
using MiningLulc.Pipeline;

namespace MiningLulc.Tests.Catalog;

/// <summary>A region's name reaches output file names: whatever region.json says, nothing is written outside OUTDIR; a sites file without sites is unusable input (synthetic region).</summary>
[Collection(SyntheticRegionCollection.Name)]
public class RegionNameTests(SyntheticRegionFixture fixture)
{
    [Theory]
    [InlineData("andes", "andes")]
    [InlineData("north-america_2", "north-america_2")]
    [InlineData("v1.2", "v1.2")]
    [InlineData("../../x", "______x")]
    [InlineData("/etc/passwd", "_etc_passwd")]
    [InlineData(".hidden", "hidden")]
    [InlineData("a b\\c", "a b_c")]
    [InlineData("South America", "South America")]
    [InlineData("Región Andina", "Región Andina")]
    [InlineData("x:y*z?\"<>|", "x_y_z_____")]
    [InlineData("...", "__.")]
    [InlineData("  ", "region")]
    public void NamesBecomeSafeTokens(string name, string expected) => Assert.Equal(expected, RegionFolder.SafeName(name));

    [Fact]
    public void AHostileRegionNameWritesNothingOutsideTheOutputFolder()
    {
        var root = fixture.NewFolder("hostile");
        var region = fixture.CopyRegionTo(Path.Combine(root, "a", "b", "region"));
        File.WriteAllText(Path.Combine(region, "region.json"), """{"name": "../../escaped"}""");
        var output = Path.Combine(root, "a", "b", "out");
        var result = RegionRunner.Run(new RunRequest { RegionDirectory = region, Model = fixture.Model, OutDirectory = output, Config = fixture.Config, Zip = true, WriteRasters = true });
        Assert.Equal("______escaped", result.Region);
        Assert.All(result.Files.Append(result.ZipFile!), f => Assert.Equal(Path.GetFullPath(output), Path.GetDirectoryName(Path.GetFullPath(f))));
        var outside = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => !f.StartsWith(output + Path.DirectorySeparatorChar, StringComparison.Ordinal) && !f.StartsWith(region + Path.DirectorySeparatorChar, StringComparison.Ordinal));
        Assert.Empty(outside);
    }

    [Fact]
    public void ASitesFileWithoutFeaturesIsUnusableInputNamingIt()
    {
        var region = fixture.CopyOfRegion("no-sites");
        File.Delete(Path.Combine(region, "sites.gpkg"));
        using (var wgs84 = MiningLulc.Geo.SpatialReference.Wgs84()) new RegionBuilder(region).Sites(wgs84);
        var e = Assert.Throws<InvalidInputException>(() => RegionCatalog.Build(region, fixture.Config.Input));
        Assert.Contains("sites.gpkg", e.Message);
        Assert.Contains("no sites", e.Message);
    }
}

/// <summary>site_id as text: integers in text are read as ids, anything else is a reported problem, never a crash (synthetic sites).</summary>
public class TextSiteIdTests
{
    [Fact]
    public void TextIdsThatHoldIntegersAreReadAndOthersAreReportedProblems()
    {
        using var tmp = new TempDir();
        var path = tmp.File("sites.gpkg");
        var f = new NetTopologySuite.Geometries.GeometryFactory();
        NetTopologySuite.Geometries.Polygon Box(double x) => f.CreatePolygon([new(x, 0), new(x + 0.01, 0), new(x + 0.01, 0.01), new(x, 0.01), new(x, 0)]);
        using (var wgs84 = MiningLulc.Geo.SpatialReference.Wgs84())
        using (var ds = MiningLulc.Geo.VectorDataset.Create(path))
        {
            var layer = ds.CreateLayer("sites", wgs84, 6);
            layer.CreateField("site_id", MiningLulc.Geo.FieldType.String);
            ds.InTransaction(() =>
            {
                layer.Write(-1, ["12"], Box(10));
                layer.Write(-1, ["abc"], Box(10.1));
                layer.Write(-1, ["7"], Box(10.2));
            });
        }
        var (sites, problems) = SiteReader.Read(path);
        Assert.Equal([7L, 12L], sites.Select(s => s.Id));
        var problem = Assert.Single(problems);
        Assert.Contains("site_id 'abc' is not an integer", problem.Reason);
    }
}
