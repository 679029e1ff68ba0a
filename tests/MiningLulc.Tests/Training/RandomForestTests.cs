using MiningLulc.Training;
using MiningLulc.Model;
using MiningLulc.Trees;

namespace MiningLulc.Tests.Training;

/// <summary>
/// Breiman's forest to the letter: the first split of a tiny set checked against Gini computed by
/// hand, bootstrap draws counting as copies, midpoint thresholds, NaN to the majority child, trees
/// grown to purity, mtry features drawn afresh at every node, ties of the vote to the smallest
/// code, and the same forest for a seed whatever the number of threads.
/// </summary>
public class RandomForestTests
{
    /// <summary>
    /// Eight rows, two features, three classes. Parent Gini 1 - (3/8)² - (2/8)² - (3/8)² = 21/32.
    /// Weighted Gini of the candidate splits (left | right, n_L/n G_L + n_R/n G_R):
    /// x0 &lt;= 5.5: {1,1,2,1,2} | {3,3,3} = 5/8 (1 - 9/25 - 4/25) + 0 = 3/10, the best;
    /// x0 &lt;= 4.5: {1,1,2,1} | {2,3,3,3} = 4/8 (3/8) + 4/8 (3/8) = 3/8;
    /// x1 &lt;= 5 (midpoint of 4 and 6): {1,1,2,2} | {3,3,3,1} = 4/8 (1/2) + 4/8 (3/8) = 7/16, x1's best.
    /// </summary>
    private static readonly float[][] X = [[1, 2, 3, 4, 5, 6, 7, 8], [2, 9, 4, 1, 3, 6, 8, 7]];
    private static readonly byte[] Y = [0, 0, 1, 0, 1, 2, 2, 2];

    /// <summary>Gini impurity of a multiset of classes: 1 - sum_k p_k².</summary>
    private static double Gini(IEnumerable<byte> labels)
    {
        var l = labels.ToList();
        return l.Count == 0 ? 0 : 1 - l.GroupBy(c => c).Sum(g => Math.Pow((double)g.Count() / l.Count, 2));
    }

    /// <summary>Every candidate split (feature, midpoint) of the rows, each row repeated by its draws, with its weighted Gini.</summary>
    private static List<(int Feature, double Threshold, double Gini)> Candidates(int[] draws)
    {
        var rows = Enumerable.Range(0, Y.Length).SelectMany(r => Enumerable.Repeat(r, draws[r])).ToList();
        var result = new List<(int, double, double)>();
        for (var f = 0; f < X.Length; f++)
        {
            var values = rows.Select(r => (double)X[f][r]).Distinct().Order().ToList();
            for (var i = 0; i + 1 < values.Count; i++)
            {
                var t = (values[i] + values[i + 1]) / 2;
                var left = rows.Where(r => X[f][r] <= t).Select(r => Y[r]).ToList();
                var right = rows.Where(r => X[f][r] > t).Select(r => Y[r]).ToList();
                result.Add((f, t, ((double)left.Count * Gini(left) + right.Count * Gini(right)) / rows.Count));
            }
        }
        return result;
    }

    private static RandomForestTreeGrower Grower(int mtry = 2) => new(new ForestRows(X, Y, 3), mtry, minSamplesPerLeaf: 1);

    [Fact]
    public void TheFirstSplitIsTheOneOfLeastGiniComputedByHand()
    {
        var candidates = Candidates([1, 1, 1, 1, 1, 1, 1, 1]);
        Assert.Equal(21.0 / 32, Gini(Y), 12);
        Assert.Equal(3.0 / 10, candidates.Single(c => c is { Feature: 0, Threshold: 5.5 }).Gini, 12);
        Assert.Equal(3.0 / 8, candidates.Single(c => c is { Feature: 0, Threshold: 4.5 }).Gini, 12);
        Assert.Equal(7.0 / 16, candidates.Where(c => c.Feature == 1).Min(c => c.Gini), 12);
        Assert.Equal(5.0, candidates.Where(c => c.Feature == 1).MinBy(c => c.Gini).Threshold);

        var tree = Grower().Grow(new RandomForestRandom(1), [1, 1, 1, 1, 1, 1, 1, 1]);
        Assert.Equal(0, tree.Feature[0]);
        Assert.Equal(5.5f, tree.Threshold[0]);
        Assert.True(tree.NanLeft[0], "five rows went left, three right: a missing value follows the five");
        Assert.True(tree.Right[0] < 0, "the right child {3,3,3} is pure: a leaf");
        Assert.Equal(2, tree.LeafClass[~tree.Right[0]]);
        // Grown to purity: every row lands in a leaf of its own class.
        for (var r = 0; r < Y.Length; r++) Assert.Equal(Y[r], tree.Vote([X[0][r], X[1][r]]));
    }

    [Theory]
    [InlineData(new[] { 1, 1, 1, 1, 1, 1, 1, 1 })]
    [InlineData(new[] { 3, 0, 1, 0, 2, 0, 1, 1 })]
    [InlineData(new[] { 0, 2, 2, 1, 0, 1, 1, 1 })]
    [InlineData(new[] { 1, 0, 0, 4, 1, 0, 2, 0 })]
    public void ABootstrapRowDrawnKTimesCountsAsKCopies(int[] draws)
    {
        var candidates = Candidates(draws);
        var best = candidates.Min(c => c.Gini);
        var winners = candidates.Where(c => Math.Abs(c.Gini - best) < 1e-12).ToList();
        var tree = Grower().Grow(new RandomForestRandom(7), draws);
        Assert.Contains(winners, w => w.Feature == tree.Feature[0] && (float)w.Threshold == tree.Threshold[0]);
        // NaN follows the child holding more draws.
        var left = Enumerable.Range(0, Y.Length).Where(r => X[tree.Feature[0]][r] <= tree.Threshold[0]).Sum(r => draws[r]);
        Assert.Equal(left >= draws.Sum() - left, tree.NanLeft[0]);
        // Every drawn row is classified as its class by the tree grown on it.
        for (var r = 0; r < Y.Length; r++)
            if (draws[r] > 0) Assert.Equal(Y[r], tree.Vote([X[0][r], X[1][r]]));
    }

    [Fact]
    public void EqualBestSplitsArePickedAtRandomAsInR()
    {
        // Two copies of one feature: every split of one ties with the same split of the other.
        var x = new[] { new float[] { 1, 2, 3, 4 }, new float[] { 1, 2, 3, 4 } };
        var grower = new RandomForestTreeGrower(new ForestRows(x, [0, 0, 1, 1], 2), mtry: 2, minSamplesPerLeaf: 1);
        var roots = Enumerable.Range(0, 200).Select(seed => grower.Grow(new RandomForestRandom((ulong)seed), [1, 1, 1, 1])).Select(t => t.Feature[0]).ToList();
        Assert.InRange(roots.Count(f => f == 0), 60, 140);
    }

    [Theory]
    [InlineData(1f, 3f, 2f)]
    [InlineData(-2.5f, 0.5f, -1f)]
    [InlineData(1f, float.PositiveInfinity, 1f)]
    [InlineData(float.NegativeInfinity, 0f, float.NegativeInfinity)]
    public void ThresholdsAreMidpointsThatSeparate(float below, float above, float expected) =>
        Assert.Equal(expected, RandomForestTreeGrower.Midpoint(below, above));

    [Fact]
    public void AMidpointThatRoundsOntoTheUpperValueFallsBackToTheLowerOne()
    {
        // Between two adjacent floats the midpoint rounds to one of them (ties to even); x <= t must still separate them.
        foreach (var a in new[] { 1f, 1.5f, 1234.5678f, -3f, 1e-30f })
        {
            var b = MathF.BitIncrement(a);
            var t = RandomForestTreeGrower.Midpoint(a, b);
            Assert.True(a <= t && t < b, $"{a:R} .. {b:R}: {t:R}");
        }
    }

    [Fact]
    public void MtryFeaturesAreDrawnFromAllOfThemAtEveryNode()
    {
        // Feature 0 decides the class; features 1..5 are noise. Drawing one feature per node, roots split on
        // every feature about equally often; drawing all six, always on feature 0.
        var table = NoisyTable(rows: 300, features: 6, seed: 3);
        var one = RandomForest.Train(table, new RandomForestOptions { Trees = 300, Mtry = 1, Seed = 1 }).Forest;
        var counts = one.Trees.GroupBy(t => t.Feature[0]).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(6, counts.Count);
        Assert.All(counts.Values, n => Assert.InRange(n, 25, 80));
        var all = RandomForest.Train(table, new RandomForestOptions { Trees = 50, Mtry = 6, Seed = 1 }).Forest;
        Assert.All(all.Trees, t => Assert.Equal(0, t.Feature[0]));
        // And deeper nodes draw again: with one feature per node, the noise features split below the root too.
        Assert.True(one.Trees.SelectMany(t => t.Feature.Skip(1)).Distinct().Count() == 6);
    }

    [Fact]
    public void TheSameSeedGivesTheSameForestWhateverTheThreads()
    {
        var table = NoisyTable(rows: 500, features: 5, seed: 4);
        byte[] Bytes(RandomForestFit fit)
        {
            using var m = new MemoryStream();
            RandomForestFormat.Write(fit.Forest, m);
            return m.ToArray();
        }
        var fits = new[] { 1, 2, -1 }.Select(threads => RandomForest.Train(table, new RandomForestOptions { Trees = 40, Mtry = 2, Seed = 9, MaxThreads = threads })).ToList();
        Assert.All(fits, f => Assert.Equal(Bytes(fits[0]), Bytes(f)));
        Assert.All(fits, f => Assert.Equal(fits[0].OutOfBag.Confusion.SelectMany(r => r), f.OutOfBag.Confusion.SelectMany(r => r)));
        var other = RandomForest.Train(table, new RandomForestOptions { Trees = 40, Mtry = 2, Seed = 10 });
        Assert.NotEqual(Bytes(fits[0]), Bytes(other));
    }

    [Fact]
    public void EveryTreeFitsItsOwnBootstrapSampleExactly()
    {
        var table = NoisyTable(rows: 400, features: 4, seed: 5, noiseOnly: true);
        var columns = Enumerable.Range(0, 4).Select(f => Enumerable.Range(0, table.Count).Select(i => table.Row(i)[f]).ToArray()).ToArray();
        var classes = table.Labels.Select(l => (byte)(l - 1)).ToArray();
        var grower = new RandomForestTreeGrower(new ForestRows(columns, classes, 7), mtry: 2, minSamplesPerLeaf: 1);
        for (var seed = 0; seed < 5; seed++)
        {
            var tree = grower.Grow(RandomForestRandom.ForTree(1, seed));
            var weights = grower.Weights.ToArray();
            var outOfBag = weights.Count(w => w == 0);
            Assert.InRange(outOfBag, 0.30 * table.Count, 0.44 * table.Count); // (1 - 1/n)^n ≈ 0.368
            Assert.Equal(table.Count, weights.Sum());
            for (var i = 0; i < table.Count; i++)
                if (weights[i] > 0) Assert.Equal(classes[i], tree.Vote(table.Row(i)));
        }
    }

    [Fact]
    public void RowsWithMissingValuesAreLeftOutOfTrainingAndStillClassified()
    {
        var table = NoisyTable(rows: 300, features: 3, seed: 6);
        var withVoids = new TrainingTable(3);
        for (var i = 0; i < table.Count; i++)
        {
            var row = table.Row(i).ToArray();
            if (i % 10 == 0) row[1] = float.NaN;
            withVoids.Add(row, (LulcClass)table.Labels[i], i);
        }
        var fit = RandomForest.Train(withVoids, new RandomForestOptions { Trees = 30, Mtry = 2, Seed = 2 });
        Assert.Equal(30, fit.RowsWithMissingValues);
        Assert.Equal(270, fit.OutOfBag.Confusion.Sum(r => r.Sum()));
        var voting = new RandomForestVoting(fit.Forest);
        var classes = new byte[2];
        voting.Predict([1.5f, float.NaN, 0.2f, float.NaN, float.NaN, float.NaN], 2, 3, classes, []);
        Assert.All(classes, c => Assert.InRange(c, (byte)1, (byte)7));
    }

    [Fact]
    public void AVoteTieGoesToTheSmallestClassCode()
    {
        // Codes 2, 5, 7. A one-leaf tree votes 7; a split votes 5 for x <= 0.5, else 2 (NaN goes right).
        // Row 0: 7 and 5 tie -> 5. Row 1: 7 and 2 tie -> 2. Row 2 (NaN): as row 1.
        var leaf = new RandomForestTree([], [], [], [], [], [2]);
        var split = new RandomForestTree([0], [0.5f], [false], [~0], [~1], [1, 0]);
        var forest = new RandomForestModel(1, [2, 5, 7], [leaf, split]);
        foreach (var classifier in new IPixelClassifier[] { new RandomForestVoting(forest), ForestPayloadFlat(forest) })
        {
            var classes = new byte[3];
            var scores = new float[9];
            classifier.Predict([0f, 1f, float.NaN], 3, 1, classes, scores);
            Assert.Equal(new byte[] { 5, 2, 2 }, classes);
            Assert.Equal([0f, 0.5f, 0.5f, 0.5f, 0f, 0.5f, 0.5f, 0f, 0.5f], scores);
        }
    }

    [Fact]
    public void OutOfBagEstimateCountsEachRowOnce()
    {
        var table = NoisyTable(rows: 350, features: 4, seed: 8);
        var fit = RandomForest.Train(table, new RandomForestOptions { Trees = 60, Mtry = 2, Seed = 3 });
        var oob = fit.OutOfBag;
        Assert.Equal(table.Count, oob.Rows); // with 60 trees every row is out of bag somewhere
        Assert.Equal(oob.Rows, oob.Confusion.Sum(r => r.Sum()));
        var wrong = oob.Confusion.Select((r, c) => r.Sum() - r[c]).Sum();
        Assert.Equal((double)wrong / oob.Rows, oob.Error, 12);
        Assert.Equal(LulcClasses.Names, oob.Classes);
        Assert.InRange(oob.Error, 0.0, 0.2); // feature 0 nearly decides the class
    }

    [Fact]
    public void OptionsAreValidatedNotRewritten()
    {
        var table = NoisyTable(rows: 50, features: 3, seed: 1);
        Assert.Throws<InvalidInputException>(() => RandomForest.Train(table, new RandomForestOptions { Mtry = 4 }));
        Assert.Throws<InvalidInputException>(() => RandomForest.Train(table, new RandomForestOptions { Trees = 0 }));
        Assert.Throws<InvalidInputException>(() => RandomForest.Train(table, new RandomForestOptions { MinSamplesPerLeaf = 0 }));
        Assert.Equal(1, new RandomForestOptions().MtryFor(3));
        Assert.Equal(3, new RandomForestOptions().MtryFor(15)); // R: floor(sqrt(p))
    }

    private static FlatTreeClassifier ForestPayloadFlat(RandomForestModel forest) =>
        FlatTreeClassifier.Forest(forest.FeatureCount, [.. forest.Trees.Select(t => t.ToFlat())], [.. forest.ClassCodes]);

    /// <summary>Seven classes; feature 0 is the class plus a little noise (unless <paramref name="noiseOnly"/>), the rest uniform noise.</summary>
    internal static TrainingTable NoisyTable(int rows, int features, int seed, bool noiseOnly = false)
    {
        var rng = new Random(seed);
        var table = new TrainingTable(features);
        var row = new float[features];
        for (var i = 0; i < rows; i++)
        {
            var cls = 1 + i % 7;
            for (var f = 0; f < features; f++) row[f] = (float)rng.NextDouble();
            if (!noiseOnly) row[0] = cls + (float)rng.NextDouble() * 0.8f;
            table.Add(row, (LulcClass)cls, i);
        }
        return table;
    }
}
