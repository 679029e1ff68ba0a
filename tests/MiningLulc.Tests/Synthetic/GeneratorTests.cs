using MiningLulc.Catalog;
using MiningLulc.Geo;
using MiningLulc.Synthetic;

namespace MiningLulc.Tests.Synthetic;

/// <summary>The synthetic region generator (its output is synthetic by definition).</summary>
[Collection(SyntheticRegionCollection.Name)]
public class GeneratorTests(SyntheticRegionFixture region)
{
    [Fact]
    public void SameArgumentsGiveByteIdenticalFiles()
    {
        using var a = new TempDir();
        using var b = new TempDir();
        RegionGenerator.Generate(new SynthOptions { OutDirectory = a.Path, Sites = 2, Seed = 9 });
        RegionGenerator.Generate(new SynthOptions { OutDirectory = b.Path, Sites = 2, Seed = 9 });
        var files = Directory.GetFiles(a.Path, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(a.Path, f)).Order().ToList();
        Assert.Equal(files, Directory.GetFiles(b.Path, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(b.Path, f)).Order());
        foreach (var f in files) Assert.True(File.ReadAllBytes(Path.Combine(a.Path, f)).SequenceEqual(File.ReadAllBytes(Path.Combine(b.Path, f))), f);
    }

    [Fact]
    public void FilesFollowTheInputContract()
    {
        var s2 = Directory.GetFiles(Path.Combine(region.Region, "s2"), "*.tif", SearchOption.AllDirectories);
        Assert.NotEmpty(s2);
        foreach (var path in s2)
        {
            using var ds = RasterDataset.Open(path);
            Assert.Equal(10, ds.BandCount);
            Assert.Equal(["B02", "B03", "B04", "B05", "B06", "B07", "B08", "B8A", "B11", "B12"], ds.Bands.Select(b => b.Description));
            Assert.All(ds.Bands, b => Assert.Equal((RasterDataType.UInt16, (double?)0), (b.DataType, b.NoData)));
            var t = ds.Transform;
            Assert.Equal((10.0, -10.0), (t.PixelWidth, t.PixelHeight));
            Assert.Equal(0, t.OriginX % 10);
            Assert.Equal(0, t.OriginY % 10);
            using var crs = ds.Crs();
            Assert.Equal(32719, crs.Epsg);
        }
        foreach (var path in Directory.GetFiles(Path.Combine(region.Region, "dcm")))
        {
            using var ds = RasterDataset.Open(path);
            Assert.Matches(@"^S24W07[01]_(DCM|TIME)\.tif$", Path.GetFileName(path));
            Assert.Equal((3600, 3600), (ds.Width, ds.Height));
            Assert.Equal(path.Contains("_DCM") ? -32767 : 0, ds.BandInfo(1).NoData);
            using var crs = ds.Crs();
            Assert.Equal(4326, crs.Epsg);
        }
        var labels = LabelReader.Read(Path.Combine(region.Region, "labels"));
        Assert.NotEmpty(labels);
        Assert.All(labels, l => Assert.InRange(l.Year!.Value, 2019, 2020));
        var catalog = RegionCatalog.Build(region.Region, EngineConfig.Default.Input);
        Assert.Equal(6, catalog.Ready.Count());
    }
}
