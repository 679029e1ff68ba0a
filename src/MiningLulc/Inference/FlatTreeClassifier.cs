using System.Buffers;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MiningLulc.Inference;

/// <summary>How the per-class tree sums become the score vector (ML.NET's one-versus-all output formulas), or a forest's votes do.</summary>
internal enum ScoreFormula
{
    /// <summary>Scores are the per-class sums themselves.</summary>
    Raw = 0,

    /// <summary>Platt probability per class (<c>1 / (1 + exp(slope * s + offset))</c>), negatives clamped to 0, divided by their sum.</summary>
    ProbabilityNormalization = 1,

    /// <summary><c>exp(s_c) / sum exp(s)</c>.</summary>
    Softmax = 2,

    /// <summary>
    /// A random forest's majority vote: every tree votes for the class index its leaf holds, and the
    /// scores are the vote fractions (<c>votes / trees</c>, rounded to float), so the first maximal
    /// score is the most voted class with the smallest code.
    /// </summary>
    Votes = 3,
}

/// <summary>
/// One split of a flattened tree: go to <see cref="Left"/> when <c>row[Feature] &lt;= Threshold</c>,
/// else (NaN included) to <see cref="Right"/>. A child below zero is <c>~leaf</c>.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct FlatNode(int feature, float threshold, int left, int right)
{
    public readonly int Feature = feature;
    public readonly float Threshold = threshold;
    public readonly int Left = left;
    public readonly int Right = right;
}

/// <summary>How <see cref="FlatTreeClassifier"/> finds each tree's leaf.</summary>
internal enum TreeEngine
{
    /// <summary>Row sets when they apply (and vectors are hardware-accelerated); else leaf masks when every tree has at most 32 leaves (and the table is not huge); else walking.</summary>
    Auto,

    /// <summary>Walk each tree from the root, several rows at a time (any tree size).</summary>
    Walk,

    /// <summary><see cref="LeafMaskEvaluator"/> with <see cref="System.Runtime.Intrinsics.Vector256{T}"/>.</summary>
    Masks,

    /// <summary><see cref="LeafMaskEvaluator"/> lane by lane: the scalar twin of <see cref="Masks"/>.</summary>
    MasksScalar,

    /// <summary><see cref="RowSetEvaluator"/>: 256 rows at a time as bit sets (any tree size; at most 254 thresholds per feature).</summary>
    RowSets,

    /// <summary><see cref="RowSetEvaluator"/> with scalar binning and leaf numbering: the twin of <see cref="RowSets"/>.</summary>
    RowSetsScalar,
}

/// <summary>
/// A multi-class tree-ensemble classifier in flat arrays (the layout of ML.NET's own
/// <c>InternalRegressionTree</c>: parallel child/feature/threshold data, a leaf is <c>~index</c>).
/// Per class, the score is the sum of its trees' leaf values, added in tree order in double and
/// rounded to float, exactly as ML.NET's <c>TreeEnsembleModelParameters</c> does; then the output
/// formula and the arg-max (first maximal non-NaN score wins) follow ML.NET bit for bit.
/// <para>
/// Three ways to find the leaves, same result: <see cref="RowSetEvaluator"/> (256 rows at a time as
/// bit sets; any tree size, at most 254 thresholds per feature, which LightGBM's and FastTree's
/// 255-bin histograms guarantee: the default), <see cref="LeafMaskEvaluator"/> for trees of at most
/// 32 leaves, and walking for any tree. All work tree-outer, row-inner over blocks of rows so a
/// tree's data and the block's features stay in cache.
/// </para>
/// <para>
/// Walking: every split sends NaN one fixed way, as ML.NET does (LightGBM splits may send it
/// left). Splits that send NaN left are stored on the <em>negated</em> feature with swapped
/// children and the threshold just below <c>-t</c> (<c>x &gt; t</c> ⇔ <c>-x &lt;= prev(-t)</c>), so the
/// walk has one comparison, <c>v &lt;= t</c>, for every split. Rows are therefore expanded to
/// <c>[x, -x, 0]</c> (<see cref="Stride"/> floats; the constant 0 serves splits that always go one
/// way) block by block.
/// </para>
/// <para>
/// A random forest (<see cref="Forest"/>, <see cref="ScoreFormula.Votes"/>) is walked by
/// <see cref="VoteWalker"/>: every tree votes for the class index in its leaf, and the scores are
/// the vote fractions.
/// </para>
/// Immutable; <see cref="Predict(float[], int, int, Span{byte}, Span{float})"/> is thread-safe (scratch per call).
/// </summary>
internal sealed class FlatTreeClassifier : IPixelClassifier
{
    /// <summary>Rows evaluated together: their expanded features (~25 KB for 24 features) stay in L1.</summary>
    public const int BlockRows = 64;

    /// <summary>Rows per block with leaf masks: per-row masks of a tree group (16 KB) and the block's bins (12 KB) stay in L1.</summary>
    public const int MaskBlockRows = 128;

    private readonly IReadOnlyList<FlatTree> trees;
    private readonly FlatNode[] nodes;
    private readonly double[] leaves;
    private readonly int[] roots;
    private readonly int[] classTreeStart;
    private readonly int[] treeClass;
    private readonly ScoreFormula formula;
    private readonly double[] plattSlope;
    private readonly double[] plattOffset;
    private readonly byte[] classCodes;
    private readonly LeafMaskEvaluator? masks;
    private readonly RowSetEvaluator? rowSets;
    private readonly VoteWalker? votes;

    /// <param name="width">Features per input row.</param>
    /// <param name="trees">All trees, class by class, each class's in ML.NET's summation order.</param>
    /// <param name="classTreeStart">Trees of class <c>c</c> are <c>trees[classTreeStart[c] .. classTreeStart[c + 1]]</c>.</param>
    /// <param name="formula">How class sums become scores.</param>
    /// <param name="plattSlope">Per class, for <see cref="ScoreFormula.ProbabilityNormalization"/>.</param>
    /// <param name="plattOffset">Per class, for <see cref="ScoreFormula.ProbabilityNormalization"/>.</param>
    /// <param name="classCodes">Class code written for score index <c>c</c>.</param>
    /// <param name="engine">How leaves are found.</param>
    public FlatTreeClassifier(int width, IReadOnlyList<FlatTree> trees, int[] classTreeStart,
        ScoreFormula formula, double[] plattSlope, double[] plattOffset, byte[] classCodes, TreeEngine engine = TreeEngine.Auto)
    {
        var classes = classCodes.Length;
        if (classes < 1 || classTreeStart.Length != classes + 1 || classTreeStart[0] != 0 || classTreeStart[^1] != trees.Count)
            throw new ArgumentException("inconsistent class / tree layout");
        for (var c = 0; c < classes; c++)
            if (classTreeStart[c] > classTreeStart[c + 1]) throw new ArgumentException("inconsistent class / tree layout");
        if (formula == ScoreFormula.ProbabilityNormalization && (plattSlope.Length != classes || plattOffset.Length != classes))
            throw new ArgumentException("one Platt calibrator per class expected");
        if (formula == ScoreFormula.Votes && (classTreeStart[1] != trees.Count || engine is not (TreeEngine.Auto or TreeEngine.Walk)))
            throw new ArgumentException("a forest's trees all vote (use Forest), and only the walk counts votes");
        foreach (var t in trees)
            if (!t.IsValid(width, out var reason)) throw new ArgumentException(reason);
        Width = width;
        Stride = 2 * width + 1;
        this.trees = trees;
        this.classTreeStart = classTreeStart;
        treeClass = new int[trees.Count];
        for (var c = 0; c < classes; c++)
            for (var t = classTreeStart[c]; t < classTreeStart[c + 1]; t++) treeClass[t] = c;
        this.formula = formula;
        this.plattSlope = plattSlope;
        this.plattOffset = plattOffset;
        this.classCodes = classCodes;

        var nodeList = new List<FlatNode>();
        var leafList = new List<double>();
        roots = new int[trees.Count];
        for (var i = 0; i < trees.Count; i++)
        {
            var t = trees[i];
            int nodeBase = nodeList.Count, leafBase = leafList.Count;
            int Child(int c) => c >= 0 ? nodeBase + c : ~(leafBase + ~c);
            for (var n = 0; n < t.NodeCount; n++)
                nodeList.Add(Split(width, t.Feature[n], t.Threshold[n], t.NanLeft[n], Child(t.Left[n]), Child(t.Right[n])));
            leafList.AddRange(t.Leaves);
            roots[i] = Child(t.Root);
        }
        nodes = [.. nodeList];
        leaves = [.. leafList];
        if (formula == ScoreFormula.Votes && leaves.Any(v => !(v >= 0 && v < classes && v == Math.Floor(v))))
            throw new ArgumentException("a leaf votes for a class the forest does not have");

        Engine = engine;
        if (formula == ScoreFormula.Votes)
        {
            // Grown to purity on exact midpoints, a forest has thousands of distinct thresholds per feature and
            // trees of thousands of leaves: beyond the row sets' byte bins and the masks' 32 leaves. It walks.
            Engine = TreeEngine.Walk;
            votes = new VoteWalker(width, trees);
            return;
        }
        if (engine is TreeEngine.Auto or TreeEngine.RowSets or TreeEngine.RowSetsScalar)
        {
            // Without hardware vectors the row sets run in software; Auto then keeps the older engines.
            if (engine != TreeEngine.Auto || Vector256.IsHardwareAccelerated) rowSets = RowSetEvaluator.TryCreate(width, trees);
            if (rowSets is null && engine != TreeEngine.Auto) throw new ArgumentException("too many thresholds on a feature (or leaves in a tree) for row sets");
            if (rowSets is not null) Engine = engine == TreeEngine.Auto ? TreeEngine.RowSets : engine;
        }
        if (rowSets is null && engine is TreeEngine.Auto or TreeEngine.Masks or TreeEngine.MasksScalar)
        {
            masks = LeafMaskEvaluator.TryCreate(width, trees);
            if (masks is null && engine != TreeEngine.Auto) throw new ArgumentException("trees too large for leaf masks");
            Engine = masks is null ? TreeEngine.Walk : engine == TreeEngine.Auto ? TreeEngine.Masks : engine;
        }
    }

    /// <summary>
    /// A random forest: each of <paramref name="trees"/> votes for the class index in the leaf a row
    /// reaches (<see cref="FlatTree.Leaves"/> hold class indices); scores are the vote fractions
    /// (<see cref="ScoreFormula.Votes"/>). Trees are walked.
    /// </summary>
    public static FlatTreeClassifier Forest(int width, IReadOnlyList<FlatTree> trees, byte[] classCodes)
    {
        var start = new int[classCodes.Length + 1];
        Array.Fill(start, trees.Count, 1, classCodes.Length);
        return new FlatTreeClassifier(width, trees, start, ScoreFormula.Votes, [], [], classCodes, TreeEngine.Walk);
    }

    /// <summary>The same model evaluated by another engine (for tests and benchmarks).</summary>
    public FlatTreeClassifier With(TreeEngine engine) =>
        new(Width, trees, classTreeStart, formula, plattSlope, plattOffset, classCodes, engine);

    /// <summary>The engine in use (never <see cref="TreeEngine.Auto"/>).</summary>
    public TreeEngine Engine { get; }

    /// <summary>The trees, class by class (the constructor's arguments, as the model describes itself).</summary>
    public IReadOnlyList<FlatTree> Trees => trees;

    public int[] ClassTreeStart => classTreeStart;
    public ScoreFormula Formula => formula;
    public double[] PlattSlope => plattSlope;
    public double[] PlattOffset => plattOffset;
    public byte[] ClassCodes => classCodes;

    /// <summary>
    /// The walk form of one ML.NET split (<c>x &lt;= t</c> goes <paramref name="left"/>; NaN goes left
    /// when <paramref name="nanLeft"/>, else right): a split that sends NaN right, over the
    /// expanded row <c>[x, -x, 0]</c> of a <paramref name="width"/>-feature input.
    /// </summary>
    internal static FlatNode Split(int width, int feature, float t, bool nanLeft, int left, int right)
    {
        if (!nanLeft) return new FlatNode(feature, t, left, right);
        // x <= +inf or NaN: always left (the constant 0 column is <= +inf).
        if (float.IsPositiveInfinity(t)) return new FlatNode(2 * width, float.PositiveInfinity, left, left);
        // x <= NaN fails for every number, so numbers go right and only NaN left: every number is <= +inf, NaN is not.
        if (float.IsNaN(t)) return new FlatNode(feature, float.PositiveInfinity, right, left);
        // Right exactly when x > t, i.e. -x < -t, i.e. -x <= prev(-t) (-t > -inf here); NaN fails the test and goes left.
        return new FlatNode(width + feature, MathF.BitDecrement(-t), right, left);
    }

    /// <summary>Features per input row.</summary>
    public int Width { get; }

    /// <summary>Floats per expanded row: <c>[x, -x, 0]</c>.</summary>
    public int Stride { get; }

    public int ScoreCount => classCodes.Length;
    public int TreeCount => trees.Count;
    public int NodeCount => nodes.Length;

    /// <summary>Leaves of the largest tree.</summary>
    public int MaxLeaves => trees.Max(t => t.LeafCount);

    public void Predict(float[] rows, int count, int width, Span<byte> classes, Span<float> scores) =>
        Predict(rows.AsSpan(), count, width, classes, scores);

    public void Predict(ReadOnlySpan<float> rows, int count, int width, Span<byte> classes, Span<float> scores)
    {
        if (width != Width) throw new ArgumentException($"rows have {width} features; the model expects {Width}");
        if (count < 0 || rows.Length < (long)count * width) throw new ArgumentException("matrix smaller than count x features");
        if (classes.Length < count) throw new ArgumentException("class buffer smaller than count");
        var k = ScoreCount;
        if (!scores.IsEmpty && scores.Length < (long)count * k) throw new ArgumentException("score buffer smaller than count x classes");

        var block = rowSets is not null ? RowSetEvaluator.BlockRows : masks is not null ? MaskBlockRows
            : votes is not null ? Math.Clamp(count, 1, VoteWalker.BlockRows) : BlockRows;
        var walking = rowSets is null && masks is null;
        // A forest's blocks are large (VoteWalker.BlockRows): its buffers come from the pool, not the large-object heap per call.
        var expanded = walking ? ArrayPool<float>.Shared.Rent(block * Stride) : [];
        var bins = masks is null ? [] : new int[width * block];
        var leafIndex = masks is null ? [] : new int[block * LeafMaskEvaluator.Lanes];
        using var rowSetScratch = rowSets?.NewScratch();
        var sums = ArrayPool<double>.Shared.Rent(k * block);
        try
        {
            PredictBlocks(rows, count, classes, scores, block, expanded, bins, leafIndex, rowSetScratch, sums);
        }
        finally
        {
            if (walking) ArrayPool<float>.Shared.Return(expanded);
            ArrayPool<double>.Shared.Return(sums);
        }
    }

    private void PredictBlocks(ReadOnlySpan<float> rows, int count, Span<byte> classes, Span<float> scores, int block,
        float[] expanded, int[] bins, int[] leafIndex, RowSetEvaluator.Scratch? rowSetScratch, double[] sums)
    {
        var width = Width;
        var k = ScoreCount;
        Span<float> rowScores = k <= 256 ? stackalloc float[k] : new float[k];
        for (var start = 0; start < count; start += block)
        {
            var n = Math.Min(block, count - start);
            var part = rows.Slice(start * width, n * width);
            Array.Clear(sums, 0, k * block);
            if (rowSets is not null)
                rowSets.AddLeafValues(part, n, classTreeStart, sums, rowSetScratch!, vectorized: Engine == TreeEngine.RowSets);
            else if (masks is not null)
            {
                masks.Bin(part, n, bins, block);
                masks.AddLeafValues(bins, n, treeClass, sums, block, leafIndex, vectorized: Engine == TreeEngine.Masks);
            }
            else
            {
                Expand(part, n, expanded);
                if (votes is not null) votes.CountVotes(expanded, n, Stride, sums, block);
                else SumTrees(expanded, n, sums);
            }
            for (var i = 0; i < n; i++)
            {
                for (var c = 0; c < k; c++) rowScores[c] = (float)sums[c * block + i];
                var best = Finish(rowScores);
                classes[start + i] = best < 0 ? (byte)0 : classCodes[best];
                if (!scores.IsEmpty) rowScores.CopyTo(scores.Slice((start + i) * k, k));
            }
        }
    }

    /// <summary>
    /// Rows that exercise the splits: each feature takes one of its thresholds, the next float
    /// either side of it, 0 or NaN. Deterministic for a given <paramref name="seed"/>.
    /// </summary>
    public float[] ProbeRows(int count, int seed)
    {
        var w = Width;
        var points = new List<float>[w];
        for (var f = 0; f < w; f++) points[f] = [0f];
        foreach (var t in trees)
            for (var n = 0; n < t.NodeCount; n++) points[t.Feature[n]].Add(t.Threshold[n]);
        var rng = new Random(seed);
        var rows = new float[count * w];
        for (var i = 0; i < rows.Length; i++)
        {
            var p = points[i % w];
            var v = p[rng.Next(p.Count)];
            rows[i] = rng.Next(8) switch
            {
                0 => float.NaN,
                1 => MathF.BitIncrement(v),
                2 => MathF.BitDecrement(v),
                _ => v,
            };
        }
        return rows;
    }

    /// <summary>Writes <c>[x, -x, 0]</c> per row.</summary>
    private void Expand(ReadOnlySpan<float> rows, int n, float[] expanded)
    {
        var w = Width;
        for (var i = 0; i < n; i++)
        {
            var src = rows.Slice(i * w, w);
            var dst = expanded.AsSpan(i * Stride, Stride);
            src.CopyTo(dst);
            for (var f = 0; f < w; f++) dst[w + f] = -src[f];
            dst[2 * w] = 0f;
        }
    }

    /// <summary>Per class and row, the sum of the class's trees in tree order (double, as ML.NET adds them).</summary>
    private void SumTrees(float[] expanded, int n, double[] sums)
    {
        ref var node0 = ref MemoryMarshal.GetArrayDataReference(nodes);
        ref var leaf0 = ref MemoryMarshal.GetArrayDataReference(leaves);
        ref var x0 = ref MemoryMarshal.GetArrayDataReference(expanded);
        var stride = Stride;
        for (var c = 0; c < ScoreCount; c++)
        {
            ref var sum0 = ref sums[c * BlockRows];
            for (var t = classTreeStart[c]; t < classTreeStart[c + 1]; t++)
            {
                var root = roots[t];
                for (var i = 0; i < n; i++)
                {
                    ref var row = ref Unsafe.Add(ref x0, i * stride);
                    var leaf = Walk(ref node0, ref row, root);
                    Unsafe.Add(ref sum0, i) += Unsafe.Add(ref leaf0, leaf);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Walk(ref FlatNode node0, ref float row, int node)
    {
        while (node >= 0)
        {
            ref var split = ref Unsafe.Add(ref node0, node);
            node = Unsafe.Add(ref row, split.Feature) <= split.Threshold ? split.Left : split.Right;
        }
        return ~node;
    }

    /// <summary>Applies the output formula to the class sums in place; returns the arg-max (-1 if no score is a number).</summary>
    private int Finish(Span<float> s)
    {
        switch (formula)
        {
            case ScoreFormula.ProbabilityNormalization:
                for (var c = 0; c < s.Length; c++)
                    s[c] = float.IsNaN(s[c]) ? s[c] : (float)(1.0 / (1.0 + Math.Exp(plattSlope[c] * s[c] + plattOffset[c])));
                NormalizeSumToOne(s);
                break;
            case ScoreFormula.Softmax:
                Softmax(s);
                break;
            case ScoreFormula.Votes:
                // s holds vote counts (exact in float); the same division as the reference walk's.
                for (var c = 0; c < s.Length; c++) s[c] = (float)(s[c] / (double)trees.Count);
                break;
            default:
                Debug.Assert(formula == ScoreFormula.Raw);
                break;
        }
        return ArgMax(s);
    }

    /// <summary>ML.NET's <c>OneVersusAllModelParameters.ImplDist.NormalizeSumToOne</c>.</summary>
    private static void NormalizeSumToOne(Span<float> p)
    {
        var sum = 0.0;
        for (var c = 0; c < p.Length; c++)
        {
            var v = p[c];
            if (float.IsNaN(v)) continue;
            if (v >= 0f) sum += v;
            else p[c] = 0f;
        }
        if (sum > 0.0)
            for (var c = 0; c < p.Length; c++) p[c] = (float)(p[c] / sum);
    }

    /// <summary>ML.NET's <c>OneVersusAllModelParameters.ImplSoftmax.NormalizeSoftmax</c>.</summary>
    private static void Softmax(Span<float> s)
    {
        Span<double> e = s.Length <= 256 ? stackalloc double[s.Length] : new double[s.Length];
        var sum = 0.0;
        for (var c = 0; c < s.Length; c++)
        {
            e[c] = Math.Exp(s[c]);
            sum += e[c];
        }
        for (var c = 0; c < s.Length; c++) s[c] = (float)(e[c] / sum);
    }

    /// <summary>ML.NET's <c>MathUtils.ArgMax</c>: the first maximal score; NaN never wins; -1 if all are NaN.</summary>
    internal static int ArgMax(ReadOnlySpan<float> s)
    {
        var best = -1;
        var max = float.NegativeInfinity;
        for (var c = s.Length - 1; c >= 0; c--)
        {
            if (max <= s[c])
            {
                best = c;
                max = s[c];
            }
        }
        return best;
    }
}
