using System.Collections.Concurrent;
using System.Text.Json;
using MiningLulc.Catalog;
using MiningLulc.Training;
using MiningLulc.Vectorize;

namespace MiningLulc.Pipeline;

/// <summary>What to run: a region, a model, an output folder and how.</summary>
public sealed record RunRequest
{
    public required string RegionDirectory { get; init; }
    public required ClassifierModel Model { get; init; }
    public required string OutDirectory { get; init; }
    public required EngineConfig Config { get; init; }
    public bool Zip { get; init; }
    /// <summary>Parallel site workers (default: all cores).</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;
}

/// <summary>The outcome of a run: the files written and one report per site.</summary>
public sealed record RunResult(string Region, IReadOnlyList<string> Files, string? ZipFile, IReadOnlyList<SiteReport> Sites, int Features, string ManifestPath)
{
    public int Failed => Sites.Count(s => s.Outcome == SiteOutcome.Failed);
    public int Skipped => Sites.Count(s => s.Outcome == SiteOutcome.Skipped);
    public int Done => Sites.Count(s => s.Outcome == SiteOutcome.Done);
}

/// <summary>
/// Classifies every site of a region and writes the published GeoPackages: sites run in parallel,
/// each independent (a failing site is reported and the others go on), then features are ordered by
/// site id and first pixel, numbered 1..N (index_n) and written 5,000 per file.
/// </summary>
public static class RegionRunner
{
    public static RunResult Run(RunRequest request, IProgress<PipelineProgress>? progress = null, CancellationToken cancel = default)
    {
        var config = request.Config;
        progress?.Report(new PipelineProgress("catalog", 0, 1));
        var catalog = RegionCatalog.Build(request.RegionDirectory, config.Input);
        var owned = SiteOwnership.Compute(catalog.Entries.Select(e => e.Site).ToList());
        var ready = catalog.Ready.ToList();

        var reports = new ConcurrentBag<SiteReport>();
        foreach (var e in catalog.Entries.Where(e => e.Status == SiteStatus.Skipped))
            reports.Add(new SiteReport(e.Site.Id, SiteOutcome.Skipped, e.Reason, e.Year, 0, 0));
        foreach (var p in catalog.Problems)
            reports.Add(new SiteReport(p.Id ?? -p.Fid, SiteOutcome.Skipped, p.Reason, null, 0, 0));

        var regions = new ConcurrentDictionary<long, IReadOnlyList<ClassRegion>>();
        var done = 0;
        progress?.Report(new PipelineProgress("classify", 0, ready.Count));
        using var processors = new ThreadLocal<SiteProcessor>(() => new SiteProcessor(catalog.Folder, config, request.Model.FeatureSet), trackAllValues: true);
        try
        {
            Parallel.ForEach(ready, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, request.Workers), CancellationToken = cancel }, entry =>
            {
                try
                {
                    var (list, classified) = processors.Value!.Process(request.Model, entry, owned[entry.Site.Id]);
                    regions[entry.Site.Id] = list;
                    reports.Add(new SiteReport(entry.Site.Id, SiteOutcome.Done, null, entry.Year, list.Count, classified));
                }
                catch (Exception e) when (e is MiningLulcException or IOException or InvalidOperationException or ArgumentException)
                {
                    reports.Add(new SiteReport(entry.Site.Id, SiteOutcome.Failed, e.Message, entry.Year, 0, 0));
                }
                progress?.Report(new PipelineProgress("classify", Interlocked.Increment(ref done), ready.Count, entry.Site.Id));
            });
        }
        finally
        {
            foreach (var p in processors.Values) p.Dispose();
        }

        var ordered = regions.OrderBy(kv => kv.Key).SelectMany(kv => kv.Value).ToList();
        var numbered = ordered.Select((r, i) => new GpkgTileWriter.NumberedRegion(i + 1, r)).ToList();
        progress?.Report(new PipelineProgress("write", 0, 1));
        var region = catalog.Folder.Name;
        var files = GpkgTileWriter.Write(request.OutDirectory, region, numbered, config.Vectorize.MaxFeaturesPerFile);
        var zip = request.Zip && files.Count > 0 ? GpkgTileWriter.Zip(request.OutDirectory, region, files) : null;
        progress?.Report(new PipelineProgress("write", 1, 1));

        var siteReports = reports.OrderBy(r => r.SiteId).ToList();
        var manifest = WriteManifest(request, region, files, zip, siteReports, numbered.Count);
        return new RunResult(region, files, zip, siteReports, numbered.Count, manifest);
    }

    private static string WriteManifest(RunRequest request, string region, IReadOnlyList<string> files, string? zip, IReadOnlyList<SiteReport> sites, int features)
    {
        var path = Path.Combine(request.OutDirectory, "manifest.json");
        var manifest = new
        {
            Region = region,
            Method = request.Model.Card.Method,
            Model = new { request.Model.Card.Trainer, request.Model.Card.FeatureSet, request.Model.Card.FeatureSetHash },
            Features = features,
            Files = files.Select(Path.GetFileName).ToList(),
            Zip = zip is null ? null : Path.GetFileName(zip),
            SitesDone = sites.Count(s => s.Outcome == SiteOutcome.Done),
            SitesFailed = sites.Count(s => s.Outcome == SiteOutcome.Failed),
            SitesSkipped = sites.Count(s => s.Outcome == SiteOutcome.Skipped),
            Sites = sites,
        };
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(manifest, EngineConfig.Json));
        File.Move(path + ".tmp", path, overwrite: true);
        return path;
    }
}
