using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MiningLulc.Inference;

/// <summary>How the per-class tree sums become the score vector (ML.NET's one-versus-all output formulas).</summary>
internal enum ScoreFormula
{
    /// <summary>Scores are the per-class sums themselves.</summary>
    Raw = 0,

    /// <summary>Platt probability per class (<c>1 / (1 + exp(slope * s + offset))</c>), negatives clamped to 0, divided by their sum.</summary>
    ProbabilityNormalization = 1,

    /// <summary><c>exp(s_c) / sum exp(s)</c>.</summary>
    Softmax = 2,
}

/// <summary>
/// One split of a flattened tree: go to <see cref="Left"/> when <c>row[Feature] &lt;= Threshold</c>,
/// else (NaN included) to <see cref="Right"/>. A child below zero is <c>~leaf</c>.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly record struct FlatNode(int Feature, float Threshold, int Left, int Right);

/// <summary>
/// A multi-class tree-ensemble classifier in flat arrays (the layout of ML.NET's own
/// <c>InternalRegressionTree</c>: parallel child/feature/threshold data, a leaf is <c>~index</c>).
/// Per class, the score is the sum of its trees' leaf values, added in tree order in double and
/// rounded to float, exactly as ML.NET's <c>TreeEnsembleModelParameters</c> does; then the output
/// formula and the arg-max (first maximal non-NaN score wins) follow ML.NET bit for bit.
/// <para>
/// Missing values: every split sends NaN one fixed way, as ML.NET does (LightGBM splits may send
/// it left). Splits that send NaN left are stored on the <em>negated</em> feature with swapped
/// children and the threshold just below <c>-t</c> (<c>x &gt; t</c> ⇔ <c>-x &lt;= prev(-t)</c>), so the
/// kernel has one comparison, <c>v &lt;= t</c>, for every split. Rows are therefore expanded to
/// <c>[x, -x, 0]</c> (<see cref="Stride"/> floats; the constant 0 serves splits that always go one
/// way) block by block before the trees are walked.
/// </para>
/// <para>
/// Evaluation is tree-outer, row-inner over blocks of <see cref="BlockRows"/> rows, so a tree's
/// nodes and the block's features stay in L1; several rows walk the same tree at once, which hides
/// the load latency of each path. Immutable; <see cref="Predict"/> is thread-safe (scratch per call).
/// </para>
/// </summary>
internal sealed class FlatTreeClassifier : IPixelClassifier
{
    /// <summary>Rows evaluated together: their expanded features (~25 KB for 24 features) stay in L1.</summary>
    public const int BlockRows = 64;

    private readonly FlatNode[] nodes;
    private readonly double[] leaves;
    private readonly int[] roots;
    private readonly int[] classTreeStart;
    private readonly ScoreFormula formula;
    private readonly double[] plattSlope;
    private readonly double[] plattOffset;
    private readonly byte[] classCodes;

    /// <param name="width">Features per input row.</param>
    /// <param name="nodes">All splits of all trees, features already in expanded-row columns (see the class remarks).</param>
    /// <param name="leaves">All leaf values.</param>
    /// <param name="roots">Per tree, class by class in ML.NET's summation order: the root node, or <c>~leaf</c> for a tree without split.</param>
    /// <param name="classTreeStart">Trees of class <c>c</c> are <c>roots[classTreeStart[c] .. classTreeStart[c + 1]]</c>.</param>
    /// <param name="classCodes">Class code written for score index <c>c</c>.</param>
    public FlatTreeClassifier(int width, FlatNode[] nodes, double[] leaves, int[] roots, int[] classTreeStart,
        ScoreFormula formula, double[] plattSlope, double[] plattOffset, byte[] classCodes)
    {
        var classes = classCodes.Length;
        if (classes < 1 || classTreeStart.Length != classes + 1 || classTreeStart[0] != 0 || classTreeStart[^1] != roots.Length)
            throw new ArgumentException("inconsistent class / tree layout");
        if (formula == ScoreFormula.ProbabilityNormalization && (plattSlope.Length != classes || plattOffset.Length != classes))
            throw new ArgumentException("one Platt calibrator per class expected");
        Width = width;
        Stride = 2 * width + 1;
        foreach (var n in nodes)
            if ((uint)n.Feature >= (uint)Stride || !ValidChild(n.Left, nodes.Length, leaves.Length) || !ValidChild(n.Right, nodes.Length, leaves.Length))
                throw new ArgumentException("node refers outside the model");
        foreach (var r in roots)
            if (!ValidChild(r, nodes.Length, leaves.Length)) throw new ArgumentException("root refers outside the model");
        this.nodes = nodes;
        this.leaves = leaves;
        this.roots = roots;
        this.classTreeStart = classTreeStart;
        this.formula = formula;
        this.plattSlope = plattSlope;
        this.plattOffset = plattOffset;
        this.classCodes = classCodes;
    }

    private static bool ValidChild(int child, int nodeCount, int leafCount) =>
        child >= 0 ? child < nodeCount : ~child < leafCount;

    /// <summary>Features per input row.</summary>
    public int Width { get; }

    /// <summary>Floats per expanded row: <c>[x, -x, 0]</c>.</summary>
    public int Stride { get; }

    public int ScoreCount => classCodes.Length;
    public int TreeCount => roots.Length;
    public int NodeCount => nodes.Length;

    public void Predict(float[] rows, int count, int width, Span<byte> classes, Span<float> scores) =>
        Predict(rows.AsSpan(), count, width, classes, scores);

    public void Predict(ReadOnlySpan<float> rows, int count, int width, Span<byte> classes, Span<float> scores)
    {
        if (width != Width) throw new ArgumentException($"rows have {width} features; the model expects {Width}");
        if (count < 0 || rows.Length < (long)count * width) throw new ArgumentException("matrix smaller than count x features");
        if (classes.Length < count) throw new ArgumentException("class buffer smaller than count");
        var k = ScoreCount;
        if (!scores.IsEmpty && scores.Length < (long)count * k) throw new ArgumentException("score buffer smaller than count x classes");

        var expanded = new float[BlockRows * Stride];
        var sums = new double[k * BlockRows];
        Span<float> rowScores = stackalloc float[k];
        for (var start = 0; start < count; start += BlockRows)
        {
            var n = Math.Min(BlockRows, count - start);
            Expand(rows.Slice(start * width, n * width), n, expanded);
            SumTrees(expanded, n, sums);
            for (var i = 0; i < n; i++)
            {
                for (var c = 0; c < k; c++) rowScores[c] = (float)sums[c * BlockRows + i];
                var best = Finish(rowScores);
                classes[start + i] = best < 0 ? (byte)0 : classCodes[best];
                if (!scores.IsEmpty) rowScores.CopyTo(scores.Slice((start + i) * k, k));
            }
        }
    }

    /// <summary>
    /// Rows that exercise the splits: each feature takes one of its split points (recovered from
    /// the stored, possibly negated thresholds), the next float either side of it, or NaN.
    /// Deterministic for a given <paramref name="seed"/>.
    /// </summary>
    public float[] ProbeRows(int count, int seed)
    {
        var w = Width;
        var points = new List<float>[w];
        for (var f = 0; f < w; f++) points[f] = [0f];
        foreach (var n in nodes)
        {
            if (n.Feature < w) points[n.Feature].Add(n.Threshold);
            else if (n.Feature < 2 * w) points[n.Feature - w].Add(-n.Threshold);
        }
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
        Array.Clear(sums);
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
        Span<double> e = stackalloc double[s.Length];
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
