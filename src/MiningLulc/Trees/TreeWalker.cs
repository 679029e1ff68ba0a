using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MiningLulc.Trees;

/// <summary>
/// The tree walk: finds every tree's leaf for each row by walking it, <see cref="Lanes"/> rows at a
/// time and without branching on the data, and adds the leaf's value to its class's sum. It takes
/// any tree, so it serves what <see cref="RowSetEvaluator"/> cannot: a random forest (thousands of
/// distinct thresholds per feature; each leaf adds 1 to the class it votes for) and any ensemble
/// with more than <see cref="ByteBins.MaxCuts"/> thresholds on a feature (each leaf adds its value
/// to its tree's class, trees in order, as ML.NET sums them). A forest grown to purity has trees of
/// thousands of leaves and dozens of levels; walked one row at a time, every level waits for its
/// node to come from cache and half the levels mispredict the branch (the one-row walk this
/// replaced ran 2.4-3.3x slower on the forest, docs/benchmarks.md). Here each step of a lane is a load, a compare and
/// an indexed pick of the child (<c>children[x &gt; t]</c>), so the lanes' loads are in flight
/// together; a leaf is a node that loops to itself (it reads the constant 0 column against
/// +infinity), so lanes that arrive early just wait for the deepest one.
/// <para>
/// Rows are expanded as <see cref="FlatTreeClassifier"/> expands them (<c>[x, -x, 0]</c>) and splits
/// that send NaN left are stored in the negated form (<see cref="FlatTreeClassifier.Split"/>), so
/// every step is the one comparison <c>v &lt;= t</c>, NaN going right.
/// </para>
/// <para>
/// When only classes are asked of a forest, a row stops being walked once no remaining tree can
/// change its majority (<see cref="AddVotesUntilDecided"/>): on the published preset's forest that
/// is about half-way for most pixels, and classification takes about 28 % less time, same classes.
/// </para>
/// Immutable and thread-safe.
/// </summary>
internal sealed class TreeWalker
{
    public const int Lanes = 8;

    /// <summary>
    /// Rows per block: each tree is walked by all of them before the next, so its nodes come from
    /// memory once per block; their expanded features (2,048 x 31 floats, 254 KB, for 15 features;
    /// 400 KB for 24) mostly stay in L2 beside it.
    /// </summary>
    public const int BlockRows = 2048;

    private readonly FlatNode[] nodes;   // every tree's splits, then one self-looping node per leaf
    private readonly int[] roots;
    private readonly int firstLeaf;      // nodes[firstLeaf + l] is leaf l
    private readonly int[] leafClass;    // the class whose sum leaf l adds to
    private readonly double[]? leafValue; // what it adds: the leaf's value; null for a forest, whose leaves add 1 (a vote)

    /// <param name="treeClass">
    /// Per tree, the class its leaf values add to; null for a forest, whose leaf values are the
    /// class indices they vote for (each vote adds 1).
    /// </param>
    public TreeWalker(int width, IReadOnlyList<FlatTree> trees, int[]? treeClass)
    {
        var splits = trees.Sum(t => t.NodeCount);
        firstLeaf = splits;
        var leafCount = trees.Sum(t => t.LeafCount);
        nodes = new FlatNode[splits + leafCount];
        leafClass = new int[leafCount];
        leafValue = treeClass is null ? null : new double[leafCount];
        roots = new int[trees.Count];
        int nodeBase = 0, leafBase = 0;
        for (var i = 0; i < trees.Count; i++)
        {
            var t = trees[i];
            int Child(int c) => c >= 0 ? nodeBase + c : firstLeaf + leafBase + ~c;
            for (var n = 0; n < t.NodeCount; n++)
                nodes[nodeBase + n] = FlatTreeClassifier.Split(width, t.Feature[n], t.Threshold[n], t.NanLeft[n], Child(t.Left[n]), Child(t.Right[n]));
            for (var l = 0; l < t.LeafCount; l++)
            {
                var self = firstLeaf + leafBase + l;
                nodes[self] = new FlatNode(2 * width, float.PositiveInfinity, self, self);
                leafClass[leafBase + l] = treeClass is null ? (int)t.Leaves[l] : treeClass[i];
                if (leafValue is not null) leafValue[leafBase + l] = t.Leaves[l];
            }
            roots[i] = Child(t.Root);
            nodeBase += t.NodeCount;
            leafBase += t.LeafCount;
        }
    }

    /// <summary>
    /// For each of the <paramref name="count"/> expanded rows (<paramref name="stride"/> floats apart)
    /// adds each tree's leaf, in tree order, to <c>sums[class * <paramref name="sumsStride"/> + row]</c>.
    /// </summary>
    public void AddLeafValues(float[] expanded, int count, int stride, double[] sums, int sumsStride)
    {
        // Two copies of the loop, picked once: a forest's vote touches one array per leaf, not two (its
        // 240,000 leaves are walked at random, and the extra array cost the forest about a third).
        if (leafValue is null) Walk<Votes>(expanded, count, stride, sums, sumsStride, 0, roots.Length, null);
        else Walk<Values>(expanded, count, stride, sums, sumsStride, 0, roots.Length, null);
    }

    /// <summary>Trees walked between two looks at which rows are decided (<see cref="AddVotesUntilDecided"/>).</summary>
    internal const int DecideEvery = 4;

    /// <summary>
    /// A forest's votes, as <see cref="AddLeafValues"/> adds them, but a row stops being walked once its
    /// majority cannot change: when its leading class leads every other by more votes than trees remain,
    /// the remaining trees cannot overtake it (nor tie it, so the smallest-code rule never comes into
    /// play). Its sums then hold the votes so far, whose first maximum is the class all the trees would
    /// give; the vote fractions are not those of the whole forest, so this is for classes alone. A lead
    /// of more than half the forest is needed, so rows are looked at from the middle tree on, every
    /// <see cref="DecideEvery"/> trees, and the undecided ones are moved to the front of
    /// <paramref name="expanded"/> (it is overwritten) so that the lanes keep walking whole groups.
    /// </summary>
    /// <param name="classCount">The forest's classes (rows of <paramref name="sums"/>).</param>
    /// <param name="rowOf">Scratch of at least <paramref name="count"/> ints.</param>
    public void AddVotesUntilDecided(float[] expanded, int count, int stride, double[] sums, int sumsStride, int classCount, int[] rowOf)
    {
        if (leafValue is not null) throw new InvalidOperationException("only a forest's votes can stop early");
        var trees = roots.Length;
        for (var i = 0; i < count; i++) rowOf[i] = i;
        var active = count;
        var done = 0;
        var every = DecideEvery;
        while (done < trees && active > 0)
        {
            var until = done <= trees / 2 ? trees / 2 + 1 : done + every;
            until = Math.Min(until, trees);
            Walk<Votes>(expanded, active, stride, sums, sumsStride, done, until, rowOf);
            done = until;
            if (done == trees) break;
            var remaining = trees - done;
            var kept = 0;
            for (var j = 0; j < active; j++)
            {
                var row = rowOf[j];
                double first = double.NegativeInfinity, second = double.NegativeInfinity;
                for (var c = 0; c < classCount; c++)
                {
                    var v = sums[c * sumsStride + row];
                    if (v > first) (first, second) = (v, first);
                    else if (v > second) second = v;
                }
                if (first - second > remaining) continue; // decided: no longer walked
                if (kept != j) Array.Copy(expanded, j * stride, expanded, kept * stride, stride);
                rowOf[kept++] = row;
            }
            // A look that settled few rows (votes spread evenly: labels the features do not explain) makes
            // the next one wait twice as long, so such blocks pay little for looking.
            if (active - kept < active / 16) every *= 2;
            active = kept;
        }
    }

    private interface IAdd;

    private struct Votes : IAdd;

    private struct Values : IAdd;

    /// <summary>Trees <paramref name="firstTree"/> to <paramref name="endTree"/> (exclusive) over the rows; row <c>j</c>'s leaves go to sums row <c>rowOf[j]</c> (<c>j</c> when null).</summary>
    private void Walk<TAdd>(float[] expanded, int count, int stride, double[] sums, int sumsStride, int firstTree, int endTree, int[]? rowOf)
        where TAdd : struct, IAdd
    {
        ref var node0 = ref MemoryMarshal.GetArrayDataReference(nodes);
        ref var x0 = ref MemoryMarshal.GetArrayDataReference(expanded);
        // Tree by tree over the whole block, so a tree's nodes stay in cache while every row walks it.
        for (var tree = firstTree; tree < endTree; tree++)
        {
            var root = roots[tree];
            for (var start = 0; start < count; start += Lanes)
            {
                // Lanes past the last row walk the last row again; their leaves are not added.
                var last = count - 1;
                ref var r0 = ref Unsafe.Add(ref x0, start * stride);
                ref var r1 = ref Unsafe.Add(ref x0, Math.Min(start + 1, last) * stride);
                ref var r2 = ref Unsafe.Add(ref x0, Math.Min(start + 2, last) * stride);
                ref var r3 = ref Unsafe.Add(ref x0, Math.Min(start + 3, last) * stride);
                ref var r4 = ref Unsafe.Add(ref x0, Math.Min(start + 4, last) * stride);
                ref var r5 = ref Unsafe.Add(ref x0, Math.Min(start + 5, last) * stride);
                ref var r6 = ref Unsafe.Add(ref x0, Math.Min(start + 6, last) * stride);
                ref var r7 = ref Unsafe.Add(ref x0, Math.Min(start + 7, last) * stride);
                int a0 = root, a1 = root, a2 = root, a3 = root, a4 = root, a5 = root, a6 = root, a7 = root;
                // A lane is still walking while its node is below firstLeaf: the sign of node - firstLeaf, OR-ed over the
                // lanes (Math.Min compiles to branches, which the data would mispredict).
                while (((a0 - firstLeaf) | (a1 - firstLeaf) | (a2 - firstLeaf) | (a3 - firstLeaf) | (a4 - firstLeaf) | (a5 - firstLeaf) | (a6 - firstLeaf) | (a7 - firstLeaf)) < 0)
                {
                    a0 = Step(ref node0, ref r0, a0);
                    a1 = Step(ref node0, ref r1, a1);
                    a2 = Step(ref node0, ref r2, a2);
                    a3 = Step(ref node0, ref r3, a3);
                    a4 = Step(ref node0, ref r4, a4);
                    a5 = Step(ref node0, ref r5, a5);
                    a6 = Step(ref node0, ref r6, a6);
                    a7 = Step(ref node0, ref r7, a7);
                }
                var lanes = Math.Min(Lanes, count - start);
                Add<TAdd>(sums, sumsStride, Row(rowOf, start), a0);
                if (lanes > 1) Add<TAdd>(sums, sumsStride, Row(rowOf, start + 1), a1);
                if (lanes > 2) Add<TAdd>(sums, sumsStride, Row(rowOf, start + 2), a2);
                if (lanes > 3) Add<TAdd>(sums, sumsStride, Row(rowOf, start + 3), a3);
                if (lanes > 4) Add<TAdd>(sums, sumsStride, Row(rowOf, start + 4), a4);
                if (lanes > 5) Add<TAdd>(sums, sumsStride, Row(rowOf, start + 5), a5);
                if (lanes > 6) Add<TAdd>(sums, sumsStride, Row(rowOf, start + 6), a6);
                if (lanes > 7) Add<TAdd>(sums, sumsStride, Row(rowOf, start + 7), a7);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Row(int[]? rowOf, int j) => rowOf is null ? j : rowOf[j];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Add<TAdd>(double[] sums, int sumsStride, int row, int node)
        where TAdd : struct, IAdd
    {
        var leaf = node - firstLeaf;
        // typeof(TAdd) is a constant in each copy: the other branch is not compiled in.
        if (typeof(TAdd) == typeof(Votes)) sums[leafClass[leaf] * sumsStride + row] += 1;
        else sums[leafClass[leaf] * sumsStride + row] += leafValue![leaf];
    }

    /// <summary>One level: the left child when <c>v &lt;= t</c>, else (NaN too) the right one, picked by index rather than by a branch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Step(ref FlatNode node0, ref float row, int node)
    {
        ref readonly var split = ref Unsafe.Add(ref node0, node);
        var right = !(Unsafe.Add(ref row, split.Feature) <= split.Threshold);
        return Unsafe.Add(ref Unsafe.AsRef(in split.Left), Unsafe.BitCast<bool, byte>(right));
    }
}
