using MiningLulc.Pipeline;
using MiningLulc.Training;
using Xunit.Abstractions;
using MiningLulc.Model;

namespace MiningLulc.Tests.Training;

/// <summary>
/// The out-of-bag error is an honest row-level estimate: on the published preset's samples of a
/// synthetic region, it comes within 2 points of the error on a random 20 % of the same rows held
/// out before training. Held-out sites (never sampled for training, not refined) are harder; their
/// error is reported beside, not compared.
/// </summary>
[Collection(SyntheticRegionCollection.Name)]
public class RandomForestEstimateTests(SyntheticRegionFixture region, ITestOutputHelper output)
{
    [Fact]
    public void OutOfBagErrorIsWithinTwoPointsOfTheErrorOnHeldOutRows()
    {
        var config = PublishedRecipeTests.Published();
        var s = config.Training;
        var samples = TrainingRunner.Sample(new TrainRequest { Regions = [region.Region], Config = config, Holdout = 0.34 });
        var rows = samples.Train.Balance(s.MaxSamplesPerClass, s.Seed);
        var order = Enumerable.Range(0, rows.Count).ToArray();
        new Random(17).Shuffle(order);
        var heldOut = order.Take(rows.Count / 5).ToHashSet();
        var fitRows = new TrainingTable(rows.FeatureCount);
        var testRows = new TrainingTable(rows.FeatureCount);
        for (var i = 0; i < rows.Count; i++) (heldOut.Contains(i) ? testRows : fitRows).Add(rows.Row(i), (LulcClass)rows.Labels[i], rows.Sites[i]);

        var fit = RandomForest.Train(fitRows, new RandomForestOptions { Trees = s.Trees, Mtry = s.Mtry, MinSamplesPerLeaf = s.MinSamplesPerLeaf, Seed = s.Seed });
        var rowError = Error(fit.Forest, testRows);
        var siteError = Error(fit.Forest, samples.HeldOut);
        output.WriteLine($"{fitRows.Count} training rows ({fit.RowsWithMissingValues} with a void left out), {testRows.Count} held-out rows, "
            + $"{samples.HeldOut.Count} pixels of {samples.HeldOut.Sites.Distinct().Count()} held-out sites");
        output.WriteLine($"error: out-of-bag {fit.OutOfBag.Error:0.0000}, held-out rows {rowError:0.0000}, held-out sites {siteError:0.0000}");
        Assert.True(testRows.Count > 1000, $"only {testRows.Count} held-out rows");
        Assert.InRange(fit.OutOfBag.Error - rowError, -0.02, 0.02);
        Assert.True(siteError > rowError, "held-out sites are expected to be harder than held-out rows of the training sites");
    }

    /// <summary>Share of the table's rows the forest misclassifies (rows with voids included: they go to the majority child).</summary>
    private static double Error(RandomForestModel forest, TrainingTable table)
    {
        var w = table.FeatureCount;
        var matrix = new float[table.Count * w];
        for (var i = 0; i < table.Count; i++) table.Row(i).CopyTo(matrix.AsSpan(i * w));
        var predicted = new byte[table.Count];
        new RandomForestVoting(forest).Predict(matrix, table.Count, w, predicted, []);
        return (double)Enumerable.Range(0, table.Count).Count(i => predicted[i] != table.Labels[i]) / table.Count;
    }
}
