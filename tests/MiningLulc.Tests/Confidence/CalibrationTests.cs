using MiningLulc.Confidence;
using MiningLulc.Trees;

namespace MiningLulc.Tests.Confidence;

public class CalibrationTests
{
    [Fact]
    public void TemperatureScalingMatchesTheFormula()
    {
        // (0.8, 0.2) at T = 2: square roots 0.894 and 0.447, normalized to 2/3 and 1/3.
        float[] p = [0.8f, 0.2f];
        new TemperatureCalibration(2).Apply(p);
        Assert.Equal(2 / 3.0, p[0], 1e-6);
        Assert.Equal(1 / 3.0, p[1], 1e-6);
        // At T = 0.5: squares 0.64 and 0.04 -> 16/17 and 1/17. A zero stays zero.
        float[] q = [0.8f, 0.2f, 0f];
        new TemperatureCalibration(0.5).Apply(q);
        Assert.Equal(16 / 17.0, q[0], 1e-6);
        Assert.Equal(1 / 17.0, q[1], 1e-6);
        Assert.Equal(0f, q[2]);
        float[] same = [0.6f, 0.3f, 0.1f];
        TemperatureCalibration.None.Apply(same);
        Assert.Equal([0.6f, 0.3f, 0.1f], same);
    }

    [Fact]
    public void CalibrationNeverChangesTheArgMax()
    {
        var random = new Random(3);
        foreach (var t in new[] { 0.05, 0.3, 0.9, 1.7, 8, 50 })
            for (var i = 0; i < 2000; i++)
            {
                var p = new float[7];
                for (var c = 0; c < 7; c++) p[c] = random.Next(4) == 0 ? 0 : (float)random.NextDouble();
                var sum = p.Sum();
                if (sum == 0) continue;
                for (var c = 0; c < 7; c++) p[c] /= sum;
                var before = FlatTreeClassifier.ArgMax(p);
                new TemperatureCalibration(t).Apply(p);
                Assert.Equal(before, FlatTreeClassifier.ArgMax(p));
                Assert.Equal(1.0, p.Sum(), 1e-5);
            }
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(2.0)]
    public void TheFitRecoversTheTemperatureThatMadeTheData(double truth)
    {
        // Rows whose true class is drawn from the scores at temperature `truth`: the scores are
        // miscalibrated by exactly that temperature, and maximum likelihood finds it back.
        var random = new Random(11);
        const int rows = 20000, k = 3;
        var scores = new float[rows * k];
        var labels = new int[rows];
        for (var r = 0; r < rows; r++)
        {
            var logits = Enumerable.Range(0, k).Select(_ => 3 * random.NextDouble()).ToArray();
            var raw = Softmax(logits, 1);
            for (var c = 0; c < k; c++) scores[r * k + c] = (float)raw[c];
            var real = Softmax(logits, truth);
            var u = random.NextDouble();
            labels[r] = u < real[0] ? 0 : u < real[0] + real[1] ? 1 : 2;
        }
        var fitted = TemperatureCalibration.Fit(scores, labels, k);
        Assert.Equal(truth, fitted.Temperature, 0.1 * truth);
    }

    private static double[] Softmax(double[] logits, double t)
    {
        var e = logits.Select(l => Math.Exp(l / t)).ToArray();
        var s = e.Sum();
        return [.. e.Select(v => v / s)];
    }
}

public class CalibrationByClassTests
{
    [Fact]
    public void EachArgMaxClassGetsTheTemperatureOfItsOwnRows()
    {
        // Class 0's rows are drawn at temperature 3 (the scores over-confident), class 1's at 0.5 (under-confident).
        var random = new Random(5);
        const int rows = 20000, k = 2;
        var scores = new float[rows * k];
        var labels = new int[rows];
        for (var r = 0; r < rows; r++)
        {
            var margin = 4 * random.NextDouble() - 2; // logit of class 0 minus class 1
            var p0 = 1 / (1 + Math.Exp(-margin));
            scores[r * k] = (float)p0;
            scores[r * k + 1] = (float)(1 - p0);
            var t = margin >= 0 ? 3.0 : 0.5;
            labels[r] = random.NextDouble() < 1 / (1 + Math.Exp(-margin / t)) ? 0 : 1;
        }
        var fitted = TemperatureCalibration.FitByClass(scores, labels, k);
        Assert.Equal(3.0, fitted.ByClass![0], 0.45);
        Assert.Equal(0.5, fitted.ByClass[1], 0.1);
        // Applied by arg-max: a row that class 0 wins is cooled at 3, one class 1 wins at 0.5.
        float[] a = [0.8f, 0.2f];
        fitted.Apply(a);
        Assert.Equal(Math.Pow(4, 1 / fitted.ByClass[0]) / (1 + Math.Pow(4, 1 / fitted.ByClass[0])), a[0], 1e-5);
        float[] b = [0.2f, 0.8f];
        fitted.Apply(b);
        Assert.Equal(Math.Pow(4, 1 / fitted.ByClass[1]) / (1 + Math.Pow(4, 1 / fitted.ByClass[1])), b[1], 1e-5);
    }
}
