using MiningLulc.Trees;

namespace MiningLulc.Tests.Trees;

/// <summary>
/// The row-set engine on hand-made ensembles, against the plain reading of the split rule
/// (<see cref="FlatTree.LeafOf"/>, leaf values added per class in tree order in double): random tree
/// shapes from one leaf to a thousand (byte and 16-bit leaf numbers), thresholds at 0, -0, the
/// infinities and NaN, NaN sent either way, and row counts around the 256-row block.
/// </summary>
public class RowSetEvaluatorTests
{
    private const int Width = 5;

    /// <summary>Split points shared by all features: the special values and a few ordinary ones.</summary>
    private static readonly float[] Points = [float.NaN, float.NegativeInfinity, float.PositiveInfinity, 0f, -0f, -1.5f, 0.25f, 1f, 3000.5f, float.Epsilon];

    /// <summary>A random tree of <paramref name="leaves"/> leaves: lopsided or balanced splits, so depth ranges from log2 to linear.</summary>
    private static FlatTree RandomTree(Random rng, int leaves, float[][] thresholds)
    {
        var feature = new List<int>();
        var threshold = new List<float>();
        var nanLeft = new List<bool>();
        var left = new List<int>();
        var right = new List<int>();
        var values = new List<double>();
        int Build(int count)
        {
            if (count == 1)
            {
                values.Add(rng.NextDouble() * 2 - 1);
                return ~(values.Count - 1);
            }
            var node = feature.Count;
            var f = rng.Next(Width);
            feature.Add(f);
            threshold.Add(thresholds[f][rng.Next(thresholds[f].Length)]);
            nanLeft.Add(rng.Next(2) == 0);
            left.Add(0);
            right.Add(0);
            var toLeft = rng.Next(3) == 0 ? 1 : rng.Next(1, count);
            left[node] = Build(toLeft);
            right[node] = Build(count - toLeft);
            return node;
        }
        Build(leaves);
        return new FlatTree([.. feature], [.. threshold], [.. nanLeft], [.. left], [.. right], [.. values]);
    }

    /// <summary>Per feature: the shared points plus <paramref name="extra"/> random thresholds.</summary>
    private static float[][] Thresholds(Random rng, int extra) =>
        Enumerable.Range(0, Width).Select(_ => Points.Concat(Enumerable.Range(0, extra).Select(_ => (float)(rng.NextDouble() * 10 - 5))).ToArray()).ToArray();

    /// <summary>Rows on, just above and just below the thresholds, and NaN at <paramref name="nanRate"/>.</summary>
    private static float[] Rows(Random rng, float[][] thresholds, int count, double nanRate)
    {
        var rows = new float[count * Width];
        for (var i = 0; i < rows.Length; i++)
        {
            var t = thresholds[i % Width][rng.Next(thresholds[i % Width].Length)];
            rows[i] = rng.NextDouble() < nanRate ? float.NaN : rng.Next(3) switch
            {
                0 => MathF.BitIncrement(t),
                1 => MathF.BitDecrement(t),
                _ => t,
            };
        }
        return rows;
    }

    /// <summary>Classes and raw scores (per class, leaf values summed in tree order in double, then rounded) by walking every tree.</summary>
    private static (byte[] Classes, float[] Scores) Reference(IReadOnlyList<FlatTree> trees, int[] classTreeStart, byte[] codes, float[] rows, int count)
    {
        var k = codes.Length;
        var classes = new byte[count];
        var scores = new float[count * k];
        for (var r = 0; r < count; r++)
        {
            var row = rows.AsSpan(r * Width, Width);
            for (var c = 0; c < k; c++)
            {
                var sum = 0.0;
                for (var t = classTreeStart[c]; t < classTreeStart[c + 1]; t++) sum += trees[t].Leaves[trees[t].LeafOf(row)];
                scores[r * k + c] = (float)sum;
            }
            var best = FlatTreeClassifier.ArgMax(scores.AsSpan(r * k, k));
            classes[r] = best < 0 ? (byte)0 : codes[best];
        }
        return (classes, scores);
    }

    private static void CheckEngines(IReadOnlyList<FlatTree> trees, int[] classTreeStart, float[] rows, int count, params TreeEngine[] engines)
    {
        byte[] codes = [1, 4, 6];
        var (expected, expectedScores) = Reference(trees, classTreeStart, codes, rows, count);
        var auto = new FlatTreeClassifier(Width, trees, classTreeStart, ScoreFormula.Raw, [], [], codes);
        if (engines.Length == 0) engines = [TreeEngine.RowSets, TreeEngine.Walk];
        foreach (var engine in engines)
        {
            var classifier = auto.With(engine);
            var classes = new byte[count];
            var scores = new float[count * codes.Length];
            classifier.Predict(rows, count, Width, classes, scores);
            for (var i = 0; i < count; i++) Assert.True(expected[i] == classes[i], $"{engine}: row {i} classified {classes[i]}, walked {expected[i]}");
            for (var i = 0; i < scores.Length; i++)
                Assert.True(InferenceSelfCheck.SameBits(expectedScores[i], scores[i]), $"{engine}: row {i / codes.Length} score {i % codes.Length}: {scores[i]:R}, walked {expectedScores[i]:R}");
        }
    }

    [Theory]
    [InlineData(1, 0.3, 300)]        // trees without splits only: no bit planes at all
    [InlineData(2, 0.0, 257)]
    [InlineData(31, 0.3, 700)]       // LightGBM's default size
    [InlineData(32, 0.9, 255)]
    [InlineData(33, 0.3, 513)]
    [InlineData(256, 0.3, 256)]      // the largest byte leaf number
    [InlineData(257, 0.3, 300)]      // 16-bit leaf numbers from here
    [InlineData(1000, 0.3, 600)]     // the published preset's leaves setting
    public void RandomTreesMatchTheWalkOfEveryTree(int maxLeaves, double nanRate, int count)
    {
        var rng = new Random(maxLeaves * 7919 + count);
        var thresholds = Thresholds(rng, extra: 20);
        // Three classes of a few trees each, sizes up to maxLeaves (the largest always present).
        var trees = new List<FlatTree>();
        int[] classTreeStart = [0, 0, 0, 0];
        for (var c = 0; c < 3; c++)
        {
            for (var t = 0; t < 4; t++) trees.Add(RandomTree(rng, c == 1 && t == 0 ? maxLeaves : rng.Next(1, maxLeaves + 1), thresholds));
            classTreeStart[c + 1] = trees.Count;
        }
        CheckEngines(trees, classTreeStart, Rows(rng, thresholds, count, nanRate), count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(100)]
    [InlineData(ByteBins.MaxCuts)]
    public void ByteBinsCountTheThresholdsBelowEachValue(int cutCount)
    {
        var rng = new Random(cutCount);
        var cuts = Enumerable.Range(0, cutCount).Select(i => i switch
        {
            0 => float.NegativeInfinity,
            1 => 0f,
            2 => float.PositiveInfinity,
            _ => (float)(rng.NextDouble() * 2000 - 1000),
        }).Distinct().ToArray();
        // One split per threshold, all on feature 0 of a one-feature row: a chain down the left side.
        var n = cuts.Length;
        var tree = n == 0 ? FlatTree.Constant(0) : new FlatTree(new int[n], cuts, new bool[n],
            Enumerable.Range(0, n).Select(i => i + 1 < n ? i + 1 : ~n).ToArray(), Enumerable.Range(0, n).Select(i => ~i).ToArray(), new double[n + 1]);
        var bins = ByteBins.TryCreate(1, [tree])!;
        var sorted = cuts.Order().ToArray();
        var values = Points.Concat([-0f, float.MaxValue, float.MinValue]).Concat(sorted.SelectMany(c => new[] { c, MathF.BitIncrement(c), MathF.BitDecrement(c) })).ToArray();
        var stride = values.Length + 3;
        var binned = new byte[stride];
        bins.Bin(values, values.Length, binned, stride);
        for (var i = 0; i < values.Length; i++)
        {
            var x = values[i];
            var expected = float.IsNaN(x) ? n + 1 : sorted.Count(c => c < x);
            Assert.True(expected == (binned[i] ^ 0x80), $"x={x:R} binned {binned[i] ^ 0x80}, expected {expected} of {n} cuts");
        }
        Assert.All(binned[values.Length..], b => Assert.Equal(0x80, b)); // padding rows get bin 0
    }

    [Fact]
    public void MoreThanByteBinsThresholdsFallBackToTheWalk()
    {
        var rng = new Random(3);
        var thresholds = Enumerable.Range(0, Width).Select(f => Enumerable.Range(0, f == 2 ? ByteBins.MaxCuts + 1 : 5).Select(i => i * 0.5f + f).ToArray()).ToArray();
        // Enough trees that feature 2 uses all of its thresholds.
        var trees = Enumerable.Range(0, 60).Select(_ => RandomTree(rng, 31, thresholds)).ToList();
        trees.Add(new FlatTree(Enumerable.Repeat(2, thresholds[2].Length).ToArray(), thresholds[2], new bool[thresholds[2].Length],
            Enumerable.Range(0, thresholds[2].Length).Select(i => i + 1 < thresholds[2].Length ? i + 1 : ~thresholds[2].Length).ToArray(),
            Enumerable.Range(0, thresholds[2].Length).Select(i => ~i).ToArray(), new double[thresholds[2].Length + 1]));
        Assert.Null(RowSetEvaluator.TryCreate(Width, trees));
        var classifier = new FlatTreeClassifier(Width, trees, [0, 20, 40, trees.Count], ScoreFormula.Raw, [], [], [1, 2, 3]);
        Assert.Equal(TreeEngine.Walk, classifier.Engine);
        Assert.Throws<ArgumentException>(() => classifier.With(TreeEngine.RowSets));
        const int count = 300;
        CheckEngines(trees, [0, 20, 40, trees.Count], Rows(rng, thresholds, count, 0.2), count, TreeEngine.Walk);
    }

    [Fact]
    public void RowSetsAreChosenWheneverTheyTakeTheTrees()
    {
        var rng = new Random(4);
        var thresholds = Thresholds(rng, extra: 3);
        var trees = Enumerable.Range(0, 6).Select(_ => RandomTree(rng, 40, thresholds)).ToList();
        var classifier = new FlatTreeClassifier(Width, trees, [0, 2, 4, 6], ScoreFormula.Raw, [], [], [1, 2, 3]);
        Assert.Equal(TreeEngine.RowSets, classifier.Engine);
    }
}
