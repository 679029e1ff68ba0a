using MiningLulc.Training;
using MiningLulc.Model;

namespace MiningLulc.Tests.Training;

public class ModelTests
{
    private static (TrainingTable Table, FeatureSet Set) AuthorTable()
    {
        var set = FeatureSet.Published;
        var table = new TrainingTable(set.Names.Count);
        var i = 0;
        foreach (var s in AuthorSample.Load())
        {
            var row = s.Bands.Concat([s.Elevation, s.Mndwi, s.Ndbi, s.Ndvi, s.Bsi]).ToArray();
            table.Add(row, s.Label, i++);
        }
        return (table, set);
    }

    [SharedFileFact(AuthorSample.RelativePath)]
    public void SaveLoadPredictGivesIdenticalClasses()
    {
        var (table, set) = AuthorTable();
        var config = EngineConfig.Default with { Training = EngineConfig.Default.Training with { Trees = 50 } };
        var model = ModelTrainer.Train(table, set, config, ["authors"]);
        var matrix = Enumerable.Range(0, table.Count).SelectMany(i => table.Row(i).ToArray()).ToArray();
        var before = new byte[table.Count];
        model.Predict(matrix, table.Count, before);

        using var tmp = new TempDir();
        model.Save(tmp.File("m.zip"));
        var loaded = ClassifierModel.Load(tmp.File("m.zip"));
        var after = new byte[table.Count];
        loaded.Predict(matrix, table.Count, after);

        Assert.Equal(before, after);
        Assert.Equal(model.Card.FeatureSetHash, loaded.Card.FeatureSetHash);
        Assert.Equal(set.Names, loaded.FeatureSet.Names);
        Assert.All(after, c => Assert.InRange(c, (byte)1, (byte)7));
        // Trained on these rows: it must fit them far better than chance (1/7).
        Assert.True(before.Zip(table.Labels).Count(p => p.First == p.Second) > 0.9 * table.Count);
    }

    [Fact]
    public void MissingValuesAreAcceptedAtPrediction()
    {
        // Synthetic: class decided by feature 0; feature 1 is sometimes missing (NaN), as dh is in DCM voids.
        var set = new FeatureSet("two", ["B02", "dh"]);
        var table = new TrainingTable(2);
        var rng = new Random(1);
        for (var i = 0; i < 700; i++)
        {
            var cls = 1 + i % 7;
            table.Add([cls * 100 + (float)rng.NextDouble() * 20, rng.NextDouble() < 0.3 ? float.NaN : cls], (LulcClass)cls, i);
        }
        var model = ModelTrainer.Train(table, set, EngineConfig.Default with { Training = EngineConfig.Default.Training with { Trees = 20, MinSamplesPerLeaf = 5 } }, ["synthetic"]);
        var predicted = new byte[2];
        model.Predict([310, float.NaN, 610, float.NaN], 2, predicted);
        Assert.Equal(new byte[] { 3, 6 }, predicted);
    }

    [Fact]
    public void ANonModelZipIsAClearError()
    {
        using var tmp = new TempDir();
        var path = tmp.File("x.zip");
        using (var zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Create)) zip.CreateEntry("readme.txt");
        var e = Assert.Throws<InvalidInputException>(() => ClassifierModel.Load(path));
        Assert.Contains("x.zip", e.Message);
        File.WriteAllText(tmp.File("y.zip"), "garbage");
        Assert.Throws<InvalidInputException>(() => ClassifierModel.Load(tmp.File("y.zip")));
    }

    [Theory]
    [InlineData(LulcClass.OpenPit, -3f, 0f, 0f, 0f, 0f, true)]
    [InlineData(LulcClass.OpenPit, 0.5f, 0f, 0f, 0f, 0f, false)]
    [InlineData(LulcClass.OpenPit, float.NaN, 0f, 0f, 0f, 0f, false)]
    [InlineData(LulcClass.WasteDumpingSite, 1.5f, 0f, 0f, 0f, 0f, true)]
    [InlineData(LulcClass.WasteDumpingSite, 1f, 0f, 0f, 0f, 0f, false)]
    [InlineData(LulcClass.GeneralDisturbedLand, 0.5f, 0.1f, 0f, 0f, 0f, true)]
    [InlineData(LulcClass.GeneralDisturbedLand, 0.5f, 0.3f, 0f, 0f, 0f, false)]
    [InlineData(LulcClass.Facility, 0f, 0f, 0.3f, 0f, 0f, true)]
    [InlineData(LulcClass.WaterBody, 0f, 0f, 0f, 0.1f, 0f, true)]
    [InlineData(LulcClass.WaterBody, 0f, 0f, 0f, -0.1f, 0f, false)]
    [InlineData(LulcClass.Vegetation, 0f, 0f, 0f, 0f, 0.31f, true)]
    [InlineData(LulcClass.BareSoil, float.NaN, 9f, 9f, 9f, 9f, true)]
    public void RefinementRulesOfThePublishedMethod(LulcClass cls, float dh, float bsi, float ndbi, float mndwi, float ndvi, bool kept) =>
        Assert.Equal(kept, Refinement.Passes(cls, dh, bsi, ndbi, mndwi, ndvi, new RefinementSettings()));
}
