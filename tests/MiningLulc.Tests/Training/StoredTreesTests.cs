using System.IO.Compression;
using MiningLulc.Training;
using MiningLulc.Model;
using MiningLulc.Trees;

namespace MiningLulc.Tests.Training;

/// <summary>
/// A LightGBM model zip carries its flat trees (flat-trees.bin) as train checked them, so run predicts
/// without loading ML.NET; the stored trees predict what ML.NET predicts, and a zip without them (an
/// older model) still loads through ML.NET with the same classes, scores and content hash.
/// Synthetic rows: the class follows two features, one of them sometimes missing.
/// </summary>
public class StoredTreesTests
{
    private static (ClassifierModel Model, float[] Rows, int Count) Trained()
    {
        var set = new FeatureSet("three", ["B02", "B08", "dh"]);
        var table = new TrainingTable(3);
        var rng = new Random(5);
        for (var i = 0; i < 1400; i++)
        {
            var cls = 1 + i % 7;
            table.Add([cls * 100 + (float)rng.NextDouble() * 150, (float)rng.NextDouble() * 1000, rng.NextDouble() < 0.2 ? float.NaN : cls + (float)rng.NextDouble()], (LulcClass)cls, i);
        }
        var model = ModelTrainer.Train(table, set, EngineConfig.Default with { Training = EngineConfig.Default.Training with { Trees = 15 } }, ["synthetic"]);
        var count = 2000;
        var rows = new float[count * 3];
        for (var i = 0; i < rows.Length; i++) rows[i] = i % 3 == 2 && rng.NextDouble() < 0.2 ? float.NaN : (float)rng.NextDouble() * (i % 3 == 2 ? 8 : 900);
        return (model, rows, count);
    }

    private static (byte[] Classes, float[] Scores) Predict(ClassifierModel model, float[] rows, int count)
    {
        var classes = new byte[count];
        var scores = new float[count * model.ScoreCount];
        model.Predict(rows, count, classes, scores);
        return (classes, scores);
    }

    [Fact]
    public void TheStoredTreesPredictWhatMlNetPredicts()
    {
        var (model, rows, count) = Trained();
        using var tmp = new TempDir();
        model.Save(tmp.File("m.zip"));
        using (var zip = ZipFile.OpenRead(tmp.File("m.zip"))) Assert.NotNull(zip.GetEntry(FlatTreeFormat.EntryName));

        var loaded = ClassifierModel.Load(tmp.File("m.zip"));
        Assert.EndsWith("stored by train", loaded.InferencePath);
        var stored = Predict(loaded, rows, count);
        var trained = Predict(model, rows, count);
        Assert.Equal(trained.Classes, stored.Classes);
        Assert.Equal(trained.Scores, stored.Scores);

        // ML.NET itself, loaded only now that it is asked for.
        var reference = loaded.Reference;
        Assert.IsType<MlNetPixelClassifier>(reference);
        var classes = new byte[count];
        var scores = new float[count * reference.ScoreCount];
        reference.Predict(rows, count, 3, classes, scores);
        Assert.Equal(classes, stored.Classes);
        Assert.Equal(scores, stored.Scores);
    }

    [Fact]
    public void AModelWithoutStoredTreesLoadsThroughMlNetAlike()
    {
        var (model, rows, count) = Trained();
        using var tmp = new TempDir();
        model.Save(tmp.File("new.zip"));
        File.Copy(tmp.File("new.zip"), tmp.File("old.zip"));
        using (var zip = ZipFile.Open(tmp.File("old.zip"), ZipArchiveMode.Update)) zip.GetEntry(FlatTreeFormat.EntryName)!.Delete();

        var old = ClassifierModel.Load(tmp.File("old.zip"));
        var stored = ClassifierModel.Load(tmp.File("new.zip"));
        Assert.DoesNotContain("stored by train", old.InferencePath);
        var (storedClasses, storedScores) = Predict(stored, rows, count);
        var (oldClasses, oldScores) = Predict(old, rows, count);
        Assert.Equal(storedClasses, oldClasses);
        Assert.Equal(storedScores, oldScores);
        // Same model, same hash: results stored by a run with either are reused by the other.
        Assert.Equal(model.ContentHash, stored.ContentHash);
        Assert.Equal(model.ContentHash, old.ContentHash);
    }

    [Fact]
    public void AnMlNetPartChangedAfterTrainingIsRefusedThoughTheTreesAreIntact()
    {
        var (model, _, _) = Trained();
        using var tmp = new TempDir();
        model.Save(tmp.File("m.zip"));
        using (var zip = ZipFile.Open(tmp.File("m.zip"), ZipArchiveMode.Update))
        {
            var entry = zip.Entries.First(e => e.FullName.EndsWith("Model.key", StringComparison.Ordinal));
            var name = entry.FullName;
            byte[] content;
            using (var s = entry.Open()) using (var buffer = new MemoryStream()) { s.CopyTo(buffer); content = buffer.ToArray(); }
            content[^1] ^= 1;
            entry.Delete();
            using var output = zip.CreateEntry(name).Open();
            output.Write(content);
        }
        var e = Assert.Throws<InvalidInputException>(() => ClassifierModel.Load(tmp.File("m.zip")));
        Assert.Contains("changed or damaged after training", e.Message);
    }

    [Fact]
    public void DamagedStoredTreesAreAnInputErrorNamingTheFile()
    {
        var (model, _, _) = Trained();
        using var tmp = new TempDir();
        model.Save(tmp.File("m.zip"));
        byte[] bytes;
        using (var zip = ZipFile.OpenRead(tmp.File("m.zip")))
        using (var s = zip.GetEntry(FlatTreeFormat.EntryName)!.Open())
        using (var buffer = new MemoryStream())
        {
            s.CopyTo(buffer);
            bytes = buffer.ToArray();
        }
        void Replace(string name, byte[] content)
        {
            File.Copy(tmp.File("m.zip"), tmp.File(name), overwrite: true);
            using var zip = ZipFile.Open(tmp.File(name), ZipArchiveMode.Update);
            zip.GetEntry(FlatTreeFormat.EntryName)!.Delete();
            using var s = zip.CreateEntry(FlatTreeFormat.EntryName).Open();
            s.Write(content);
        }
        Replace("truncated.zip", bytes[..(bytes.Length / 2)]);
        Replace("magic.zip", [.. "NOPE"u8.ToArray(), .. bytes[4..]]);
        var child = (byte[])bytes.Clone();
        // The first tree's first left child (after the header and the first tree's feature and threshold arrays) pointed far away.
        var header = 4 + 4 + FlatTreeFormat.DigestLength + 4 + 4; // magic, version, digest, width, formula
        var offset = header;
        offset += 4 + BitConverter.ToInt32(bytes, offset);          // class codes
        offset += 4 + 4 * BitConverter.ToInt32(bytes, offset);      // class tree starts
        offset += 4 + 8 * BitConverter.ToInt32(bytes, offset);      // Platt slopes
        offset += 4 + 8 * BitConverter.ToInt32(bytes, offset);      // Platt offsets
        offset += 4;                                                // tree count
        var nodes = BitConverter.ToInt32(bytes, offset);
        Assert.True(nodes > 0);
        offset += 4 + 4 * nodes;                                    // features
        offset += 4 + 4 * nodes;                                    // thresholds
        offset += 4 + nodes;                                        // NaN directions
        BitConverter.GetBytes(1_000_000).CopyTo(child, offset + 4); // Left[0]
        Replace("malformed.zip", child);
        foreach (var name in new[] { "truncated.zip", "magic.zip", "malformed.zip" })
        {
            var e = Assert.Throws<InvalidInputException>(() => ClassifierModel.Load(tmp.File(name)));
            Assert.Contains(name, e.Message);
            Assert.Contains(FlatTreeFormat.EntryName, e.Message);
        }
    }
}
