using MiningLulc.Catalog;
using MiningLulc.Geo;
using MiningLulc.Model;
using MiningLulc.Pipeline;

namespace MiningLulc.Tests.Features;

/// <summary>
/// Models trained by the engine of feature schema v1 (commit f89debd, before v2 appended features): two small models
/// on data-sample (the published preset with 10 trees, the default with 5) and the class rasters that engine's
/// <c>run --rasters</c> wrote for three sites, in Fixtures/schema-v1. The v2 engine must load them and classify
/// those sites to the same bytes.
/// </summary>
public class SchemaV1ModelsTests
{
    private static string Fixture(string name) => Path.Combine(TestPaths.RepositoryRoot, "tests", "MiningLulc.Tests", "Fixtures", "schema-v1", name);

    [Theory]
    [InlineData("published", "c7a53053a8194a5d")]
    [InlineData("full", "3a993de588cd5330")]
    public void ModelsOfSchemaV1LoadAndClassifyAsTheyDid(string method, string hash)
    {
        var model = ClassifierModel.Load(Fixture($"v1-{method}.zip"));
        Assert.Equal(1, model.Card.FeatureSchemaVersion);
        Assert.Equal(hash, model.Card.FeatureSetHash);
        Assert.Equal(hash, model.FeatureSet.Hash);

        var config = model.Card.Config!;
        var catalog = RegionCatalog.Build(Path.Combine(TestPaths.RepositoryRoot, "data-sample"), config.Input);
        using var processor = new SiteProcessor(catalog.Folder, config, model.FeatureSet);
        Assert.Equal(config.Align.HaloPixels, processor.BlockHalo); // v1 sets read blocks as before
        foreach (var id in new[] { 3, 10, 17 })
        {
            var entry = catalog.Ready.Single(e => e.Site.Id == id);
            var classes = processor.ClassRaster(model, processor.Plan(entry));
            using var raster = RasterDataset.Open(Fixture($"{method}-site-{id}.tif"));
            var expected = new byte[classes.Length];
            raster.Read(1, raster.FullWindow, expected.AsSpan());
            Assert.True(expected.Count(c => c != 0) > 100, $"site {id} has classified pixels");
            Assert.Equal(expected, classes);
        }
    }

    [Fact]
    public void ACardClaimingAnotherVersionForItsFeaturesIsRefused()
    {
        using var dir = new TempDir();
        var path = dir.File("v2-claimed.zip");
        File.Copy(Fixture("v1-full.zip"), path);
        using (var zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Update))
        {
            var entry = zip.GetEntry("card.json")!;
            string text;
            using (var r = new StreamReader(entry.Open())) text = r.ReadToEnd();
            entry.Delete();
            using var w = new StreamWriter(zip.CreateEntry("card.json").Open());
            w.Write(text.Replace("\"feature_schema_version\": 1", "\"feature_schema_version\": 2", StringComparison.Ordinal));
        }
        var e = Assert.Throws<InvalidInputException>(() => ClassifierModel.Load(path));
        Assert.Contains("feature schema v2", e.Message, StringComparison.Ordinal);
    }
}
