using System.IO.Compression;
using MiningLulc.Tests.Trees;
using MiningLulc.Training;
using MiningLulc.Model;
using MiningLulc.Trees;

namespace MiningLulc.Tests.Training;

/// <summary>
/// The forest as a model: the flat engine's votes and scores bit-identical to the plain tree walk
/// (on NaN-heavy rows, infinities, the split points themselves, and every count around the block),
/// forest.bin written and read back to the same bytes and the same predictions, the same zip
/// bytes from the same seed, and a broken forest.bin refused with the file named.
/// </summary>
public class RandomForestModelTests
{
    private static EngineConfig Forest(int trees, int mtry = 4, int seed = 42) => EngineConfig.Default with
    {
        Training = EngineConfig.Default.Training with { Trainer = TrainerKind.RandomForest, Trees = trees, Mtry = mtry, MinSamplesPerLeaf = 1, Seed = seed },
    };

    /// <summary>A forest grown to purity on rows whose labels only partly follow the features: deep trees, hundreds of leaves.</summary>
    private static ClassifierModel DeepForest(int classes = 7, int trees = 30)
    {
        var set = FeatureSet.Published;
        var table = FlatTreeEquivalenceTests.Table(set, [.. Enumerable.Range(1, classes)], 300, seed: 21, nanRate: 0.1);
        return ModelTrainer.Train(table, set, Forest(trees), ["synthetic"]);
    }

    /// <summary>The model's classes and scores equal the plain tree walk's, bit for bit.</summary>
    private static void CheckSameAsReferenceWalk(ClassifierModel model, float[] rows, int count)
    {
        Assert.True(model.UsesFlatTrees, model.InferencePath);
        Assert.Equal(TreeEngine.Walk, model.FlatTrees!.Engine);
        var k = model.ScoreCount;
        var width = model.FeatureSet.Names.Count;
        byte[] fast = new byte[count], reference = new byte[count];
        float[] fastScores = new float[count * k], referenceScores = new float[count * k];
        model.Predict(rows, count, fast, fastScores);
        new RandomForestVoting(model.Forest!).Predict(rows, count, width, reference, referenceScores);
        Assert.Equal(reference, fast);
        // Classes alone take the walk that stops each row once its majority is settled: the same classes.
        var classesOnly = new byte[count];
        model.Predict(rows, count, classesOnly);
        Assert.Equal(reference, classesOnly);
        for (var i = 0; i < fastScores.Length; i++)
            Assert.True(InferenceSelfCheck.SameBits(fastScores[i], referenceScores[i]), $"row {i / k} score {i % k}: {fastScores[i]:R} vs {referenceScores[i]:R}");
        // Scores are vote fractions: multiples of 1/trees adding up to 1.
        var trees = model.Forest!.Trees.Count;
        for (var i = 0; i < count; i++)
            Assert.Equal(trees, Enumerable.Range(0, k).Sum(c => (int)Math.Round(fastScores[i * k + c] * trees)));
    }

    [Fact]
    public void FlatVotesEqualThePlainTreeWalk()
    {
        var model = DeepForest();
        Assert.True(model.FlatTrees!.Trees.Max(t => t.LeafCount) > 100, $"largest tree has {model.FlatTrees.Trees.Max(t => t.LeafCount)} leaves");
        var w = model.FeatureSet.Names.Count;
        foreach (var nanRate in new[] { 0.0, 0.3, 0.9, 1.0 })
            CheckSameAsReferenceWalk(model, FlatTreeEquivalenceTests.Matrix(w, 3000, seed: 31 + (int)(nanRate * 10), nanRate), 3000);
        // Rows on, just above and just below the forest's own thresholds (and NaN): every split's both sides.
        CheckSameAsReferenceWalk(model, model.FlatTrees!.ProbeRows(4000, seed: 5), 4000);
        // Counts around the lanes and the block.
        foreach (var n in new[] { 1, 2, TreeWalker.Lanes - 1, TreeWalker.Lanes, TreeWalker.Lanes + 1, 100, TreeWalker.BlockRows - 1, TreeWalker.BlockRows, TreeWalker.BlockRows + 3 })
            CheckSameAsReferenceWalk(model, FlatTreeEquivalenceTests.Matrix(w, n, seed: n, 0.2), n);
    }

    [Fact]
    public void FewerClassesKeepTheirCodes()
    {
        var set = FeatureSet.Published;
        var model = ModelTrainer.Train(FlatTreeEquivalenceTests.Table(set, [2, 5, 7], 150, seed: 3), set, Forest(20), ["synthetic"]);
        Assert.Equal(3, model.ScoreCount);
        Assert.Equal(new byte[] { 2, 5, 7 }, model.Forest!.ClassCodes);
        var rows = FlatTreeEquivalenceTests.Matrix(set.Names.Count, 1000, seed: 4, 0.2);
        CheckSameAsReferenceWalk(model, rows, 1000);
        var predicted = new byte[1000];
        model.Predict(rows, 1000, predicted);
        Assert.All(predicted, c => Assert.Contains(c, new byte[] { 2, 5, 7 }));
    }

    [Fact]
    public void SaveLoadPredictIsIdenticalAndTheZipIsTheSameBytesForTheSameSeed()
    {
        using var tmp = new TempDir();
        var model = DeepForest(trees: 20);
        model.Save(tmp.File("a.zip"));
        DeepForest(trees: 20).Save(tmp.File("b.zip"));
        Assert.Equal(File.ReadAllBytes(tmp.File("a.zip")), File.ReadAllBytes(tmp.File("b.zip")));

        var loaded = ClassifierModel.Load(tmp.File("a.zip"));
        Assert.Equal(model.ContentHash, loaded.ContentHash);
        Assert.Equal(ModelCard.CurrentFormatVersion, loaded.Card.FormatVersion);
        Assert.NotNull(loaded.Card.OutOfBag);
        Assert.Equal(model.Card.ToJson(), loaded.Card.ToJson());
        const int count = 2500;
        var rows = FlatTreeEquivalenceTests.Matrix(model.FeatureSet.Names.Count, count, seed: 6, 0.3);
        byte[] before = new byte[count], after = new byte[count];
        float[] beforeScores = new float[count * model.ScoreCount], afterScores = new float[count * loaded.ScoreCount];
        model.Predict(rows, count, before, beforeScores);
        loaded.Predict(rows, count, after, afterScores);
        Assert.Equal(before, after);
        Assert.Equal(beforeScores, afterScores);
        CheckSameAsReferenceWalk(loaded, rows, count);

        using var zip = ZipFile.OpenRead(tmp.File("a.zip"));
        Assert.Equal([ClassifierModel.CardEntry, RandomForestFormat.EntryName], zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
        using var m = new MemoryStream();
        RandomForestFormat.Write(model.Forest!, m);
        using var stored = new MemoryStream();
        using (var s = zip.GetEntry(RandomForestFormat.EntryName)!.Open()) s.CopyTo(stored);
        Assert.Equal(m.ToArray(), stored.ToArray());

        var reseeded = ModelTrainer.Train(FlatTreeEquivalenceTests.Table(FeatureSet.Published, [.. Enumerable.Range(1, 7)], 300, seed: 21, nanRate: 0.1), FeatureSet.Published, Forest(20, seed: 43), ["synthetic"]);
        Assert.NotEqual(model.ContentHash, reseeded.ContentHash);
    }

    [Fact]
    public void TheFormatStartsWithItsMagicAndVersion()
    {
        var forest = new RandomForestModel(2, [3, 6], [new RandomForestTree([1], [0.25f], [true], [~0], [~1], [1, 0])]);
        using var m = new MemoryStream();
        RandomForestFormat.Write(forest, m);
        byte[] expected =
        [
            (byte)'M', (byte)'L', (byte)'R', (byte)'F', 1, 0, 0, 0, // magic, version 1
            2, 0, 0, 0, 2, 0, 0, 0, 3, 6,                          // 2 features, 2 classes, codes 3 and 6
            1, 0, 0, 0,                                            // one tree
            1, 0, 0, 0,                                            // one split
            1, 0, 0, 0,                                            // on feature 1
            0, 0, 0x80, 0x3E,                                      // at 0.25f
            1,                                                     // NaN goes left
            0xFF, 0xFF, 0xFF, 0xFF, 0xFE, 0xFF, 0xFF, 0xFF,        // left ~0, right ~1
            1, 0,                                                  // leaf 0 votes class index 1 (code 6), leaf 1 index 0 (code 3)
        ];
        Assert.Equal(expected, m.ToArray());
        m.Position = 0;
        var back = RandomForestFormat.Read(m, "test");
        Assert.Equal(forest.ClassCodes, back.ClassCodes);
        Assert.Equal(1, back.Trees[0].Vote([0f, float.NaN]));
    }

    [Theory]
    [InlineData("magic")]
    [InlineData("version")]
    [InlineData("truncated")]
    [InlineData("feature")]
    [InlineData("child")]
    [InlineData("class")]
    [InlineData("trailing")]
    public void ABrokenForestIsAClearErrorNamingTheFile(string damage)
    {
        using var tmp = new TempDir();
        var model = DeepForest(classes: 3, trees: 3);
        var path = tmp.File("m.zip");
        model.Save(path);
        byte[] bytes;
        using (var zip = ZipFile.OpenRead(path))
        using (var s = zip.GetEntry(RandomForestFormat.EntryName)!.Open())
        using (var m = new MemoryStream())
        {
            s.CopyTo(m);
            bytes = m.ToArray();
        }
        // Layout: magic 4, version 4, features 4, classes 4, 3 codes, trees 4, splits 4, then features.
        const int firstFeature = 4 + 4 + 4 + 4 + 3 + 4 + 4;
        var splits = BitConverter.ToInt32(bytes, firstFeature - 4);
        var firstLeft = firstFeature + splits * (4 + 4 + 1);
        var firstLeafClass = firstLeft + splits * 8;
        switch (damage)
        {
            case "magic": bytes[0] = (byte)'X'; break;
            case "version": bytes[4] = 9; break;
            case "truncated": bytes = bytes[..(bytes.Length / 2)]; break;
            case "feature": BitConverter.GetBytes(15).CopyTo(bytes, firstFeature); break;
            case "child": BitConverter.GetBytes(0).CopyTo(bytes, firstLeft); break; // the root as its own child: a loop
            case "class": bytes[firstLeafClass] = 3; break;
            case "trailing": bytes = [.. bytes, 0]; break;
        }
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            zip.GetEntry(RandomForestFormat.EntryName)!.Delete();
            using var s = zip.CreateEntry(RandomForestFormat.EntryName).Open();
            s.Write(bytes);
        }
        var e = Assert.Throws<InvalidInputException>(() => ClassifierModel.Load(path));
        Assert.Contains("m.zip", e.Message);
    }

    [Fact]
    public void InspectPrintsTheOutOfBagEstimateAsRDoes()
    {
        using var tmp = new TempDir();
        var model = DeepForest(classes: 3, trees: 10);
        model.Save(tmp.File("m.zip"));
        var report = MiningLulc.Inspection.Inspector.Inspect(tmp.File("m.zip"));
        var oob = model.Card.OutOfBag!;
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        Assert.Contains(report.Facts, f => f.Key == "out-of-bag error"
            && f.Value.StartsWith(string.Format(inv, "{0:0.00} % of {1} training rows (10 trees, 4 features tried at each split)", oob.Error * 100, oob.Rows), StringComparison.Ordinal));
        Assert.Contains(report.Facts, f => f.Key == "inference" && f.Value.StartsWith("flat trees (Walk; 10 trees", StringComparison.Ordinal));
        Assert.Equal(["class", "1", "2", "3", "class error"], report.TableHeader!);
        Assert.Equal(3, report.TableRows!.Count);
        for (var c = 0; c < 3; c++)
        {
            Assert.Equal($"{c + 1} {LulcClasses.Names[c]}", report.TableRows[c][0]);
            Assert.Equal(oob.Confusion[c].Select(n => n.ToString(inv)), report.TableRows[c].Skip(1).Take(3));
            Assert.Equal(oob.ClassError[c].ToString("0.000", inv), report.TableRows[c][4]);
        }
    }

    [Fact]
    public void AFormatOneCardOfTheRetiredForestStillLoads()
    {
        // A card written before issue 15 holds the one-versus-all FastForest's settings, which no trainer reads any more.
        var card = DeepForest(classes: 3, trees: 2).Card with { FormatVersion = 1, OutOfBag = null };
        var json = System.Text.Json.Nodes.JsonNode.Parse(card.ToJson())!;
        json["config"]!["training"]!["feature_fraction"] = 0.2667;
        json["config"]!["training"]!["bagging_fraction"] = 0.7;
        var read = ModelCard.FromJson(json.ToJsonString());
        Assert.Equal(card.ToJson(), read.ToJson());
        // A config file that sets one is an error, as any unknown key.
        using var tmp = new TempDir();
        File.WriteAllText(tmp.File("c.json"), """{ "training": { "feature_fraction": 0.5 } }""");
        Assert.Contains("c.json", Assert.Throws<InvalidInputException>(() => EngineConfig.Load(tmp.File("c.json"))).Message);
    }

    [Fact]
    public void AModelOfANewerFormatIsRefusedAsSuchNotForAKeyThisEngineDoesNotKnow()
    {
        // A newer engine's card: a format above this engine's and a key this one has never heard of.
        using var tmp = new TempDir();
        DeepForest(classes: 3, trees: 2).Save(tmp.File("m.zip"));
        using (var zip = System.IO.Compression.ZipFile.Open(tmp.File("m.zip"), System.IO.Compression.ZipArchiveMode.Update))
        {
            var entry = zip.GetEntry("card.json")!;
            string text;
            using (var r = new StreamReader(entry.Open())) text = r.ReadToEnd();
            var json = System.Text.Json.Nodes.JsonNode.Parse(text)!;
            json["format_version"] = ModelCard.CurrentFormatVersion + 1;
            json["something_new"] = true;
            entry.Delete();
            using var w = new StreamWriter(zip.CreateEntry("card.json").Open());
            w.Write(json.ToJsonString());
        }
        var e = Assert.Throws<InvalidInputException>(() => ClassifierModel.Load(tmp.File("m.zip")));
        Assert.Contains($"model format {ModelCard.CurrentFormatVersion + 1} is newer than this engine understands ({ModelCard.CurrentFormatVersion})", e.Message);
        Assert.Contains("m.zip", e.ToString());
        Assert.DoesNotContain("something_new", e.Message);
    }
}
