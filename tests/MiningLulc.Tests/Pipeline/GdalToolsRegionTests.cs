using MiningLulc.Align;
using MiningLulc.Assessment;
using MiningLulc.Catalog;
using MiningLulc.Geo;
using MiningLulc.Pipeline;

namespace MiningLulc.Tests.Pipeline;

/// <summary>
/// A region rewritten by GDAL's own command-line tools, the way users prepare real downloads: the
/// sites reprojected by ogr2ogr to Web Mercator under another layer name, DCM tiles converted to
/// COG, one year's composite warped to EPSG:4326 at Earth Engine's scale 10 (so two years are in
/// two CRS), the other year's composite split into a 10 m file and a 20 m file (gdal_translate -b,
/// gdalwarp -r average). Content: the synthetic region of <see cref="SyntheticRegionFixture"/>.
/// </summary>
[Collection(SyntheticRegionCollection.Name)]
public class GdalToolsRegionTests(SyntheticRegionFixture region, Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly string CliDll = Path.Combine(AppContext.BaseDirectory, "mining-lulc.dll");

    [ToolFact("ogr2ogr", "gdal_translate", "gdalwarp")]
    public void ARegionWrittenByGdalToolsIsCataloguedAlignedAndClassifiedLikeTheOriginal()
    {
        var rewritten = region.NewFolder("gdal-tools");
        var years = Rewrite(region.Region, rewritten);

        // Catalog: every site found, each with the same year as in the original.
        var original = RegionCatalog.Build(region.Region, region.Config.Input);
        var catalog = RegionCatalog.Build(rewritten, region.Config.Input);
        Assert.Equal(original.Entries.Select(e => (e.Site.Id, e.Year, e.Status)), catalog.Entries.Select(e => (e.Site.Id, e.Year, e.Status)));

        // Alignment: the warped year is on its own EPSG:4326 grid; the split year reads its 10 m bands
        // straight from the 10 m file (identical values) and the DCM from the COG tiles (identical dh).
        using (var a = new SiteAligner(original.Folder, region.Config.Align))
        using (var b = new SiteAligner(catalog.Folder, region.Config.Align))
        {
            var warpedSite = catalog.Ready.First(e => e.Year == years.Warped);
            using (var crs = SpatialReference.Parse(b.Plan(warpedSite).Grid.CrsWkt)) Assert.Equal(4326, crs.Epsg);
            var splitSite = catalog.Ready.First(e => e.Year == years.Split);
            var before = a.Align(original.Ready.First(e => e.Site.Id == splitSite.Site.Id));
            var after = b.Align(splitSite);
            Assert.Equal(before.Grid.Transform, after.Grid.Transform);
            foreach (var band in new[] { 0, 1, 2, 6 }) Assert.Equal(before.Bands[band], after.Bands[band]);
            Assert.Equal(before.Dh, after.Dh);
            Assert.Contains("warped onto the grid", b.DescribeComposite(years.Split));
        }

        // The command line takes it: inspect lists the sites, align writes a stack for a site of each year.
        var (code, text) = Tools.Run("dotnet", CliDll, "inspect", rewritten);
        Assert.True(code == 0, text);
        Assert.Contains("EPSG:4326", text);
        foreach (var year in new[] { years.Warped, years.Split })
        {
            var id = catalog.Ready.First(e => e.Year == year).Site.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var stack = Path.Combine(rewritten, $"site-{id}.tif");
            var (alignCode, alignText) = Tools.Run("dotnet", CliDll, "align", "--region", rewritten, "--site", id, "--out", stack);
            Assert.True(alignCode == 0, alignText);
            using var ds = RasterDataset.Open(stack);
            Assert.Equal(14, ds.BandCount);
        }

        // The whole run: every site done, and the classes agree with the labels about as well as on the
        // original files (the model was trained on those; resampling moves some boundary pixels).
        var run = RegionRunner.Run(new RunRequest { RegionDirectory = rewritten, Model = region.Model, OutDirectory = Path.Combine(rewritten, "out"), Config = region.Config });
        Assert.Equal(original.Ready.Count(), run.Done);
        var labels = LabelReader.Read(Path.Combine(region.Region, "labels"));
        var rewrittenReport = AccuracyAssessor.Assess(LabelReader.Read(Path.Combine(rewritten, "out")), labels);
        var baseline = RegionRunner.Run(new RunRequest { RegionDirectory = region.Region, Model = region.Model, OutDirectory = Path.Combine(rewritten, "baseline"), Config = region.Config });
        var baselineReport = AccuracyAssessor.Assess(LabelReader.Read(Path.Combine(rewritten, "baseline")), labels);
        output.WriteLine($"overall accuracy: rewritten {rewrittenReport.OverallAccuracy:F3}, original {baselineReport.OverallAccuracy:F3} ({baseline.Done} sites)");
        Assert.True(rewrittenReport.OverallAccuracy > baselineReport.OverallAccuracy - 0.08,
            $"rewritten {rewrittenReport.OverallAccuracy:F3} vs original {baselineReport.OverallAccuracy:F3}");
    }

    /// <summary>Rewrites <paramref name="source"/> into <paramref name="target"/> with GDAL's tools; returns the year warped to EPSG:4326 and the year split by resolution.</summary>
    private static (int Warped, int Split) Rewrite(string source, string target)
    {
        Run("ogr2ogr", "-f", "GPKG", Path.Combine(target, "sites.gpkg"), Path.Combine(source, "sites.gpkg"), "-t_srs", "EPSG:3857", "-nln", "mining_sites");
        Directory.CreateDirectory(Path.Combine(target, "dcm"));
        foreach (var tile in Directory.GetFiles(Path.Combine(source, "dcm"), "*.tif"))
            Run("gdal_translate", "-q", "-of", "COG", "-co", "COMPRESS=DEFLATE", tile, Path.Combine(target, "dcm", Path.GetFileName(tile)));
        CopyFolder(Path.Combine(source, "labels"), Path.Combine(target, "labels"));

        var years = Directory.GetDirectories(Path.Combine(source, "s2")).Select(d => int.Parse(Path.GetFileName(d), System.Globalization.CultureInfo.InvariantCulture)).Order().ToList();
        Assert.True(years.Count >= 2, "the fixture region has composites for two years");
        var (warped, split) = (years[0], years[1]);
        foreach (var year in years)
        {
            var y = year.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var composite = Assert.Single(Directory.GetFiles(Path.Combine(source, "s2", y), "*.tif"));
            var dir = Directory.CreateDirectory(Path.Combine(target, "s2", y)).FullName;
            if (year == warped)
                Run("gdalwarp", "-q", "-t_srs", "EPSG:4326", "-tr", "8.983152841195215e-5", "8.983152841195215e-5", "-r", "near", "-of", "COG", composite, Path.Combine(dir, $"s2_{y}_4326.tif"));
            else if (year == split)
            {
                Run("gdal_translate", "-q", "-b", "1", "-b", "2", "-b", "3", "-b", "7", composite, Path.Combine(dir, $"s2_{y}_10m.tif"));
                var selected = Path.Combine(target, $"select_{y}.vrt"); // outside s2/: not a composite file
                Run("gdal_translate", "-q", "-of", "VRT", "-b", "4", "-b", "5", "-b", "6", "-b", "8", "-b", "9", "-b", "10", composite, selected);
                Run("gdalwarp", "-q", "-tr", "20", "20", "-r", "average", "-ot", "Float32", "-srcnodata", "0", "-dstnodata", "0", selected, Path.Combine(dir, $"s2_{y}_20m.tif"));
            }
            else File.Copy(composite, Path.Combine(dir, Path.GetFileName(composite)));
        }
        return (warped, split);
    }

    private static void Run(string tool, params string[] args)
    {
        var (code, text) = Tools.Run(tool, args);
        Assert.True(code == 0, $"{tool} failed: {text}");
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
    }
}
