using MiningLulc.Model;

namespace MiningLulc.Training;

/// <summary>
/// The training rows of a forest as every tree reads them: feature columns, the class index of each
/// row, and per feature the rows in ascending order of value (equal values by row number), sorted
/// once for all trees. No value is NaN (<see cref="RandomForest"/> leaves such rows out). Read-only.
/// </summary>
internal sealed class ForestRows
{
    public ForestRows(float[][] columns, byte[] classes, int classCount)
    {
        Columns = columns;
        Classes = classes;
        ClassCount = classCount;
        Sorted = new int[columns.Length][];
        for (var f = 0; f < columns.Length; f++)
        {
            var column = columns[f];
            var order = new int[classes.Length];
            for (var r = 0; r < order.Length; r++) order[r] = r;
            Array.Sort(order, (a, b) => column[a] != column[b] ? column[a].CompareTo(column[b]) : a.CompareTo(b));
            Sorted[f] = order;
        }
    }

    public float[][] Columns { get; }
    public byte[] Classes { get; }
    public int ClassCount { get; }
    public int[][] Sorted { get; }
    public int Count => Classes.Length;
    public int FeatureCount => Columns.Length;
}

/// <summary>
/// Grows one classification tree as Breiman's forest does (R <c>randomForest</c>'s <c>classTree.c</c>
/// read as a specification, not copied): a bootstrap sample of n draws with replacement (a row drawn
/// k times weighs k), then, depth first from the root, at every node <c>mtry</c> features drawn without
/// replacement from all of them, and the split of greatest Gini gain among their thresholds; a node
/// becomes a leaf when it is pure, or when no drawn feature can split it (it is constant on them, or
/// a child would hold fewer than <c>minSamplesPerLeaf</c> draws). Thresholds are midpoints between
/// consecutive distinct values. Equal best splits are broken at random, as R breaks them.
/// <para>
/// Each feature's rows stay in value order inside every node (sorted once per forest, filtered to
/// the bootstrap sample, then stably partitioned at each split), so a node's candidate splits are
/// one pass over its rows per drawn feature. Scratch is reused from tree to tree: one grower per thread.
/// </para>
/// </summary>
internal sealed class RandomForestTreeGrower
{
    private readonly ForestRows rows;
    private readonly int mtry;
    private readonly int minSamplesPerLeaf;
    private readonly int[] weight;        // bootstrap draws of each row
    private readonly int[] order;         // [feature * inBag + j]: the in-bag rows of each feature in value order, node by node
    private readonly int[] rightBuffer;   // partition scratch
    private readonly bool[] goesLeft;     // per row, during one split
    private readonly int[] features;      // the draw of mtry features
    private readonly double[] classWeight, leftWeight, rightWeight;
    private int inBag;

    public RandomForestTreeGrower(ForestRows rows, int mtry, int minSamplesPerLeaf)
    {
        this.rows = rows;
        this.mtry = mtry;
        this.minSamplesPerLeaf = minSamplesPerLeaf;
        weight = new int[rows.Count];
        order = new int[rows.FeatureCount * rows.Count];
        rightBuffer = new int[rows.Count];
        goesLeft = new bool[rows.Count];
        features = new int[rows.FeatureCount];
        classWeight = new double[rows.ClassCount];
        leftWeight = new double[rows.ClassCount];
        rightWeight = new double[rows.ClassCount];
    }

    /// <summary>Bootstrap draws per row of the last tree grown (0 = out of bag). Valid until the next <see cref="Grow"/>.</summary>
    public ReadOnlySpan<int> Weights => weight;

    /// <summary>A tree on a fresh bootstrap sample drawn from <paramref name="random"/>.</summary>
    public RandomForestTree Grow(RandomForestRandom random)
    {
        var n = rows.Count;
        Array.Clear(weight);
        for (var i = 0; i < n; i++) weight[random.NextInt(n)]++;
        return GrowOnWeights(ref random);
    }

    /// <summary>A tree on the given sample: <paramref name="draws"/>[r] copies of row r (for tests that check a split by hand).</summary>
    public RandomForestTree Grow(RandomForestRandom random, ReadOnlySpan<int> draws)
    {
        draws.CopyTo(weight);
        return GrowOnWeights(ref random);
    }

    private RandomForestTree GrowOnWeights(ref RandomForestRandom random)
    {
        SortInBagRows();
        var tree = new TreeBuilder();
        // Pending nodes: the row range (the same in every feature's order) and where the parent points at it.
        var pending = new Stack<(int Lo, int Hi, int Parent, bool IsLeft)>();
        pending.Push((0, inBag, -1, false));
        while (pending.Count > 0)
        {
            var (lo, hi, parent, isLeft) = pending.Pop();
            var split = FindSplit(lo, hi, ref random);
            if (split is not { } s)
            {
                tree.AddLeaf(parent, isLeft, (byte)MajorityClass(ref random));
                continue;
            }
            var node = tree.AddSplit(parent, isLeft, s.Feature, s.Threshold, nanLeft: s.LeftWeight >= s.RightWeight);
            var mid = Partition(lo, hi, s.Feature, s.LastLeft);
            pending.Push((mid, hi, node, false));
            pending.Push((lo, mid, node, true));
        }
        return tree.Build();
    }

    /// <summary>Each feature's in-bag rows (drawn at least once) in value order.</summary>
    private void SortInBagRows()
    {
        var n = rows.Count;
        inBag = 0;
        for (var r = 0; r < n; r++) if (weight[r] > 0) inBag++;
        for (var f = 0; f < rows.FeatureCount; f++)
        {
            var j = f * inBag;
            foreach (var r in rows.Sorted[f])
                if (weight[r] > 0) order[j++] = r;
        }
    }

    private readonly record struct Split(int Feature, int LastLeft, float Threshold, double LeftWeight, double RightWeight);

    /// <summary>
    /// The best split of the node's rows <c>[lo, hi)</c> over <c>mtry</c> freshly drawn features, or
    /// null when the node is pure or none of them splits it. Fills <see cref="classWeight"/> with the node's class weights.
    /// </summary>
    private Split? FindSplit(int lo, int hi, ref RandomForestRandom random)
    {
        var classes = rows.Classes;
        Array.Clear(classWeight);
        double total = 0, sumOfSquares = 0;
        for (var j = lo; j < hi; j++)
        {
            var r = order[j];
            classWeight[classes[r]] += weight[r];
            total += weight[r];
        }
        var present = 0;
        foreach (var w in classWeight)
        {
            sumOfSquares += w * w;
            if (w > 0) present++;
        }
        if (present <= 1) return null;

        // Gini gain is maximal where sum_k L_k^2 / L + sum_k R_k^2 / R is (L, R: child weights, L_k, R_k: per class):
        // the parent's impurity is the same for every candidate. Both sums are exact integers in double, updated per row.
        Split? best = null;
        var bestCriterion = double.NegativeInfinity;
        var ties = 0;
        var p = rows.FeatureCount;
        for (var f = 0; f < p; f++) features[f] = f;
        for (var draw = 0; draw < mtry; draw++)
        {
            // Without replacement: a random pick among the features not drawn yet, moved behind them.
            var k = random.NextInt(p - draw);
            var f = features[k];
            features[k] = features[p - 1 - draw];
            features[p - 1 - draw] = f;

            var column = rows.Columns[f];
            var sorted = order.AsSpan(f * inBag + lo, hi - lo);
            if (!(column[sorted[0]] < column[sorted[^1]])) continue; // constant on this node
            Array.Clear(leftWeight);
            classWeight.CopyTo(rightWeight, 0);
            double leftSquares = 0, rightSquares = sumOfSquares, left = 0, right = total;
            var next = column[sorted[0]];
            for (var j = 0; j < sorted.Length - 1; j++)
            {
                var r = sorted[j];
                double u = weight[r];
                var c = classes[r];
                leftSquares += u * (2 * leftWeight[c] + u);
                rightSquares += u * (u - 2 * rightWeight[c]);
                leftWeight[c] += u;
                rightWeight[c] -= u;
                left += u;
                right -= u;
                var x = next;
                next = column[sorted[j + 1]];
                if (!(x < next) || left < minSamplesPerLeaf || right < minSamplesPerLeaf) continue;
                var criterion = leftSquares / left + rightSquares / right;
                if (criterion > bestCriterion)
                {
                    bestCriterion = criterion;
                    ties = 1;
                }
                else if (criterion < bestCriterion || random.NextDouble() * ++ties >= 1) continue;
                // The first best, or the ties-th equal one with probability 1 / ties: a uniform pick among equals.
                best = new Split(f, lo + j, Midpoint(x, next), left, right);
            }
        }
        return best;
    }

    /// <summary>
    /// The midpoint of two consecutive distinct values, as R places thresholds. In float it can round
    /// up onto <paramref name="above"/> when the two are adjacent floats; then <paramref name="below"/>
    /// is the threshold, so that <c>x &lt;= t</c> still separates them.
    /// </summary>
    internal static float Midpoint(float below, float above)
    {
        var t = (float)(((double)below + above) / 2);
        return t < above ? t : below;
    }

    /// <summary>The class of most weight in the node (weights from the last <see cref="FindSplit"/>), equals broken at random as R does.</summary>
    private int MajorityClass(ref RandomForestRandom random)
    {
        var best = 0;
        var ties = 1;
        for (var c = 1; c < classWeight.Length; c++)
        {
            if (classWeight[c] > classWeight[best]) { best = c; ties = 1; }
            else if (classWeight[c] == classWeight[best] && random.NextDouble() * ++ties < 1) best = c;
        }
        return best;
    }

    /// <summary>
    /// Splits the node's rows in every feature's order: the split feature's first rows up to
    /// <paramref name="lastLeft"/> go left; every other feature keeps its value order on both sides
    /// (stable partition). Returns where the right child starts.
    /// </summary>
    private int Partition(int lo, int hi, int splitFeature, int lastLeft)
    {
        var splitOrder = order.AsSpan(splitFeature * inBag);
        for (var j = lo; j <= lastLeft; j++) goesLeft[splitOrder[j]] = true;
        for (var f = 0; f < rows.FeatureCount; f++)
        {
            if (f == splitFeature) continue;
            var o = order.AsSpan(f * inBag);
            int l = lo, r = 0;
            for (var j = lo; j < hi; j++)
            {
                var row = o[j];
                if (goesLeft[row]) o[l++] = row;
                else rightBuffer[r++] = row;
            }
            rightBuffer.AsSpan(0, r).CopyTo(o[l..]);
        }
        for (var j = lo; j <= lastLeft; j++) goesLeft[splitOrder[j]] = false;
        return lastLeft + 1;
    }

    /// <summary>Collects splits and leaves in the order they are decided (depth first, left before right).</summary>
    private sealed class TreeBuilder
    {
        private readonly List<int> feature = [], left = [], right = [];
        private readonly List<float> threshold = [];
        private readonly List<bool> nanLeft = [];
        private readonly List<byte> leafClass = [];

        public int AddSplit(int parent, bool isLeft, int f, float t, bool nanLeft)
        {
            var node = feature.Count;
            feature.Add(f);
            threshold.Add(t);
            this.nanLeft.Add(nanLeft);
            left.Add(0);
            right.Add(0);
            Attach(parent, isLeft, node);
            return node;
        }

        public void AddLeaf(int parent, bool isLeft, byte cls)
        {
            Attach(parent, isLeft, ~leafClass.Count);
            leafClass.Add(cls);
        }

        private void Attach(int parent, bool isLeft, int child)
        {
            if (parent < 0) return; // the root: split 0, or the only leaf
            if (isLeft) left[parent] = child;
            else right[parent] = child;
        }

        public RandomForestTree Build() => new([.. feature], [.. threshold], [.. nanLeft], [.. left], [.. right], [.. leafClass]);
    }
}
