using System.Text.RegularExpressions;
using MiningLulc.Catalog;
using MiningLulc.Geo;
using MiningLulc.Pipeline;
using MiningLulc.Synthetic;
using NetTopologySuite.Geometries;

namespace MiningLulc.Tests.Synthetic;

/// <summary>
/// Site layout, Earth Engine-style composites and multi-tile regions. Synthetic data: site plans and
/// small regions generated with fixed seeds.
/// </summary>
public class LayoutTests
{
    [Fact]
    public void SitesAreIrregularExtentsOfPointTwoToFiveSquareKilometresSomeTouchingSomeOverlapping()
    {
        var plan = SitePlanner.Plan(40, SynthPreset.ByName("tropical"), new Random(4), 500_000, 9_300_000);
        Assert.Equal(40, plan.Count);
        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), plan.Select(p => p.Id));
        Assert.All(plan, p =>
        {
            Assert.True(p.Outline.IsValid, $"site {p.Id} is invalid");
            Assert.InRange(p.Outline.Area / 1e6, 0.2 * 0.99, 5.0 * 1.01);
        });
        int touching = 0, overlapping = 0;
        for (var i = 0; i < plan.Count; i++)
        {
            for (var j = i + 1; j < plan.Count; j++)
            {
                var (a, b) = (plan[i].Outline, plan[j].Outline);
                if (!a.EnvelopeInternal.Intersects(b.EnvelopeInternal) || !a.Intersects(b)) continue;
                var shared = a.Intersection(b);
                if (shared.Area > 1000) overlapping++;
                else if (shared.Length > 50 && shared.Area < 1) touching++; // a common border, vertex for vertex
            }
        }
        Assert.True(touching >= 2, $"{touching} touching pairs");
        Assert.True(overlapping >= 2, $"{overlapping} overlapping pairs");
        Assert.Contains(plan, p => p.Outline is MultiPolygon);
        // Irregular: far from a disc (isoperimetric ratio well below 1).
        Assert.All(plan.Where(p => p.Outline is Polygon), p => Assert.InRange(4 * Math.PI * p.Outline.Area / (p.Outline.Length * p.Outline.Length), 0.2, 0.97));
    }

    [Fact]
    public void GeographicCompositesUseEarthEnginesScaleTenAndRunThroughThePipeline()
    {
        using var dir = new TempDir();
        var summary = RegionGenerator.Generate(new SynthOptions { OutDirectory = dir.Path, Sites = 3, Seed = 4, Preset = "gee" });
        Assert.Equal("EPSG:4326 (8.983e-5°)", summary.S2CrsName);
        var composites = Directory.GetFiles(Path.Combine(dir.Path, "s2"), "*.tif", SearchOption.AllDirectories);
        Assert.NotEmpty(composites);
        foreach (var path in composites)
        {
            Assert.Matches(new Regex(@"^s2_20\d\d-\d{10}-\d{10}\.tif$"), Path.GetFileName(path)); // Earth Engine's export names
            using var ds = RasterDataset.Open(path);
            using var crs = ds.Crs();
            Assert.Equal(4326, crs.Epsg);
            var t = ds.Transform;
            Assert.Equal(RegionGenerator.GeographicPixel, t.PixelWidth, 15);
            Assert.Equal(-RegionGenerator.GeographicPixel, t.PixelHeight, 15);
            Assert.Equal(Math.Round(t.OriginX / t.PixelWidth), t.OriginX / t.PixelWidth, 6);
            Assert.Equal(Math.Round(t.OriginY / t.PixelWidth), t.OriginY / t.PixelWidth, 6);
            Assert.Equal(10, ds.BandCount);
        }
        // Above 50° N the DCM's longitude spacing is 1.5": 2400 columns.
        foreach (var path in Directory.GetFiles(Path.Combine(dir.Path, "dcm")))
        {
            using var ds = RasterDataset.Open(path);
            Assert.Equal((2400, 3600), (ds.Width, ds.Height));
        }

        var catalog = RegionCatalog.Build(dir.Path, EngineConfig.Default.Input);
        Assert.Equal(3, catalog.Ready.Count());
        using var processor = new SiteProcessor(catalog.Folder, EngineConfig.Default, FeatureSet.Full);
        foreach (var entry in catalog.Ready)
        {
            var (site, _) = processor.Prepare(entry);
            var (dx, dy) = site.Grid.PixelSizeInMetres();
            Assert.InRange(dx, 6.0, 7.0); // 8.983e-5° of longitude at 50.9° N
            Assert.InRange(dy, 9.9, 10.1);
            Assert.True(site.ClassifiableCount > 1000, $"site {entry.Site.Id}: {site.ClassifiableCount} classifiable pixels");
            var withDh = Enumerable.Range(0, site.Dh.Length).Count(i => site.IsClassifiable(i) && !float.IsNaN(site.Dh[i]));
            Assert.True(withDh > 0.8 * site.ClassifiableCount, $"site {entry.Site.Id}: dh on {withDh} of {site.ClassifiableCount}");
        }
    }

    [Fact]
    public void MultitileRegionsSplitCompositesAndStraddleDcmTiles()
    {
        using var dir = new TempDir();
        var summary = RegionGenerator.Generate(new SynthOptions { OutDirectory = dir.Path, Sites = 5, Seed = 3, Preset = "multitile", YearMin = 2018, YearMax = 2018 });
        Assert.Equal([2018], summary.Years);
        var tiles = Directory.GetFiles(Path.Combine(dir.Path, "s2", "2018"), "*.tif").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.True(tiles.Count >= 2, $"{tiles.Count} composite tiles");
        Assert.All(tiles, t => Assert.Matches(@"^s2_2018-\d{10}-\d{10}\.tif$", t!));
        Assert.True(summary.DcmTiles.Count >= 2, string.Join(", ", summary.DcmTiles));
        var (sites, _) = SiteReader.Read(Path.Combine(dir.Path, "sites.gpkg"));
        Assert.Contains(sites, s =>
        {
            var e = s.Geometry.EnvelopeInternal;
            return Math.Floor(e.MinX) != Math.Floor(e.MaxX) || Math.Floor(e.MinY) != Math.Floor(e.MaxY);
        });
        // The tiles mosaic into one composite that the pipeline reads like a single file.
        var catalog = RegionCatalog.Build(dir.Path, EngineConfig.Default.Input);
        Assert.Equal(5, catalog.Ready.Count());
        Assert.All(catalog.Ready, e => Assert.Contains("tiles", e.S2Source));
    }
}
