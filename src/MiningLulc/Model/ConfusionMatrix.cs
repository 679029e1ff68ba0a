namespace MiningLulc.Model;

/// <summary>
/// A 7 x 7 confusion matrix of weights (pixels or square metres): rows = reference, columns = predicted,
/// index = class code - 1. Accuracy figures are fractions; classes without reference or mapped
/// weight get NaN for the figures they cannot have.
/// </summary>
public sealed class ConfusionMatrix
{
    public const int K = LulcClasses.Count;
    private readonly double[,] m = new double[K, K];

    public double this[int reference, int predicted] => m[reference, predicted];

    /// <summary>Adds weight for a (reference, predicted) pair of class codes 1..7; other codes are ignored.</summary>
    public void Add(int referenceCode, int predictedCode, double weight)
    {
        if (referenceCode is < 1 or > K || predictedCode is < 1 or > K) return;
        m[referenceCode - 1, predictedCode - 1] += weight;
    }

    public void Add(ConfusionMatrix other)
    {
        for (var i = 0; i < K; i++) for (var j = 0; j < K; j++) m[i, j] += other.m[i, j];
    }

    public static ConfusionMatrix FromPairs(IReadOnlyList<byte> reference, IReadOnlyList<byte> predicted)
    {
        var cm = new ConfusionMatrix();
        for (var i = 0; i < reference.Count; i++) cm.Add(reference[i], predicted[i], 1);
        return cm;
    }

    public double Total { get { double t = 0; foreach (var v in m) t += v; return t; } }
    public double ReferenceTotal(int c) { double t = 0; for (var j = 0; j < K; j++) t += m[c, j]; return t; }
    public double MappedTotal(int c) { double t = 0; for (var i = 0; i < K; i++) t += m[i, c]; return t; }

    public double OverallAccuracy
    {
        get { double d = 0; for (var i = 0; i < K; i++) d += m[i, i]; var t = Total; return t > 0 ? d / t : double.NaN; }
    }

    /// <summary>Cohen's kappa: (po - pe) / (1 - pe).</summary>
    public double Kappa
    {
        get
        {
            var t = Total;
            if (t <= 0) return double.NaN;
            double pe = 0;
            for (var c = 0; c < K; c++) pe += ReferenceTotal(c) / t * (MappedTotal(c) / t);
            return pe >= 1 ? double.NaN : (OverallAccuracy - pe) / (1 - pe);
        }
    }

    /// <summary>Producer's accuracy (recall) of class index c.</summary>
    public double ProducersAccuracy(int c) { var r = ReferenceTotal(c); return r > 0 ? m[c, c] / r : double.NaN; }
    /// <summary>User's accuracy (precision) of class index c.</summary>
    public double UsersAccuracy(int c) { var p = MappedTotal(c); return p > 0 ? m[c, c] / p : double.NaN; }

    public double F1(int c)
    {
        double pa = ProducersAccuracy(c), ua = UsersAccuracy(c);
        if (double.IsNaN(pa)) return double.NaN;
        if (double.IsNaN(ua)) return 0;
        return pa + ua > 0 ? 2 * pa * ua / (pa + ua) : 0;
    }

    /// <summary>Mean F1 over the classes with reference weight &gt; 0.</summary>
    public double MacroF1
    {
        get
        {
            var f = Enumerable.Range(0, K).Where(c => ReferenceTotal(c) > 0).Select(F1).ToList();
            return f.Count > 0 ? f.Average() : double.NaN;
        }
    }

    public double[][] ToArray() => Enumerable.Range(0, K).Select(i => Enumerable.Range(0, K).Select(j => m[i, j]).ToArray()).ToArray();
}
