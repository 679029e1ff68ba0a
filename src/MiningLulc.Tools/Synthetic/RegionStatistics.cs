using System.Globalization;
using System.Text;
using MiningLulc.Features;
using NetTopologySuite.Index.Strtree;

namespace MiningLulc.Synthetic;

/// <summary>
/// Per-class medians (and 10th/90th percentiles) of a labelled region as the pipeline reads it: the
/// ten bands, dh and the four indices of the published method, over the classifiable pixels whose
/// centre lies in a reference polygon of that class. <see cref="VoidShare"/> is the share of those
/// pixels without dh.
/// </summary>
public sealed record ClassStatistics(LulcClass Class, long Pixels, float[] Bands, float Dh, float DhP10, float DhP90, float VoidShare,
    float Mndwi, float Ndbi, float Ndvi, float NdviP10, float NdviP90, float Bsi);

/// <summary>Reads a labelled region back through the catalog, the aligner and the feature kernels, and summarizes it per class.</summary>
public static class RegionStatistics
{
    private static readonly int[] Indices = [FeatureSchema.Mndwi, FeatureSchema.Ndbi, FeatureSchema.Ndvi, FeatureSchema.Bsi];

    public static IReadOnlyList<ClassStatistics> Compute(string region, EngineConfig? config = null)
    {
        config ??= EngineConfig.Default;
        // Per class: 10 bands, dh, 4 indices.
        var values = Enumerable.Range(0, LulcClasses.Count + 1).Select(_ => Enumerable.Range(0, 15).Select(_ => new List<float>()).ToArray()).ToArray();
        var voids = new long[LulcClasses.Count + 1];
        foreach (var labelled in LabelledPixels.Sites(region, config, FeatureSet.Full))
        {
            foreach (var i in labelled.LabelledClassifiablePixels())
            {
                var c = labelled.Reference[i];
                var planes = labelled.Planes;
                var v = values[c];
                for (var b = 0; b < 10; b++) v[b].Add(planes[b][i]);
                var dh = planes[FeatureSchema.Dh][i];
                if (float.IsNaN(dh)) voids[c]++;
                else v[10].Add(dh);
                for (var k = 0; k < Indices.Length; k++) v[11 + k].Add(planes[Indices[k]][i]);
            }
        }
        var result = new List<ClassStatistics>();
        for (var c = 1; c <= LulcClasses.Count; c++)
        {
            var v = values[c];
            long n = v[0].Count;
            if (n == 0) continue;
            result.Add(new ClassStatistics((LulcClass)c, n, Enumerable.Range(0, 10).Select(b => Quantile(v[b], 0.5)).ToArray(),
                Quantile(v[10], 0.5), Quantile(v[10], 0.1), Quantile(v[10], 0.9), (float)voids[c] / n,
                Quantile(v[11], 0.5), Quantile(v[12], 0.5), Quantile(v[13], 0.5), Quantile(v[13], 0.1), Quantile(v[13], 0.9), Quantile(v[14], 0.5)));
        }
        return result;
    }

    /// <summary>A table of the generated medians beside the medians of the authors' real samples (<see cref="Spectra.Mean"/>).</summary>
    public static string Format(IReadOnlyList<ClassStatistics> stats)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("Per-class medians, generated (real samples of the authors in brackets):");
        sb.AppendLine("  class                      pixels    B02    B04    B08    B11    B12      dh (real)  dh p10..p90  void   NDVI (real)  MNDWI  NDBI   BSI");
        foreach (var s in stats)
        {
            var c = (int)s.Class;
            var real = Spectra.Mean[c];
            sb.AppendLine(string.Format(inv,
                "  {0,-24} {1,8}  {2,5:0} {3,6:0} {4,6:0} {5,6:0} {6,6:0}  {7,6:0.0} ({8,5:0.0})  {9,5:0.0}..{10,5:0.0}  {11,4:0%}  {12,5:0.00} ({13,5:0.00})  {14,5:0.00} {15,5:0.00} {16,5:0.00}",
                LulcClasses.NameOf(s.Class), s.Pixels, s.Bands[0], s.Bands[2], s.Bands[6], s.Bands[8], s.Bands[9], s.Dh, Spectra.MeanDh[c], s.DhP10, s.DhP90, s.VoidShare,
                s.Ndvi, ScalarFeatures.NormalizedDifference(real[6], real[2]), s.Mndwi, s.Ndbi, s.Bsi));
        }
        return sb.ToString();
    }

    private static float Quantile(List<float> values, double q)
    {
        if (values.Count == 0) return float.NaN;
        var sorted = values.ToArray();
        Array.Sort(sorted);
        return sorted[(int)Math.Min(sorted.Length - 1, Math.Floor(q * sorted.Length))];
    }
}
