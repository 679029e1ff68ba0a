using System.IO.Compression;
using System.Text.Json.Nodes;
using MiningLulc.Pipeline;
using MiningLulc.Model;

namespace MiningLulc.Tests.Training;

/// <summary>
/// The settings stored in a model card become run's defaults, so they are held to the same rules as a
/// config file: a card with align.block_size 0 (which looped forever) or max_features_per_file 0 (which
/// threw after every site was done) is refused at load, naming the model (synthetic region's model).
/// </summary>
[Collection(SyntheticRegionCollection.Name)]
public class ModelCardSettingsTests(SyntheticRegionFixture fixture)
{
    [Theory]
    [InlineData("align", "block_size", "align.block_size")]
    [InlineData("vectorize", "max_features_per_file", "vectorize.max_features_per_file")]
    public void ACardWithInvalidSettingsIsRefusedAtLoadNamingTheModel(string section, string key, string expected)
    {
        using var tmp = new TempDir();
        var path = tmp.File("edited.zip");
        fixture.Model.Save(path);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            var entry = zip.GetEntry("card.json")!;
            JsonNode card;
            using (var r = new StreamReader(entry.Open())) card = JsonNode.Parse(r.ReadToEnd())!;
            card["config"]![section]![key] = 0;
            entry.Delete();
            using var w = new StreamWriter(zip.CreateEntry("card.json").Open());
            w.Write(card.ToJsonString());
        }
        var e = Assert.Throws<InvalidInputException>(() => ClassifierModel.Load(path));
        Assert.Contains(expected, e.Message);
        Assert.Contains("edited.zip", e.Message);
    }

    [Fact]
    public void ZeroWorkersIsBadUsageForRunAndTrain()
    {
        var run = Assert.Throws<InvalidInputException>(() => RegionRunner.Run(new RunRequest { RegionDirectory = fixture.Region, Model = fixture.Model, OutDirectory = fixture.NewFolder("w0"), Config = fixture.Config, Workers = 0 }));
        Assert.Contains("--workers", run.Message);
        var train = Assert.Throws<InvalidInputException>(() => TrainingRunner.Train(new TrainRequest { Regions = [fixture.Region], Config = fixture.Config, Workers = 0 }));
        Assert.Contains("--workers", train.Message);
    }
}
