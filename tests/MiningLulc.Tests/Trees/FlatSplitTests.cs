using MiningLulc.Trees;

namespace MiningLulc.Tests.Trees;

/// <summary>The split rewrite and the arg-max, value by value against ML.NET's rules as written in its source.</summary>
public class FlatSplitTests
{
    private static readonly float[] Specials =
    [
        float.NaN, float.NegativeInfinity, float.PositiveInfinity, 0f, -0f, float.Epsilon, -float.Epsilon,
        float.MaxValue, float.MinValue, 1f, -1f, 1e-30f, 3000.5f, MathF.BitIncrement(1f), MathF.BitDecrement(1f),
    ];

    /// <summary>
    /// ML.NET's <c>InternalRegressionTree.GetLeafCore</c>: <c>v = isNaN(x) &amp;&amp; defaults != null ? defaults[node] : x</c>,
    /// then <c>v &lt;= threshold</c> goes left.
    /// </summary>
    private static bool MlNetGoesLeft(float x, float threshold, float? missingDefault)
    {
        var v = float.IsNaN(x) && missingDefault is { } d ? d : x;
        return v <= threshold;
    }

    private static bool FlatGoesLeft(FlatNode node, float x)
    {
        float[] expanded = [x, -x, 0f]; // one feature: [x, -x, 0]
        const int leftLeaf = ~0, rightLeaf = ~1;
        var next = expanded[node.Feature] <= node.Threshold ? node.Left : node.Right;
        Assert.True(next == leftLeaf || next == rightLeaf);
        return next == leftLeaf;
    }

    public static TheoryData<float> Thresholds() => [.. Specials.Where(t => !float.IsNaN(t))];

    [Theory]
    [MemberData(nameof(Thresholds))]
    public void RewrittenSplitsSendEveryValueWhereMlNetDoes(float threshold)
    {
        // LightGBM's defaults: the threshold (missing goes left), threshold + 1 (right), 0 (no missing type); FastTree has none.
        float?[] defaults = [null, threshold, (float)((double)threshold + 1), 0f, float.NaN, float.NegativeInfinity];
        var rng = new Random(BitConverter.SingleToInt32Bits(threshold));
        var values = Specials.Concat(Enumerable.Range(0, 200).Select(_ => (float)(rng.NextDouble() * 4 - 2) * (rng.Next(3) == 0 ? 1e6f : 1f)))
            .Concat([threshold, MathF.BitIncrement(threshold), MathF.BitDecrement(threshold), -threshold]);
        foreach (var d in defaults)
        {
            var nanLeft = d is { } dv && dv <= threshold;
            var node = FlatTreeClassifier.Split(width: 1, feature: 0, threshold, nanLeft, left: ~0, right: ~1);
            foreach (var x in values)
                Assert.True(MlNetGoesLeft(x, threshold, d) == FlatGoesLeft(node, x), $"x={x:R} t={threshold:R} default={d:R}");
        }
    }

    [Theory]
    [InlineData(new[] { 1f, 1f, 0f }, 0)]
    [InlineData(new[] { 0f, 2f, 2f }, 1)]
    [InlineData(new[] { float.NaN, 2f, 2f }, 1)]
    [InlineData(new[] { 3f, float.NaN, 2f }, 0)]
    [InlineData(new[] { float.NaN, float.NaN }, -1)]
    [InlineData(new[] { float.NegativeInfinity, float.NegativeInfinity }, 0)]
    [InlineData(new[] { -0f, 0f }, 0)]
    [InlineData(new[] { 0.1f, float.PositiveInfinity, float.PositiveInfinity }, 1)]
    public void ArgMaxTakesTheFirstMaximalNumber(float[] scores, int expected) =>
        Assert.Equal(expected, FlatTreeClassifier.ArgMax(scores));
}
