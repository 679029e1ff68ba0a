namespace MiningLulc.Trees;

/// <summary>
/// A guard run once per model: the flat trees and the model's reference (ML.NET, or a forest's
/// plain tree walk) classify a probe set built from the model's own thresholds (values on, just
/// above and just below split points, and NaN) and must agree on every class and every score bit.
/// Should ML.NET's semantics ever change under the reader (a new version), the model keeps the
/// reference's scoring instead of answering differently. Costs one reference call on
/// <see cref="ProbeRows"/> rows (tens of milliseconds).
/// </summary>
internal static class InferenceSelfCheck
{
    public const int ProbeRows = 512;

    public static bool Agrees(FlatTreeClassifier flat, IPixelClassifier reference, out string reason)
    {
        var width = flat.Width;
        var rows = flat.ProbeRows(ProbeRows, seed: 20240917);
        var k = flat.ScoreCount;
        if (reference.ScoreCount != k) { reason = $"self-check: {k} scores, the reference has {reference.ScoreCount}"; return false; }
        byte[] a = new byte[ProbeRows], b = new byte[ProbeRows];
        float[] sa = new float[ProbeRows * k], sb = new float[ProbeRows * k];
        flat.Predict(rows, ProbeRows, width, a, sa);
        reference.Predict(rows, ProbeRows, width, b, sb);
        for (var i = 0; i < ProbeRows; i++)
        {
            if (a[i] != b[i]) { reason = $"self-check: probe row {i} classified {a[i]}, the reference says {b[i]}"; return false; }
            for (var c = 0; c < k; c++)
                if (!SameBits(sa[i * k + c], sb[i * k + c]))
                { reason = $"self-check: probe row {i} score {c} is {sa[i * k + c]:R}, the reference says {sb[i * k + c]:R}"; return false; }
        }
        reason = "";
        return true;
    }

    /// <summary>Bit-identical, or both NaN.</summary>
    public static bool SameBits(float x, float y) =>
        BitConverter.SingleToInt32Bits(x) == BitConverter.SingleToInt32Bits(y) || (float.IsNaN(x) && float.IsNaN(y));
}
