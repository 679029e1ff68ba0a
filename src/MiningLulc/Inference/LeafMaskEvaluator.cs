using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MiningLulc.Inference;

/// <summary>
/// Finds the exit leaf of many small trees (at most 32 leaves each) without walking them:
/// the QuickScorer idea (Lucchese et al., SIGIR 2015) over binned features.
/// <para>
/// Leaves are numbered left to right. A split that sends the row right rules out every leaf of
/// its left subtree; the leaf the walk would reach is the lowest-numbered leaf no split rules out.
/// A split's direction depends only on where <c>x</c> falls among the feature's thresholds, so
/// each feature's values are cut into bins (one per count of thresholds below <c>x</c>, plus one
/// for NaN). Trees go in groups of <see cref="Lanes"/> (four <see cref="Vector256{T}"/> of 32-bit
/// masks); for each group and feature, the bins are those of the group's own thresholds only,
/// and for each such bin and tree the AND of the ruled-out masks of the tree's splits on that
/// feature is precomputed. A row is binned once against all thresholds (<see cref="Bin"/>); a
/// small map per group turns that bin into the group's bin. Per row and group that is, for each
/// feature the group uses, one map look-up and four vector ANDs, then the lowest set bit per
/// tree, found for eight trees at once as a float exponent. The ANDs run feature-outer over a
/// block of rows (two features per pass), so only those features' few KB of masks are read
/// while the block's per-row masks stay in L1; the leaf values are then added tree by tree,
/// row-inner, so the additions of different rows overlap. For the bench model (700 trees of 31
/// leaves, 24 features) the tables are ~3 MB.
/// </para>
/// Immutable and thread-safe; scratch is the caller's.
/// </summary>
internal sealed class LeafMaskEvaluator
{
    public const int MaxLeaves = 32;

    /// <summary>Trees per group: four <see cref="Vector256{T}"/> of masks share each map look-up.</summary>
    public const int Lanes = 32;
    private const int VectorLanes = 8;

    private readonly int width;
    private readonly float[][] cuts;        // per feature: distinct split thresholds, ascending (no NaN)
    private readonly int[] binBase;         // per feature: first global bin; bins 0..cuts.Length by value, then NaN
    private readonly int binCount;          // global bins
    private readonly int treeCount;
    private readonly int groupCount;
    private readonly int[][] groupFeatures; // per group: features some tree of the group splits on
    private readonly ushort[] localBin;     // [group][global bin] -> index of the group's mask vector
    private readonly int[] maskBase;        // per group: first uint of its masks
    private readonly uint[] masks;          // per group: [local bin][lane]
    private readonly double[] leafValues;   // [tree][leaf position]

    private LeafMaskEvaluator(int width, float[][] cuts, int[] binBase, int binCount, int treeCount, int[][] groupFeatures,
        ushort[] localBin, int[] maskBase, uint[] masks, double[] leafValues)
    {
        this.width = width;
        this.cuts = cuts;
        this.binBase = binBase;
        this.binCount = binCount;
        this.treeCount = treeCount;
        groupCount = groupFeatures.Length;
        this.groupFeatures = groupFeatures;
        this.localBin = localBin;
        this.maskBase = maskBase;
        this.masks = masks;
        this.leafValues = leafValues;
    }

    /// <summary>Bytes of the look-up tables.</summary>
    public long TableBytes => (long)masks.Length * sizeof(uint) + (long)localBin.Length * sizeof(ushort) + (long)leafValues.Length * sizeof(double);

    /// <summary>
    /// The evaluator for <paramref name="trees"/>, or null when a tree has more than
    /// <see cref="MaxLeaves"/> leaves or the tables would exceed <paramref name="maxTableBytes"/>.
    /// </summary>
    public static LeafMaskEvaluator? TryCreate(int width, IReadOnlyList<FlatTree> trees, long maxTableBytes = 256L << 20)
    {
        if (trees.Count == 0 || trees.Any(t => t.LeafCount > MaxLeaves)) return null;
        var cuts = new float[width][];
        for (var f = 0; f < width; f++) cuts[f] = ByteBins.Cuts(trees, f);
        var binBase = new int[width];
        var bins = 0;
        for (var f = 0; f < width; f++)
        {
            binBase[f] = bins;
            bins += cuts[f].Length + 2;
        }
        var groups = (trees.Count + Lanes - 1) / Lanes;
        if ((long)groups * bins * sizeof(ushort) > maxTableBytes) return null;

        var localBin = new ushort[groups * bins];
        var maskBase = new int[groups + 1];
        var maskList = new List<uint>();
        var leafValues = new double[trees.Count * MaxLeaves];
        var groupFeatures = new int[groups][];
        for (var g = 0; g < groups; g++)
        {
            var members = Enumerable.Range(g * Lanes, Math.Min(Lanes, trees.Count - g * Lanes)).Select(i => trees[i]).ToList();
            groupFeatures[g] = [.. members.SelectMany(t => t.Feature).Distinct().Order()];
            // The group's bins: per used feature, one per count of the group's cuts below x, then NaN.
            maskBase[g] = maskList.Count;
            var local = 0;
            var localStart = new int[width];
            var localCuts = new float[width][];
            foreach (var f in groupFeatures[g])
            {
                localCuts[f] = ByteBins.Cuts(members, f);
                localStart[f] = local;
                for (var b = 0; b <= cuts[f].Length; b++)
                    localBin[g * bins + binBase[f] + b] = (ushort)(local + (b == 0 ? 0 : CountBelowOrEqual(localCuts[f], cuts[f][b - 1])));
                localBin[g * bins + binBase[f] + cuts[f].Length + 1] = (ushort)(local + localCuts[f].Length + 1);
                local += localCuts[f].Length + 2;
            }
            if (local > ushort.MaxValue) return null;
            var groupMasks = new uint[local * Lanes];
            Array.Fill(groupMasks, uint.MaxValue);
            for (var lane = 0; lane < members.Count; lane++)
            {
                var tree = members[lane];
                var position = new int[tree.LeafCount];  // leaf -> left-to-right position
                var ruledOut = new uint[tree.NodeCount]; // node -> ~(leaves of its left subtree)
                Number(tree, tree.Root, position, ruledOut, next: 0);
                for (var l = 0; l < tree.LeafCount; l++) leafValues[(g * Lanes + lane) * MaxLeaves + position[l]] = tree.Leaves[l];
                for (var n = 0; n < tree.NodeCount; n++)
                {
                    var f = tree.Feature[n];
                    var t = tree.Threshold[n];
                    var slice = localCuts[f].Length;
                    // Value bin b holds the x with exactly b cuts below x; x > t (right) from the bin after t's cut. A NaN threshold sends every number right.
                    var firstRight = float.IsNaN(t) ? 0 : Array.BinarySearch(localCuts[f], ByteBins.Normal(t)) + 1;
                    Debug.Assert(firstRight >= 0);
                    for (var b = firstRight; b <= slice; b++) groupMasks[(localStart[f] + b) * Lanes + lane] &= ruledOut[n];
                    if (!tree.NanLeft[n]) groupMasks[(localStart[f] + slice + 1) * Lanes + lane] &= ruledOut[n];
                }
            }
            maskList.AddRange(groupMasks);
            if ((long)maskList.Count * sizeof(uint) > maxTableBytes) return null;
        }
        maskBase[groups] = maskList.Count;
        return new LeafMaskEvaluator(width, cuts, binBase, bins, trees.Count, groupFeatures, localBin, maskBase, [.. maskList], leafValues);
    }

    /// <summary>How many of the ascending <paramref name="cuts"/> are &lt;= <paramref name="v"/>: the local bin of any x just above the global cut v.</summary>
    private static int CountBelowOrEqual(float[] cuts, float v)
    {
        var n = 0;
        while (n < cuts.Length && cuts[n] <= v) n++;
        return n;
    }

    /// <summary>Numbers the leaves under <paramref name="node"/> from <paramref name="next"/> on, left to right; returns the next free number.</summary>
    private static int Number(FlatTree tree, int node, int[] position, uint[] ruledOut, int next)
    {
        if (node < 0)
        {
            position[~node] = next;
            return next + 1;
        }
        var start = next;
        var middle = Number(tree, tree.Left[node], position, ruledOut, start);
        var count = middle - start;
        ruledOut[node] = ~((count == 32 ? uint.MaxValue : (1u << count) - 1) << start);
        return Number(tree, tree.Right[node], position, ruledOut, middle);
    }

    /// <summary>The global bin of each feature of <paramref name="count"/> rows, feature-major: <c>bins[f * stride + row]</c> (NaN: the feature's last bin).</summary>
    public void Bin(ReadOnlySpan<float> rows, int count, Span<int> bins, int stride)
    {
        if (count > stride || bins.Length < width * stride) throw new ArgumentException("bin buffer too small");
        for (var i = 0; i < count; i++)
        {
            var row = rows.Slice(i * width, width);
            for (var f = 0; f < width; f++)
            {
                var x = row[f];
                bins[f * stride + i] = binBase[f] + (float.IsNaN(x) ? cuts[f].Length + 1 : CountBelow(cuts[f], x));
            }
        }
    }

    /// <summary>How many of the ascending <paramref name="cuts"/> are below <paramref name="x"/> (not NaN); branch-free halving.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int CountBelow(float[] cuts, float x)
    {
        var n = cuts.Length;
        if (n == 0) return 0;
        ref var c0 = ref MemoryMarshal.GetArrayDataReference(cuts);
        var lo = 0;
        while (n > 1)
        {
            var half = n >> 1;
            var below = Unsafe.Add(ref c0, lo + half - 1) < x ? 1 : 0; // setcc, not a branch
            lo += half & -below;
            n -= half;
        }
        return lo + (Unsafe.Add(ref c0, lo) < x ? 1 : 0);
    }

    /// <summary>Per row: its masks &amp;= the masks of its bins of two features.</summary>
    private static void AndRows(ref uint acc0, ref uint table, ref ushort map, ref int bins1, ref int bins2, int count)
    {
        for (var r = 0; r < count; r++)
        {
            ref var m1 = ref Unsafe.Add(ref table, (nuint)Unsafe.Add(ref map, Unsafe.Add(ref bins1, r)) * Lanes);
            ref var m2 = ref Unsafe.Add(ref table, (nuint)Unsafe.Add(ref map, Unsafe.Add(ref bins2, r)) * Lanes);
            ref var a = ref Unsafe.Add(ref acc0, r * Lanes);
            And3(ref a, ref m1, ref m2, 0);
            And3(ref a, ref m1, ref m2, VectorLanes);
            And3(ref a, ref m1, ref m2, 2 * VectorLanes);
            And3(ref a, ref m1, ref m2, 3 * VectorLanes);
        }
    }

    /// <summary><see cref="AndRows"/> lane by lane.</summary>
    private static void AndRowsScalar(ref uint acc0, ref uint table, ref ushort map, ref int bins1, ref int bins2, int count)
    {
        for (var r = 0; r < count; r++)
        {
            ref var m1 = ref Unsafe.Add(ref table, (nuint)Unsafe.Add(ref map, Unsafe.Add(ref bins1, r)) * Lanes);
            ref var m2 = ref Unsafe.Add(ref table, (nuint)Unsafe.Add(ref map, Unsafe.Add(ref bins2, r)) * Lanes);
            ref var a = ref Unsafe.Add(ref acc0, r * Lanes);
            for (var lane = 0; lane < Lanes; lane++) Unsafe.Add(ref a, lane) &= Unsafe.Add(ref m1, lane) & Unsafe.Add(ref m2, lane);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void And3(ref uint a, ref uint m1, ref uint m2, nuint at) =>
        (Vector256.LoadUnsafe(ref a, at) & Vector256.LoadUnsafe(ref m1, at) & Vector256.LoadUnsafe(ref m2, at)).StoreUnsafe(ref a, at);

    /// <summary>Per lane, the index of the lowest set bit (the lane is not 0): the exponent of that bit as a float (bit 31 is -2^31; the mask drops the sign).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> LowestBit(Vector256<uint> m)
    {
        var bit = m & (Vector256<uint>.Zero - m);
        return ((Vector256.ConvertToSingle(bit.AsInt32()).AsUInt32() >> 23) & Vector256.Create(0xFFu)) - Vector256.Create(127u);
    }

    /// <summary>
    /// Adds, for each of <paramref name="count"/> binned rows (<see cref="Bin"/>, same
    /// <paramref name="stride"/>), each tree's exit-leaf value to <c>sums[treeClass[tree] * stride + row]</c>,
    /// trees in order (so each class sum is ML.NET's). Per group: first the exit leaf of its trees
    /// for every row (<paramref name="leafIndex"/>, <see cref="Lanes"/> per row), then the sums tree
    /// by tree, row-inner (independent adds).
    /// </summary>
    public void AddLeafValues(ReadOnlySpan<int> bins, int count, int[] treeClass, Span<double> sums, int stride, Span<int> leafIndex, bool vectorized)
    {
        if (leafIndex.Length < count * Lanes) throw new ArgumentException("leaf index scratch too small");
        for (var g = 0; g < groupCount; g++)
        {
            FindLeaves(g, bins, count, stride, leafIndex, vectorized);
            AddGroup(g, count, treeClass, sums, stride, leafIndex);
        }
    }

    /// <summary>Number of tree groups.</summary>
    public int GroupCount => groupCount;

    /// <summary>
    /// For group <paramref name="g"/>: per row, the index into the leaf values of each tree's exit
    /// leaf (<see cref="Lanes"/> per row). Feature-outer, row-inner: while the rows run through one
    /// feature, only that feature's few KB of masks are read.
    /// </summary>
    internal void FindLeaves(int g, ReadOnlySpan<int> bins, int count, int stride, Span<int> leafIndex, bool vectorized)
    {
        var acc = MemoryMarshal.Cast<int, uint>(leafIndex[..(count * Lanes)]);
        acc.Fill(uint.MaxValue);
        ref var acc0 = ref MemoryMarshal.GetReference(acc);
        ref var bin0 = ref MemoryMarshal.GetReference(bins);
        ref var table = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(masks), maskBase[g]); // read only through the group's features
        ref var map = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(localBin), g * binCount);
        // Two features per pass over the rows: half the loads and stores of the per-row masks.
        var features = groupFeatures[g];
        for (var i = 0; i < features.Length; i += 2)
        {
            ref var bins1 = ref Unsafe.Add(ref bin0, features[i] * stride);
            ref var bins2 = ref Unsafe.Add(ref bin0, (i + 1 < features.Length ? features[i + 1] : features[i]) * stride);
            if (vectorized) AndRows(ref acc0, ref table, ref map, ref bins1, ref bins2, count);
            else AndRowsScalar(ref acc0, ref table, ref map, ref bins1, ref bins2, count);
        }
        var first = g * Lanes;
        var leafBase0 = Vector256.Create((uint)first * MaxLeaves) + Vector256.Create(0u, 1, 2, 3, 4, 5, 6, 7) * MaxLeaves;
        var step = Vector256.Create((uint)VectorLanes * MaxLeaves);
        for (var r = 0; r < count; r++)
        {
            ref var a = ref Unsafe.Add(ref acc0, r * Lanes);
            if (vectorized)
            {
                var leafBase = leafBase0;
                for (var v = 0; v < Lanes; v += VectorLanes, leafBase += step)
                    (LowestBit(Vector256.LoadUnsafe(ref a, (nuint)v)) + leafBase).StoreUnsafe(ref a, (nuint)v);
            }
            else
            {
                for (var lane = 0; lane < Lanes; lane++)
                    Unsafe.Add(ref a, lane) = (uint)((first + lane) * MaxLeaves + BitOperations.TrailingZeroCount(Unsafe.Add(ref a, lane)));
            }
        }
    }

    /// <summary>For group <paramref name="g"/>: adds each tree's leaf value (<paramref name="leafIndex"/> from <see cref="FindLeaves"/>) to its class sum, tree by tree, row-inner.</summary>
    internal void AddGroup(int g, int count, int[] treeClass, Span<double> sums, int stride, ReadOnlySpan<int> leafIndex)
    {
        ref var leaf0 = ref MemoryMarshal.GetArrayDataReference(leafValues);
        ref var sum0 = ref MemoryMarshal.GetReference(sums);
        ref var index0 = ref MemoryMarshal.GetReference(leafIndex);
        var first = g * Lanes;
        var trees = Math.Min(Lanes, treeCount - first);
        for (var lane = 0; lane < trees; lane++)
        {
            ref var sum = ref Unsafe.Add(ref sum0, treeClass[first + lane] * stride);
            ref var index = ref Unsafe.Add(ref index0, lane);
            for (var r = 0; r < count; r++)
                Unsafe.Add(ref sum, r) += Unsafe.Add(ref leaf0, Unsafe.Add(ref index, r * Lanes));
        }
    }
}
