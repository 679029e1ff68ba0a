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
    /// <summary>Process only this shard's sites and leave the GeoPackages to a run without a shard (the merge).</summary>
    public Shard Shard { get; init; } = Shard.All;
    /// <summary>Also write each site's class raster (COG with the class palette) and a quicklook PNG under OUTDIR/rasters/.</summary>
    public bool WriteRasters { get; init; }
}

/// <summary>The outcome of a run: the files written and one report per site.</summary>
public sealed record RunResult(string Region, IReadOnlyList<string> Files, string? ZipFile, IReadOnlyList<SiteReport> Sites, int Features, string ManifestPath)
{
    /// <summary>Sites whose result was reused from an earlier run or shard.</summary>
    public int Reused { get; init; }

    public int Failed => Sites.Count(s => s.Outcome == SiteOutcome.Failed);
    public int Skipped => Sites.Count(s => s.Outcome == SiteOutcome.Skipped);
    public int Done => Sites.Count(s => s.Outcome == SiteOutcome.Done);
    /// <summary>Done sites that lie partly outside the composite's or the DCM's tiles.</summary>
    public int Partial => Sites.Count(s => s.Coverage?.Partial == true);
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
        Directory.CreateDirectory(request.OutDirectory);
        CatalogReport.Write(catalog, Path.Combine(request.OutDirectory, "catalog.json"));
        progress?.Report(new PipelineProgress("catalog", 1, 1));
        var owned = SiteOwnership.Compute(catalog.Entries.Select(e => e.Site).ToList());
        var mine = catalog.Ready.Where(e => request.Shard.Contains(e.Site.Id)).ToList();
        var store = new SiteResultStore(request.OutDirectory, SiteResultStore.FingerprintOf(request.Model, config));

        var reports = new ConcurrentBag<SiteReport>();
        foreach (var e in catalog.Entries.Where(e => e.Status == SiteStatus.Skipped && request.Shard.Contains(e.Site.Id)))
            reports.Add(new SiteReport(e.Site.Id, SiteOutcome.Skipped, e.Reason, e.Year, 0, 0));
        if (request.Shard.IsAll)
            foreach (var p in catalog.Problems) reports.Add(new SiteReport(p.Id ?? -p.Fid, SiteOutcome.Skipped, p.Reason, null, 0, 0));

        var regions = new ConcurrentDictionary<long, IReadOnlyList<ClassRegion>>();
        var todo = new List<CatalogEntry>();
        foreach (var entry in mine)
        {
            if (store.TryLoad(entry.Site.Id) is { } stored &&
                (!request.WriteRasters || File.Exists(SiteRasterWriter.ClassRasterPath(request.OutDirectory, catalog.Folder.Name, entry.Site.Id))))
            {
                regions[entry.Site.Id] = stored.Regions;
                reports.Add(stored.Report);
            }
            else todo.Add(entry);
        }
        var reused = mine.Count - todo.Count;
        var done = reused;
        progress?.Report(new PipelineProgress("classify", done, mine.Count));
        using var processors = new ThreadLocal<SiteProcessor>(() => new SiteProcessor(catalog.Folder, config, request.Model.FeatureSet), trackAllValues: true);
        try
        {
            Parallel.ForEach(todo, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, request.Workers), CancellationToken = cancel }, entry =>
            {
                try
                {
                    var site = processors.Value!.Process(request.Model, entry, owned[entry.Site.Id]);
                    var list = site.Regions;
                    if (request.WriteRasters) SiteRasterWriter.Write(request.OutDirectory, catalog.Folder.Name, entry.Site.Id, site.Classes, site.Grid);
                    var report = new SiteReport(entry.Site.Id, SiteOutcome.Done, null, entry.Year, list.Count, site.ClassifiedPixels) { Coverage = site.Coverage, Times = site.Times };
                    store.Save(report, list);
                    regions[entry.Site.Id] = list;
                    reports.Add(report);
                }
                catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
                {
                    reports.Add(new SiteReport(entry.Site.Id, SiteOutcome.Failed, e is MiningLulcException ? e.Message : $"{e.GetType().Name}: {e.Message}", entry.Year, 0, 0));
                }
                progress?.Report(new PipelineProgress("classify", Interlocked.Increment(ref done), mine.Count, entry.Site.Id));
            });
        }
        finally
        {
            foreach (var p in processors.Values) p.Dispose();
        }

        var region = catalog.Folder.Name;
        var siteReports = reports.OrderBy(r => r.SiteId).ToList();
        if (!request.Shard.IsAll)
        {
            // A shard leaves numbering and files to the merge, which needs every shard's sites.
            var shardManifest = WriteManifest(request, region, [], null, siteReports, 0, $"manifest-shard-{request.Shard.Index}-of-{request.Shard.Count}.json");
            return new RunResult(region, [], null, siteReports, regions.Values.Sum(r => r.Count), shardManifest) { Reused = reused };
        }

        var ordered = regions.OrderBy(kv => kv.Key).SelectMany(kv => kv.Value).ToList();
        var numbered = ordered.Select((r, i) => new GpkgTileWriter.NumberedRegion(i + 1, r)).ToList();
        progress?.Report(new PipelineProgress("write", 0, 1));
        var previous = PreviousFiles(request.OutDirectory);
        var files = GpkgTileWriter.Write(request.OutDirectory, region, numbered, config.Vectorize.MaxFeaturesPerFile);
        // Files an earlier run of this folder wrote and this one did not (fewer features now) would mislead readers.
        foreach (var stale in previous.Except(files.Select(Path.GetFileName), StringComparer.Ordinal))
            File.Delete(Path.Combine(request.OutDirectory, stale!));
        var zip = request.Zip && files.Count > 0 ? GpkgTileWriter.Zip(request.OutDirectory, region, files) : null;
        progress?.Report(new PipelineProgress("write", 1, 1));

        var manifest = WriteManifest(request, region, files, zip, siteReports, numbered.Count, "manifest.json");
        return new RunResult(region, files, zip, siteReports, numbered.Count, manifest) { Reused = reused };
    }

    /// <summary>The GeoPackages the previous run's manifest in this folder lists (only files this engine wrote).</summary>
    private static IReadOnlyList<string> PreviousFiles(string outDirectory)
    {
        var path = Path.Combine(outDirectory, "manifest.json");
        if (!File.Exists(path)) return [];
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            return doc.RootElement.TryGetProperty("files", out var files)
                ? files.EnumerateArray().Select(f => f.GetString()).Where(f => f is not null && f.EndsWith(".gpkg", StringComparison.Ordinal) && !f.Contains('/')).Select(f => f!).ToList()
                : [];
        }
        catch (JsonException) { return []; }
    }

    private static string WriteManifest(RunRequest request, string region, IReadOnlyList<string> files, string? zip, IReadOnlyList<SiteReport> sites, int features, string name)
    {
        var path = Path.Combine(request.OutDirectory, name);
        var manifest = new
        {
            Region = region,
            Shard = request.Shard.ToString(),
            Method = request.Model.Card.Method,
            Model = new { request.Model.Card.Trainer, request.Model.Card.FeatureSet, request.Model.Card.FeatureSetHash },
            Features = features,
            Files = files.Select(Path.GetFileName).ToList(),
            Zip = zip is null ? null : Path.GetFileName(zip),
            SitesDone = sites.Count(s => s.Outcome == SiteOutcome.Done),
            SitesFailed = sites.Count(s => s.Outcome == SiteOutcome.Failed),
            SitesSkipped = sites.Count(s => s.Outcome == SiteOutcome.Skipped),
            SitesPartial = sites.Count(s => s.Coverage?.Partial == true),
            Sites = sites,
        };
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(manifest, EngineConfig.Json));
        File.Move(path + ".tmp", path, overwrite: true);
        return path;
    }
}
