using MiningLulc.Trees;

namespace MiningLulc.Tests.Trees;

/// <summary>
/// A forest's walk for classes alone (<see cref="TreeWalker.AddVotesUntilDecided"/>) stops a row once
/// its leading class leads by more votes than trees remain, and only then: on a hand-made forest of
/// ten trees, rows whose first six votes agree stop after six trees, rows still open go on to the
/// tenth, rows of both kinds mixed in one block (moved to the front as others stop), and the classes
/// always those of the whole forest, ties included.
/// </summary>
public class ForestEarlyDecisionTests
{
    private static FlatTree Constant(int votedClass) => FlatTree.Constant(votedClass);

    /// <summary>x &lt;= 0 votes class 0, else class 1.</summary>
    private static FlatTree BySign() => new([0], [0f], [false], [~0], [~1], [0, 1]);

    // Trees 0-2 split on the sign of x, 3-5 vote class 0, 6-9 vote class 1. A row with x <= 0 has six votes
    // for class 0 after six trees (a lead of 6 over 4 trees left: settled); a row with x > 0 has three and
    // three, so it is walked to the end: 3 votes for class 0, 7 for class 1.
    private static readonly FlatTree[] Trees = [BySign(), BySign(), BySign(), Constant(0), Constant(0), Constant(0), Constant(1), Constant(1), Constant(1), Constant(1)];

    [Fact]
    public void RowsStopOnceSettledAndOthersGoOn()
    {
        const int rows = 37; // more than a few lane groups, not a multiple of the lanes
        var walker = new TreeWalker(1, Trees, null);
        var x = Enumerable.Range(0, rows).Select(i => i % 3 == 1 ? 1f : -1f).ToArray();
        var expanded = x.SelectMany(v => new[] { v, -v, 0f }).ToArray();
        var sums = new double[2 * rows];
        walker.AddVotesUntilDecided(expanded, rows, 3, sums, rows, 2, new int[rows]);
        for (var i = 0; i < rows; i++)
        {
            var (class0, class1) = x[i] > 0 ? (3, 7) : (6, 0);
            Assert.Equal(class0, sums[i]);
            Assert.Equal(class1, sums[rows + i]);
        }
    }

    [Fact]
    public void ClassesEqualTheWholeForestsTiesIncluded()
    {
        // Five trees for class 1 then five for class 0: never settled early (a lead of 1 against 4 trees left at
        // the sixth), and a 5-5 tie at the end, which the smaller code wins.
        FlatTree[] tied = [.. Enumerable.Repeat(Constant(1), 5), .. Enumerable.Repeat(Constant(0), 5)];
        foreach (var trees in new[] { Trees, tied })
        {
            var forest = FlatTreeClassifier.Forest(1, trees, [4, 6]);
            var rows = new float[] { -1, 1, 0, float.NaN, 2, -3, 1, 1, -1 };
            var withScores = new byte[rows.Length];
            var classesOnly = new byte[rows.Length];
            forest.Predict(rows, rows.Length, 1, withScores, new float[rows.Length * 2]);
            forest.Predict(rows, rows.Length, 1, classesOnly, []);
            Assert.Equal(withScores, classesOnly);
            if (trees == tied) Assert.All(classesOnly, c => Assert.Equal(4, c));
            else Assert.Equal(rows.Select(v => !(v <= 0) ? (byte)6 : (byte)4), classesOnly); // NaN goes right, as x > 0
        }
    }
}
