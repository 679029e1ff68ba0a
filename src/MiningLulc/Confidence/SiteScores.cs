namespace MiningLulc.Confidence;

/// <summary>
/// The model's class probabilities of every pixel of one site grid: <see cref="ClassCount"/> scores
/// per pixel (in the order of <see cref="ClassCodes"/>), already calibrated. A pixel without scores
/// (not classified) holds zeros. What confidence is made of: a pixel's confidence is the probability
/// of its final class (after smoothing and sieving, which may give it a neighbour's class, so the
/// probability the model gave that class at that pixel, not the highest score).
/// </summary>
public sealed class SiteScores
{
    private readonly int[] indexOfCode = new int[256];

    /// <param name="classCodes">The class code of each score column.</param>
    public SiteScores(int pixels, IReadOnlyList<byte> classCodes)
    {
        ClassCodes = classCodes;
        ClassCount = classCodes.Count;
        Values = new float[(long)pixels * ClassCount];
        Array.Fill(indexOfCode, -1);
        for (var c = 0; c < classCodes.Count; c++) indexOfCode[classCodes[c]] = c;
    }

    public IReadOnlyList<byte> ClassCodes { get; }
    public int ClassCount { get; }

    /// <summary>Row-major scores, <see cref="ClassCount"/> per pixel.</summary>
    public float[] Values { get; }

    /// <summary>The probability of class <paramref name="code"/> at <paramref name="pixel"/> (0 for a class the model has no score for).</summary>
    public float ProbabilityOf(int pixel, byte code)
    {
        var c = indexOfCode[code];
        return c < 0 ? 0f : Values[(long)pixel * ClassCount + c];
    }

    /// <summary>Per pixel, the probability of its class in <paramref name="classes"/>; NaN where the class is 0.</summary>
    public float[] ConfidenceOf(byte[] classes)
    {
        var confidence = new float[classes.Length];
        for (var i = 0; i < classes.Length; i++) confidence[i] = classes[i] == 0 ? float.NaN : ProbabilityOf(i, classes[i]);
        return confidence;
    }
}
