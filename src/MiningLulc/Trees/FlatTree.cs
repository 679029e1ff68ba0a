namespace MiningLulc.Trees;

/// <summary>
/// One regression tree as ML.NET evaluates it (numerical splits only), in parallel arrays:
/// split <c>n</c> sends a row left when <c>x[Feature[n]] &lt;= Threshold[n]</c>, right otherwise,
/// except that a missing value (NaN) goes left exactly when <c>NanLeft[n]</c>. A child below zero
/// is <c>~leaf</c>; the root is split 0. A tree without splits has one leaf and no splits.
/// </summary>
internal sealed record FlatTree(int[] Feature, float[] Threshold, bool[] NanLeft, int[] Left, int[] Right, double[] Leaves)
{
    public int NodeCount => Feature.Length;
    public int LeafCount => Leaves.Length;

    public static FlatTree Constant(double value) => new([], [], [], [], [], [value]);

    /// <summary>Root node, or <c>~0</c> for a tree without splits.</summary>
    public int Root => NodeCount == 0 ? ~0 : 0;

    /// <summary>Arrays agree, features are below <paramref name="width"/>, and every node is reached from the root exactly once and every leaf at most once: a walk always ends.</summary>
    public bool IsValid(int width, out string reason)
    {
        reason = "";
        var n = NodeCount;
        if (Threshold.Length != n || NanLeft.Length != n || Left.Length != n || Right.Length != n || LeafCount != n + 1)
        { reason = "tree arrays of inconsistent lengths"; return false; }
        if (Feature.Any(f => (uint)f >= (uint)width)) { reason = $"split on a feature outside 0..{width - 1}"; return false; }
        if (n == 0) return true;
        var seenNode = new bool[n];
        var seenLeaf = new bool[LeafCount];
        var stack = new Stack<int>();
        stack.Push(0);
        while (stack.Count > 0)
        {
            var c = stack.Pop();
            if (c < 0)
            {
                if (~c >= LeafCount || seenLeaf[~c]) { reason = "malformed tree (leaf)"; return false; }
                seenLeaf[~c] = true;
                continue;
            }
            if (c >= n || seenNode[c]) { reason = "malformed tree (node)"; return false; }
            seenNode[c] = true;
            stack.Push(Left[c]);
            stack.Push(Right[c]);
        }
        return true;
    }

    /// <summary>The leaf a row reaches: the plain reading of the split rule, for tests.</summary>
    public int LeafOf(ReadOnlySpan<float> row)
    {
        var node = Root;
        while (node >= 0)
        {
            var x = row[Feature[node]];
            var left = float.IsNaN(x) ? NanLeft[node] : x <= Threshold[node];
            node = left ? Left[node] : Right[node];
        }
        return ~node;
    }
}
