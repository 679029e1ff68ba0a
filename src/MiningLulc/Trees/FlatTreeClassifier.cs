using System.Buffers;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace MiningLulc.Trees;

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
    /// <summary>
    /// <see cref="RowSetEvaluator"/>: 256 rows at a time as bit sets (any tree size; at most 254
    /// thresholds per feature, which LightGBM's 255-bin histograms guarantee). The fast path.
    /// </summary>
    RowSets,

    /// <summary><see cref="TreeWalker"/>: every tree walked, eight rows at a time (any tree, and a forest's votes).</summary>
    Walk,
}

/// <summary>
/// A multi-class tree-ensemble classifier in flat arrays (the layout of ML.NET's own
/// <c>InternalRegressionTree</c>: parallel child/feature/threshold data, a leaf is <c>~index</c>).
/// Per class, the score is the sum of its trees' leaf values, added in tree order in double and
/// rounded to float, exactly as ML.NET's <c>TreeEnsembleModelParameters</c> does; then the output
/// formula and the arg-max (first maximal non-NaN score wins) follow ML.NET bit for bit.
/// <para>
/// Two ways to find the leaves, same result: <see cref="RowSetEvaluator"/> (256 rows at a time as
/// bit sets; any tree size, at most 254 thresholds per feature: the fast path, taken whenever it
/// can), and <see cref="TreeWalker"/> for what it cannot take: a random forest's votes
/// (<see cref="Forest"/>, <see cref="ScoreFormula.Votes"/>; thousands of distinct thresholds per
/// feature) and ensembles with more thresholds on a feature than the row sets' byte bins hold.
/// Both work tree-outer, row-inner over blocks of rows so a tree's data and the block's features
/// stay in cache. docs/benchmarks.md has the figures that chose these two.
/// </para>
/// <para>
/// Walking: every split sends NaN one fixed way, as ML.NET does (LightGBM splits may send it
/// left). Splits that send NaN left are stored on the <em>negated</em> feature with swapped
/// children and the threshold just below <c>-t</c> (<c>x &gt; t</c> ⇔ <c>-x &lt;= prev(-t)</c>), so the
/// walk has one comparison, <c>v &lt;= t</c>, for every split. Rows are therefore expanded to
/// <c>[x, -x, 0]</c> (<see cref="Stride"/> floats; the constant 0 serves splits that always go one
/// way) block by block.
/// </para>
/// Immutable; <see cref="Predict(float[], int, int, Span{byte}, Span{float})"/> is thread-safe (scratch per call).
/// </summary>
internal sealed class FlatTreeClassifier : IPixelClassifier
{
    private readonly RowSetEvaluator? rowSets;
    private readonly TreeWalker? walker;

    /// <param name="width">Features per input row.</param>
    /// <param name="trees">All trees, class by class, each class's in ML.NET's summation order.</param>
    /// <param name="classTreeStart">Trees of class <c>c</c> are <c>trees[classTreeStart[c] .. classTreeStart[c + 1]]</c>.</param>
    /// <param name="formula">How class sums become scores.</param>
    /// <param name="plattSlope">Per class, for <see cref="ScoreFormula.ProbabilityNormalization"/>.</param>
    /// <param name="plattOffset">Per class, for <see cref="ScoreFormula.ProbabilityNormalization"/>.</param>
    /// <param name="classCodes">Class code written for score index <c>c</c>.</param>
    /// <param name="engine">
    /// How leaves are found; null (what models use): the row sets when they can take the trees,
    /// else the walk. Naming one is for comparing them (tests, benchmarks); an engine that cannot
    /// take the trees is an <see cref="ArgumentException"/>.
    /// </param>
    public FlatTreeClassifier(int width, IReadOnlyList<FlatTree> trees, int[] classTreeStart,
        ScoreFormula formula, double[] plattSlope, double[] plattOffset, byte[] classCodes, TreeEngine? engine = null)
    {
        var classes = classCodes.Length;
        if (classes < 1 || classTreeStart.Length != classes + 1 || classTreeStart[0] != 0 || classTreeStart[^1] != trees.Count)
            throw new ArgumentException("inconsistent class / tree layout");
        for (var c = 0; c < classes; c++)
            if (classTreeStart[c] > classTreeStart[c + 1]) throw new ArgumentException("inconsistent class / tree layout");
        if (formula == ScoreFormula.ProbabilityNormalization && (plattSlope.Length != classes || plattOffset.Length != classes))
            throw new ArgumentException("one Platt calibrator per class expected");
        if (formula == ScoreFormula.Votes && (classTreeStart[1] != trees.Count || engine == TreeEngine.RowSets))
            throw new ArgumentException("a forest's trees all vote (use Forest), and only the walk counts votes");
        foreach (var t in trees)
            if (!t.IsValid(width, out var reason)) throw new ArgumentException(reason);
        if (formula == ScoreFormula.Votes && trees.Any(t => t.Leaves.Any(v => !(v >= 0 && v < classes && v == Math.Floor(v)))))
            throw new ArgumentException("a leaf votes for a class the forest does not have");
        Width = width;
        Stride = 2 * width + 1;
        Trees = trees;
        ClassTreeStart = classTreeStart;
        Formula = formula;
        PlattSlope = plattSlope;
        PlattOffset = plattOffset;
        ClassCodes = classCodes;
        NodeCount = trees.Sum(t => t.NodeCount);

        // Grown to purity on exact midpoints, a forest has thousands of distinct thresholds per feature:
        // beyond the row sets' byte bins (and the row sets add leaf values; they do not count votes). It walks.
        if (formula != ScoreFormula.Votes && engine != TreeEngine.Walk)
        {
            rowSets = RowSetEvaluator.TryCreate(width, trees);
            if (rowSets is null && engine == TreeEngine.RowSets) throw new ArgumentException("too many thresholds on a feature (or leaves in a tree) for row sets");
        }
        if (rowSets is null)
        {
            int[]? treeClass = null;
            if (formula != ScoreFormula.Votes)
            {
                treeClass = new int[trees.Count];
                for (var c = 0; c < classes; c++)
                    for (var t = classTreeStart[c]; t < classTreeStart[c + 1]; t++) treeClass[t] = c;
            }
            walker = new TreeWalker(width, trees, treeClass);
        }
        Engine = rowSets is not null ? TreeEngine.RowSets : TreeEngine.Walk;
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
        return new FlatTreeClassifier(width, trees, start, ScoreFormula.Votes, [], [], classCodes);
    }

    /// <summary>The engine in use.</summary>
    public TreeEngine Engine { get; }

    /// <summary>The trees, class by class (the constructor's arguments, as the model describes itself).</summary>
    public IReadOnlyList<FlatTree> Trees { get; }

    public int[] ClassTreeStart { get; }
    public ScoreFormula Formula { get; }
    public double[] PlattSlope { get; }
    public double[] PlattOffset { get; }
    public byte[] ClassCodes { get; }

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

    public int ScoreCount => ClassCodes.Length;
    public int TreeCount => Trees.Count;

    /// <summary>Splits of all trees.</summary>
    public int NodeCount { get; }

    public void Predict(float[] rows, int count, int width, Span<byte> classes, Span<float> scores) =>
        Predict(rows.AsSpan(), count, width, classes, scores);

    public void Predict(ReadOnlySpan<float> rows, int count, int width, Span<byte> classes, Span<float> scores)
    {
        if (width != Width) throw new ArgumentException($"rows have {width} features; the model expects {Width}");
        if (count < 0 || rows.Length < (long)count * width) throw new ArgumentException("matrix smaller than count x features");
        if (classes.Length < count) throw new ArgumentException("class buffer smaller than count");
        var k = ScoreCount;
        if (!scores.IsEmpty && scores.Length < (long)count * k) throw new ArgumentException("score buffer smaller than count x classes");

        // The walk's blocks are large (TreeWalker.BlockRows): its buffers come from the pool, not the large-object heap per call.
        var block = rowSets is not null ? RowSetEvaluator.BlockRows : Math.Clamp(count, 1, TreeWalker.BlockRows);
        var expanded = walker is not null ? ArrayPool<float>.Shared.Rent(block * Stride) : [];
        using var rowSetScratch = rowSets?.NewScratch();
        var sums = ArrayPool<double>.Shared.Rent(k * block);
        var rowOf = walker is not null ? ArrayPool<int>.Shared.Rent(block) : null;
        try
        {
            PredictBlocks(rows, count, classes, scores, block, expanded, rowSetScratch, sums, rowOf);
        }
        finally
        {
            if (walker is not null) ArrayPool<float>.Shared.Return(expanded);
            if (rowOf is not null) ArrayPool<int>.Shared.Return(rowOf);
            ArrayPool<double>.Shared.Return(sums);
        }
    }

    private void PredictBlocks(ReadOnlySpan<float> rows, int count, Span<byte> classes, Span<float> scores, int block,
        float[] expanded, RowSetEvaluator.Scratch? rowSetScratch, double[] sums, int[]? rowOf)
    {
        var width = Width;
        var k = ScoreCount;
        Span<float> rowScores = k <= 256 ? stackalloc float[k] : new float[k];
        for (var start = 0; start < count; start += block)
        {
            var n = Math.Min(block, count - start);
            var part = rows.Slice(start * width, n * width);
            Array.Clear(sums, 0, k * block);
            if (rowSets is not null) rowSets.AddLeafValues(part, n, ClassTreeStart, sums, rowSetScratch!);
            else
            {
                Expand(part, n, expanded);
                // Classes alone (no scores asked): a forest's rows stop once their majority is settled.
                if (Formula == ScoreFormula.Votes && scores.IsEmpty) walker!.AddVotesUntilDecided(expanded, n, Stride, sums, block, k, rowOf!);
                else walker!.AddLeafValues(expanded, n, Stride, sums, block);
            }
            for (var i = 0; i < n; i++)
            {
                for (var c = 0; c < k; c++) rowScores[c] = (float)sums[c * block + i];
                var best = Finish(rowScores);
                classes[start + i] = best < 0 ? (byte)0 : ClassCodes[best];
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
        foreach (var t in Trees)
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

    /// <summary>Applies the output formula to the class sums in place; returns the arg-max (-1 if no score is a number).</summary>
    private int Finish(Span<float> s)
    {
        switch (Formula)
        {
            case ScoreFormula.ProbabilityNormalization:
                for (var c = 0; c < s.Length; c++)
                    s[c] = float.IsNaN(s[c]) ? s[c] : (float)(1.0 / (1.0 + Math.Exp(PlattSlope[c] * s[c] + PlattOffset[c])));
                NormalizeSumToOne(s);
                break;
            case ScoreFormula.Softmax:
                Softmax(s);
                break;
            case ScoreFormula.Votes:
                // s holds vote counts (exact in float); the same division as the reference walk's.
                for (var c = 0; c < s.Length; c++) s[c] = (float)(s[c] / (double)Trees.Count);
                break;
            default:
                Debug.Assert(Formula == ScoreFormula.Raw);
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
