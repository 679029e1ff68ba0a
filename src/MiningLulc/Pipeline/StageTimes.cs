using System.Diagnostics;
using System.Globalization;

namespace MiningLulc.Pipeline;

/// <summary>
/// Where one site's time went, in seconds of one worker's wall clock (Stopwatch), per stage of
/// <see cref="SiteProcessor.Process"/>: reading the composite and warping the DCM onto its grid
/// (with the site's plan: mask and coverage), the feature planes, classification (gathering rows
/// and the model), the majority filter, GDAL's polygonizer (with reading its polygons back), and
/// clipping to the site, reprojection to EPSG:4326 and geodesic areas. Writing the GeoPackages is
/// one step for the whole run and is not counted here. Written per site to the run manifest.
/// </summary>
public sealed record StageTimes
{
    public double ReadWarp { get; init; }
    public double Features { get; init; }
    public double Classify { get; init; }
    public double Smooth { get; init; }
    public double Polygonize { get; init; }
    public double ClipTransform { get; init; }

    /// <summary>The sum of the stages (rounded like them, to 0.1 ms).</summary>
    public double Total => Math.Round(ReadWarp + Features + Classify + Smooth + Polygonize + ClipTransform, 4);

    /// <summary>The stages with their labels, in pipeline order.</summary>
    public IEnumerable<(string Stage, double Seconds)> Stages()
    {
        yield return ("read/warp", ReadWarp);
        yield return ("features", Features);
        yield return ("classify", Classify);
        yield return ("smooth", Smooth);
        yield return ("polygonize", Polygonize);
        yield return ("clip/transform", ClipTransform);
    }

    public static StageTimes operator +(StageTimes a, StageTimes b) => new()
    {
        ReadWarp = a.ReadWarp + b.ReadWarp,
        Features = a.Features + b.Features,
        Classify = a.Classify + b.Classify,
        Smooth = a.Smooth + b.Smooth,
        Polygonize = a.Polygonize + b.Polygonize,
        ClipTransform = a.ClipTransform + b.ClipTransform,
    };

    /// <summary>
    /// One line summing the stage times of the sites processed in this run (sites reused from an
    /// earlier run have none), e.g. "time per stage (all workers, s): read/warp 12.1 (31%), ...";
    /// null when no site has times.
    /// </summary>
    public static string? Summary(IEnumerable<SiteReport> sites, double? writeSeconds = null)
    {
        var timed = sites.Select(s => s.Times).OfType<StageTimes>().ToList();
        if (timed.Count == 0) return null;
        var sum = timed.Aggregate(new StageTimes(), (a, b) => a + b);
        var total = sum.Total;
        var inv = CultureInfo.InvariantCulture;
        var parts = sum.Stages().Select(s =>
            $"{s.Stage} {s.Seconds.ToString("0.0", inv)} ({(total > 0 ? s.Seconds / total : 0).ToString("0%", inv)})");
        var write = writeSeconds is double w ? $"; then writing the GeoPackages {w.ToString("0.0", inv)} s" : "";
        return $"time per stage (all workers, s): {string.Join(", ", parts)}; total {total.ToString("0.0", inv)} over {timed.Count} site(s){write}";
    }
}

/// <summary>Accumulates <see cref="StageTimes"/> from Stopwatch timestamps (one per site and worker; not thread-safe).</summary>
public sealed class StageClock
{
    private long readWarp, features, classify, smooth, polygonize, clipTransform;
    private long mark = Stopwatch.GetTimestamp();

    /// <summary>Starts timing the next stage from now.</summary>
    public void Restart() => mark = Stopwatch.GetTimestamp();

    /// <summary>Charges the time since the last mark to a stage and starts the next from now.</summary>
    public void Lap(Stage stage)
    {
        var now = Stopwatch.GetTimestamp();
        Charge(stage, now - mark);
        mark = now;
    }

    private void Charge(Stage stage, long elapsed)
    {
        switch (stage)
        {
            case Stage.ReadWarp: readWarp += elapsed; break;
            case Stage.Features: features += elapsed; break;
            case Stage.Classify: classify += elapsed; break;
            case Stage.Smooth: smooth += elapsed; break;
            case Stage.Polygonize: polygonize += elapsed; break;
            case Stage.ClipTransform: clipTransform += elapsed; break;
        }
    }

    /// <summary>Charges a duration measured elsewhere (Stopwatch ticks) to a stage, leaving the mark alone.</summary>
    public void Add(Stage stage, long ticks) => Charge(stage, ticks);

    public StageTimes Result => new()
    {
        ReadWarp = Seconds(readWarp),
        Features = Seconds(features),
        Classify = Seconds(classify),
        Smooth = Seconds(smooth),
        Polygonize = Seconds(polygonize),
        ClipTransform = Seconds(clipTransform),
    };

    /// <summary>Rounded to 0.1 ms: finer is noise, and it keeps the manifest short.</summary>
    private static double Seconds(long ticks) => Math.Round((double)ticks / Stopwatch.Frequency, 4);

    public enum Stage { ReadWarp, Features, Classify, Smooth, Polygonize, ClipTransform }
}
