using System.Globalization;
using System.Text;
using MiningLulc.Assessment;
using MiningLulc.Pipeline;
using NetTopologySuite.Index.Strtree;
using MiningLulc.Model;

namespace MiningLulc.Synthetic;

/// <summary>
/// How one feature set fares on a labelled region's held-out sites: the sampled figure that
/// <see cref="TrainingRunner"/> records in the model card (up to N pixels per class and site, so
/// classes weigh about equally), and the figure over every labelled pixel of the held-out sites
/// (classes weigh by their area), with that confusion matrix (pixel counts; rows = reference).
/// </summary>
public sealed record DifficultyResult(string FeatureSet, int HeldOutSites, int SampledPixels, double SampledOverallAccuracy, double SampledKappa,
    long Pixels, double PixelOverallAccuracy, double PixelKappa, ConfusionMatrix Confusion);

/// <summary>
/// Measures how hard a region is for the project's default classifier: trains it (TrainingRunner,
/// holdout by site) once per feature set — "spectral" (no elevation change), "published" (the
/// authors' 15 features) and "full" (the default) — and scores each on the same held-out sites.
/// The DCM matters when "spectral" is clearly below the other two. Slow-ish: three trainings.
/// </summary>
public static class DifficultyProbe
{
    public const double DefaultHoldout = 0.3;
    public static readonly IReadOnlyList<string> FeatureSets = ["spectral", "published", "full"];

    public static IReadOnlyList<DifficultyResult> Measure(string region, double holdout, IProgress<PipelineProgress>? progress = null,
        IReadOnlyList<string>? sets = null, EngineConfig? baseConfig = null, int workers = 0)
    {
        var results = new List<DifficultyResult>();
        foreach (var name in sets ?? FeatureSets)
        {
            var config = (baseConfig ?? EngineConfig.Default) with { Features = new FeatureSettings { Set = name } };
            var trained = TrainingRunner.Train(new TrainRequest
            {
                Regions = [region],
                Config = config,
                Holdout = holdout,
                Workers = workers > 0 ? workers : Environment.ProcessorCount,
            }, progress);
            var card = trained.Model.Card.Holdout;
            var confusion = ScoreHeldOut(region, config, trained);
            results.Add(new DifficultyResult(name, trained.HeldOutSites.Count, card?.Pixels ?? 0, card?.OverallAccuracy ?? double.NaN, card?.Kappa ?? double.NaN,
                (long)confusion.Total, confusion.OverallAccuracy, confusion.Kappa, confusion));
        }
        return results;
    }

    /// <summary>Every classifiable, labelled pixel of the held-out sites (labels burnt by pixel centre, as for training).</summary>
    private static ConfusionMatrix ScoreHeldOut(string region, EngineConfig config, TrainResult trained)
    {
        var cm = new ConfusionMatrix();
        var held = trained.HeldOutSites.ToHashSet();
        if (held.Count == 0) return cm;
        foreach (var labelled in LabelledPixels.Sites(region, config, FeatureSet.ByName(config.Features.Set), e => held.Contains(e.Site.Id)))
        {
            var pixels = labelled.LabelledClassifiablePixels().ToList();
            if (pixels.Count == 0) continue;
            var rows = labelled.Extractor.Gather(labelled.Planes, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(pixels));
            var predicted = new byte[pixels.Count];
            trained.Model.Predict(rows, pixels.Count, predicted);
            for (var k = 0; k < pixels.Count; k++) cm.Add(labelled.Reference[pixels[k]], predicted[k], 1);
        }
        return cm;
    }

    /// <summary>A plain-text report: one line per feature set, then each set's confusion matrix in percent of the reference row.</summary>
    public static string Format(IReadOnlyList<DifficultyResult> results)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        if (results.All(r => r.HeldOutSites == 0))
            return "No site was held out (the hash-based holdout picked none of so few sites): measure with more --sites (30 or more).\n";
        sb.AppendLine("Held-out sites (default classifier, holdout by site):");
        sb.AppendLine("  feature set   sites  sampled OA  kappa   all-pixel OA  kappa   pixels");
        foreach (var r in results)
            sb.AppendLine(string.Format(inv, "  {0,-12} {1,6}  {2,10:0.000}  {3,5:0.000}   {4,12:0.000}  {5,5:0.000}  {6,7}",
                r.FeatureSet, r.HeldOutSites, r.SampledOverallAccuracy, r.SampledKappa, r.PixelOverallAccuracy, r.PixelKappa, r.Pixels));
        string[] abbrev = ["pit", "dump", "dist", "water", "facil", "bare", "veg"];
        foreach (var r in results)
        {
            sb.AppendLine();
            sb.AppendLine($"Confusion, {r.FeatureSet} (all pixels of held-out sites; % of each reference row; rows = reference):");
            sb.AppendLine("           " + string.Concat(abbrev.Select(a => a.PadLeft(7))) + "   share");
            for (var i = 0; i < ConfusionMatrix.K; i++)
            {
                var total = r.Confusion.ReferenceTotal(i);
                sb.Append(abbrev[i].PadRight(11));
                for (var j = 0; j < ConfusionMatrix.K; j++)
                    sb.Append((total > 0 ? (100 * r.Confusion[i, j] / total).ToString("0.0", inv) : "-").PadLeft(7));
                sb.AppendLine((r.Confusion.Total > 0 ? (100 * total / r.Confusion.Total).ToString("0.0", inv) + " %" : "-").PadLeft(8));
            }
        }
        return sb.ToString();
    }
}
