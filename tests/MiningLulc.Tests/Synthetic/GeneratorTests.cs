using System.IO.Compression;
using MiningLulc.Catalog;
using MiningLulc.Geo;
using MiningLulc.Synthetic;
using MiningLulc.Vectorize;

namespace MiningLulc.Tests.Synthetic;

/// <summary>
/// The region generator's files against the input contract (docs/inputs.md), read back
/// through GDAL. All data here is synthetic: the shared fixture region (preset "sample", 6 sites,
/// seed 5) and small regions generated with fixed seeds.
/// </summary>
[Collection(SyntheticRegionCollection.Name)]
public class GeneratorTests(SyntheticRegionFixture region)
{
    private static readonly string[] BandNames = ["B02", "B03", "B04", "B05", "B06", "B07", "B08", "B8A", "B11", "B12"];

    [Fact]
    public void SameArgumentsGiveByteIdenticalFiles()
    {
        using var a = new TempDir();
        using var b = new TempDir();
        // Composites in tiles, four DCM cells, parallel rendering: still the same bytes.
        RegionGenerator.Generate(new SynthOptions { OutDirectory = a.Path, Sites = 3, Seed = 9, Preset = "multitile" });
        RegionGenerator.Generate(new SynthOptions { OutDirectory = b.Path, Sites = 3, Seed = 9, Preset = "multitile" });
        var files = Directory.GetFiles(a.Path, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(a.Path, f)).Order().ToList();
        Assert.Equal(files, Directory.GetFiles(b.Path, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(b.Path, f)).Order());
        Assert.Contains(files, f => f.EndsWith(".tif", StringComparison.Ordinal) && f.StartsWith("s2", StringComparison.Ordinal));
        foreach (var f in files) Assert.True(File.ReadAllBytes(Path.Combine(a.Path, f)).SequenceEqual(File.ReadAllBytes(Path.Combine(b.Path, f))), f);
    }

    [Fact]
    public void UtmCompositesFollowTheInputContract()
    {
        var years = Directory.GetDirectories(Path.Combine(region.Region, "s2")).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(["2019", "2020"], years);
        foreach (var year in years)
        {
            var path = Assert.Single(Directory.GetFiles(Path.Combine(region.Region, "s2", year!), "*.tif"));
            Assert.Equal($"s2_{year}.tif", Path.GetFileName(path));
            using var ds = RasterDataset.Open(path);
            Assert.Equal(10, ds.BandCount);
            Assert.Equal(BandNames, ds.Bands.Select(b => b.Description));
            Assert.All(ds.Bands, b => Assert.Equal((RasterDataType.UInt16, (double?)0), (b.DataType, b.NoData)));
            var t = ds.Transform;
            Assert.Equal((10.0, -10.0), (t.PixelWidth, t.PixelHeight));
            // The Sentinel-2 grid: origins on multiples of 10 m (of 60 m, so 20 m pixels nest).
            Assert.Equal(0, t.OriginX % 60);
            Assert.Equal(0, t.OriginY % 60);
            using var crs = ds.Crs();
            Assert.Equal(32719, crs.Epsg);
        }
    }

    [Fact]
    public void DcmTilesFollowTheInputContract()
    {
        var files = Directory.GetFiles(Path.Combine(region.Region, "dcm")).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(files);
        foreach (var path in files)
        {
            Assert.Matches(@"^S24W07[01]_(DCM|TIME)\.tif$", Path.GetFileName(path));
            using var ds = RasterDataset.Open(path);
            Assert.Equal((3600, 3600, RasterDataType.Float32), (ds.Width, ds.Height, ds.BandInfo(1).DataType));
            var isDcm = path.Contains("_DCM", StringComparison.Ordinal);
            Assert.Equal(isDcm ? -32767 : 0, ds.BandInfo(1).NoData);
            var t = ds.Transform;
            Assert.Equal(1.0 / 3600, t.PixelWidth, 12);
            Assert.Equal(Math.Round(t.OriginX), t.OriginX, 9); // a 1° cell named by its lower-left corner
            Assert.Equal(-23, t.OriginY, 9);
            using var crs = ds.Crs();
            Assert.Equal(4326, crs.Epsg);

            // Finite metres (or nodata) in the DCM, decimal years of the requested range (or 0) in TIME.
            var strip = new float[3600 * 400];
            int filled = 0, wrong = 0;
            foreach (var w in ds.FullWindow.Subdivide(3600, 400))
            {
                ds.Read(1, w, strip.AsSpan(0, (int)w.Area));
                foreach (var v in strip.AsSpan(0, (int)w.Area))
                {
                    if (v == (isDcm ? -32767 : 0)) continue;
                    filled++;
                    if (isDcm ? v is <= -200 or >= 120 : v is < 2019 or >= 2021) wrong++;
                }
            }
            Assert.True(filled > 1000, $"{Path.GetFileName(path)}: only {filled} valid pixels");
            Assert.Equal(0, wrong);
        }
    }

    [Fact]
    public void LabelsFollowThePublishedSchemaAndCoverTheSites()
    {
        var zip = Assert.Single(Directory.GetFiles(Path.Combine(region.Region, "labels")));
        Assert.Equal("sample.zip", Path.GetFileName(zip));
        using var dir = new TempDir();
        ZipFile.ExtractToDirectory(zip, dir.Path);
        var gpkg = Assert.Single(Directory.GetFiles(dir.Path, "*.gpkg"));
        Assert.Equal("sample_001.gpkg", Path.GetFileName(gpkg));
        Assert.Empty(PublishedSchemaValidator.Check(gpkg));

        var labels = LabelReader.Read(Path.Combine(region.Region, "labels"));
        Assert.All(labels, l => Assert.InRange(l.Year!.Value, 2019, 2020));
        Assert.True(labels.Select(l => l.Class).Distinct().Count() >= 5, "a mine holds most of the seven classes");
        // Wall-to-wall truth: the labels' areas add up to the area the sites own.
        var (sites, _) = SiteReader.Read(Path.Combine(region.Region, "sites.gpkg"));
        var owned = SiteOwnership.Compute(sites).Values.Sum(GeodesicArea.Of);
        Assert.Equal(owned, labels.Sum(l => l.AreaM2!.Value), 0.002 * owned);
    }

    [Fact]
    public void EverySiteIsReadyWithAYearOfTheRequestedRange()
    {
        var catalog = RegionCatalog.Build(region.Region, EngineConfig.Default.Input);
        Assert.Equal(region.Summary.Sites, catalog.Ready.Count());
        Assert.All(catalog.Entries, e => Assert.InRange(e.Year!.Value, 2019, 2020));
        Assert.Equal(2, catalog.Entries.Select(e => e.Year).Distinct().Count());
        Assert.Equal(region.Summary.Years, catalog.Entries.Select(e => e.Year!.Value).Distinct().Order());
    }
}
