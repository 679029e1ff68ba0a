using MiningLulc.Trees;

namespace MiningLulc.Model;

/// <summary>
/// One classification tree of a <see cref="RandomForestModel"/>, in parallel arrays (the layout of
/// <see cref="FlatTree"/>): split <c>n</c> sends a row left when <c>x[Feature[n]] &lt;= Threshold[n]</c>,
/// right otherwise, and a missing value (NaN) left exactly when <c>NanLeft[n]</c>. A child below zero
/// is <c>~leaf</c>; the root is split 0, and a tree without splits is one leaf. Leaf <c>l</c> votes
/// for class index <c>LeafClass[l]</c> (an index into the forest's class codes).
/// </summary>
public sealed record RandomForestTree(int[] Feature, float[] Threshold, bool[] NanLeft, int[] Left, int[] Right, byte[] LeafClass)
{
    public int SplitCount => Feature.Length;

    /// <summary>The leaf a row reaches, by the plain reading of the split rule: the reference every faster walk is held to.</summary>
    public int LeafOf(ReadOnlySpan<float> row)
    {
        var node = SplitCount == 0 ? ~0 : 0;
        while (node >= 0)
        {
            var x = row[Feature[node]];
            var left = float.IsNaN(x) ? NanLeft[node] : x <= Threshold[node];
            node = left ? Left[node] : Right[node];
        }
        return ~node;
    }

    /// <summary>The class index this tree votes for.</summary>
    public int Vote(ReadOnlySpan<float> row) => LeafClass[LeafOf(row)];

    /// <summary>The same tree for the flat inference engine: each leaf's value is its class index.</summary>
    internal FlatTree ToFlat() => new(Feature, Threshold, NanLeft, Left, Right, [.. LeafClass.Select(c => (double)c)]);
}

/// <summary>
/// A trained random forest (<see cref="RandomForest"/>): its trees, the number of features a row
/// has, and the class code of each class index (ascending). A row's class is the majority vote of
/// the trees, a tie going to the smallest class code; its probabilities are the vote fractions.
/// Immutable and thread-safe.
/// </summary>
public sealed class RandomForestModel
{
    public RandomForestModel(int featureCount, IReadOnlyList<byte> classCodes, IReadOnlyList<RandomForestTree> trees)
    {
        if (featureCount < 1) throw new ArgumentException("a forest needs at least one feature", nameof(featureCount));
        if (classCodes.Count is < 1 or > byte.MaxValue) throw new ArgumentException("a forest needs 1..255 classes", nameof(classCodes));
        for (var c = 1; c < classCodes.Count; c++)
            if (classCodes[c] <= classCodes[c - 1]) throw new ArgumentException("class codes must ascend", nameof(classCodes));
        if (trees.Count < 1) throw new ArgumentException("a forest needs at least one tree", nameof(trees));
        foreach (var t in trees)
        {
            if (!t.ToFlat().IsValid(featureCount, out var reason)) throw new ArgumentException(reason, nameof(trees));
            if (t.LeafClass.Any(c => c >= classCodes.Count)) throw new ArgumentException("a leaf votes for a class the forest does not have", nameof(trees));
        }
        FeatureCount = featureCount;
        ClassCodes = classCodes;
        Trees = trees;
    }

    public int FeatureCount { get; }
    public IReadOnlyList<byte> ClassCodes { get; }
    public IReadOnlyList<RandomForestTree> Trees { get; }

    /// <summary>Adds one vote per tree to <paramref name="votes"/> (one count per class index).</summary>
    public void AddVotes(ReadOnlySpan<float> row, Span<int> votes)
    {
        foreach (var tree in Trees) votes[tree.Vote(row)]++;
    }

    /// <summary>The class index with the most votes; the first (smallest code) among equals.</summary>
    public static int Majority(ReadOnlySpan<int> votes)
    {
        var best = 0;
        for (var c = 1; c < votes.Length; c++)
            if (votes[c] > votes[best]) best = c;
        return best;
    }
}

/// <summary>
/// The forest's reference classifier: every row walks every tree by <see cref="RandomForestTree.LeafOf"/>
/// and the votes are counted. Scores are the vote fractions (votes / trees, rounded to float).
/// The flat engine (<see cref="FlatTreeClassifier"/> with <see cref="ScoreFormula.Votes"/>) is held to it bit for bit.
/// </summary>
internal sealed class RandomForestVoting(RandomForestModel forest) : IPixelClassifier
{
    public int ScoreCount => forest.ClassCodes.Count;

    public void Predict(float[] rows, int count, int width, Span<byte> classes, Span<float> scores)
    {
        if (width != forest.FeatureCount) throw new ArgumentException($"rows have {width} features; the forest expects {forest.FeatureCount}");
        var k = ScoreCount;
        Span<int> votes = stackalloc int[k];
        for (var i = 0; i < count; i++)
        {
            votes.Clear();
            forest.AddVotes(rows.AsSpan(i * width, width), votes);
            classes[i] = forest.ClassCodes[RandomForestModel.Majority(votes)];
            if (scores.IsEmpty) continue;
            for (var c = 0; c < k; c++) scores[i * k + c] = (float)(votes[c] / (double)forest.Trees.Count);
        }
    }
}
