using System.Collections.Concurrent;
using System.Text.Json;
using MiningLulc.Catalog;
using MiningLulc.Vectorize;
using MiningLulc.Model;

namespace MiningLulc.Pipeline;

/// <summary>What to run: a region, a model, an output folder and how.</summary>
public sealed record RunRequest
{
    public required string RegionDirectory { get; init; }

    /// <summary>The model, already loaded (or give <see cref="ModelPath"/>).</summary>
    public ClassifierModel? Model { get; init; }

    /// <summary>
    /// The model file, loaded on another thread while the region is catalogued (both take a few
    /// tenths of a second before the first site can start). Used when <see cref="Model"/> is not given.
    /// </summary>
    public string? ModelPath { get; init; }

    public required string OutDirectory { get; init; }
    public required EngineConfig Config { get; init; }
    public bool Zip { get; init; }
    /// <summary>Parallel site workers (default: all cores).</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;
    /// <summary>Process only this shard's sites and leave the GeoPackages to a run without a shard (the merge).</summary>
    public Shard Shard { get; init; } = Shard.All;
    /// <summary>Also write each site's class raster (COG with the class palette) and a quicklook PNG under OUTDIR/rasters/.</summary>
    public bool WriteRasters { get; init; }
    /// <summary>
    /// Adds the <c>confidence</c> field to every polygon (the mean probability of its class over its
    /// pixels, calibrated as the model's card says), and with <see cref="WriteRasters"/> a confidence raster per site.
    /// </summary>
    public bool Confidence { get; init; }
}

/// <summary>The outcome of a run: the files written and one report per site.</summary>
public sealed record RunResult(string Region, IReadOnlyList<string> Files, string? ZipFile, IReadOnlyList<SiteReport> Sites, int Features, string ManifestPath)
{
    /// <summary>Sites whose result was reused from an earlier run or shard.</summary>
    public int Reused { get; init; }

    /// <summary>Seconds spent writing the GeoPackages (and the zip) from the stored site results; null for a shard.</summary>
    public double? WriteSeconds { get; init; }

    /// <summary>What the user should know about the run though nothing failed (also in the manifest): e.g. a model not predicting by its fast path.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    public int Failed => Sites.Count(s => s.Outcome == SiteOutcome.Failed);
    public int Skipped => Sites.Count(s => s.Outcome == SiteOutcome.Skipped);
    public int Done => Sites.Count(s => s.Outcome == SiteOutcome.Done);
    /// <summary>Done sites that lie partly outside the composite's or the DCM's tiles.</summary>
    public int Partial => Sites.Count(s => s.Coverage?.Partial == true);
}

/// <summary>
/// Classifies every site of a region and writes the published GeoPackages. Sites run in parallel,
/// each independent (a failing site is reported and the others go on); each finished site goes to
/// <c>OUTDIR/work/</c> at once (<see cref="SiteResultStore"/>), and the GeoPackages are written by
/// streaming those results back in <c>index_n</c> order (site id, then first pixel), one site at a
/// time, so memory is bounded by the block size and the largest site, never by the region.
/// </summary>
public static class RegionRunner
{
    public static RunResult Run(RunRequest request, IProgress<PipelineProgress>? progress = null, CancellationToken cancel = default)
    {
        var config = request.Config;
        if (request.Workers < 1) throw new InvalidInputException($"--workers must be at least 1, got {request.Workers}");
        config.Validate(); // whatever their source (file, preset, model card, code), settings meet the same rules
        var loading = request.Model is { } given ? Task.FromResult(given)
            : request.ModelPath is { } path ? Task.Run(() => LoadWithHash(path))
            : throw new ArgumentException("a run needs a model or a model file", nameof(request));
        progress?.Report(new PipelineProgress("catalog", 0, 1));
        RegionCatalog catalog;
        try { catalog = RegionCatalog.Build(request.RegionDirectory, config.Input); }
        catch { ObserveFailure(loading); throw; }
        // A model that cannot be loaded stops the run before the output folder is touched.
        var model = loading.GetAwaiter().GetResult();
        var region = catalog.Folder.Name;
        using var output = OutputFolder.Claim(request.OutDirectory, region, catalog.Folder.Directory, request.Shard);
        CatalogReport.Write(catalog, Path.Combine(request.OutDirectory, "catalog.json"));
        progress?.Report(new PipelineProgress("catalog", 1, 1));
        var owned = SiteOwnership.Compute(catalog.Entries.Select(e => e.Site).ToList());
        var mine = catalog.Ready.Where(e => request.Shard.Contains(e.Site.Id)).ToList();
        var store = new SiteResultStore(output.WorkDirectory);
        var keys = new ResumeKeys(catalog.Folder, model, config, request.Confidence);

        var reports = new ConcurrentBag<SiteReport>();
        foreach (var e in catalog.Entries.Where(e => e.Status == SiteStatus.Skipped && request.Shard.Contains(e.Site.Id)))
            reports.Add(new SiteReport(e.Site.Id, SiteOutcome.Skipped, e.Reason, e.Year, 0, 0));
        if (request.Shard.IsAll)
            foreach (var p in catalog.Problems) reports.Add(new SiteReport(p.Id ?? -p.Fid, SiteOutcome.Skipped, p.Reason, null, 0, 0));

        // Site id → the key its stored result carries; the polygons themselves stay on disk.
        var doneKeys = new ConcurrentDictionary<long, string>();
        var todo = new List<(CatalogEntry Entry, string Key)>();
        foreach (var entry in mine)
        {
            var key = keys.KeyOf(entry, owned[entry.Site.Id]);
            if (store.TryLoadReport(entry.Site.Id, key) is { } stored &&
                (!request.WriteRasters || File.Exists(SiteRasterWriter.ClassRasterPath(request.OutDirectory, region, entry.Site.Id))) &&
                (!request.WriteRasters || !request.Confidence || File.Exists(SiteRasterWriter.ConfidenceRasterPath(request.OutDirectory, region, entry.Site.Id))))
            {
                doneKeys[entry.Site.Id] = key;
                reports.Add(stored);
            }
            else todo.Add((entry, key));
        }
        var reused = mine.Count - todo.Count;
        // Neighbours one after the other, so raster blocks are decompressed once, not once per site.
        todo = SpatialOrder.Sort(todo, t => t.Entry.Site.Geometry.EnvelopeInternal);
        var tally = new BatchTally(mine.Count, reused);
        progress?.Report(tally.Progress(null));
        using var processors = new WorkerPool<SiteProcessor>(() => new SiteProcessor(catalog.Folder, config, model.FeatureSet));
        Parallel.ForEach(todo, new ParallelOptions { MaxDegreeOfParallelism = request.Workers, CancellationToken = cancel }, item =>
        {
            var (entry, key) = item;
            SiteReport report;
            try
            {
                SiteOutput site;
                using (var processor = processors.Rent()) site = processor.Value.Process(model, entry, owned[entry.Site.Id], request.Confidence);
                if (site.ClassifiedPixels == 0)
                {
                    // Nothing to classify is no result: a skip with its reason, never "done" with an empty map.
                    report = new SiteReport(entry.Site.Id, SiteOutcome.Skipped, NothingClassified(entry, site.Coverage), entry.Year, 0, 0) { Coverage = site.Coverage, Times = site.Times };
                    reports.Add(report);
                    progress?.Report(tally.Add(report));
                    return;
                }
                if (request.WriteRasters) SiteRasterWriter.Write(request.OutDirectory, region, entry.Site.Id, site.Classes, site.Grid);
                if (request.WriteRasters && site.Confidence is { } confidence) SiteRasterWriter.WriteConfidence(request.OutDirectory, region, entry.Site.Id, confidence, site.Grid);
                report = new SiteReport(entry.Site.Id, SiteOutcome.Done, null, entry.Year, site.Regions.Count, site.ClassifiedPixels) { Coverage = site.Coverage, Times = site.Times };
                store.Save(key, report, site.Regions);
                doneKeys[entry.Site.Id] = key;
            }
            // A result that cannot be written (disk full) is no fault of the site: it stops the run.
            catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException and not OutputWriteException)
            {
                report = new SiteReport(entry.Site.Id, SiteOutcome.Failed, e is MiningLulcException ? e.Message : $"{e.GetType().Name}: {e.Message}", entry.Year, 0, 0);
            }
            reports.Add(report);
            progress?.Report(tally.Add(report));
        });

        var siteReports = reports.OrderBy(r => r.SiteId).ToList();
        if (!request.Shard.IsAll)
        {
            // A shard leaves numbering and files to the merge, which needs every shard's sites.
            var shardManifest = WriteManifest(request, model, region, [], null, siteReports, 0, $"manifest-shard-{request.Shard.Index}-of-{request.Shard.Count}.json");
            return new RunResult(region, [], null, siteReports, siteReports.Sum(r => r.Features), shardManifest) { Reused = reused, Warnings = Warnings(model) };
        }

        var previous = PreviousFiles(request.OutDirectory, region);
        var writeClock = System.Diagnostics.Stopwatch.StartNew();
        var plan = FilePlan.Of(siteReports.Where(r => doneKeys.ContainsKey(r.SiteId)).Select(r => (r.SiteId, r.Features)), config.Vectorize.MaxFeaturesPerFile);
        progress?.Report(new PipelineProgress("write", 0, plan.Files));
        var files = new string[plan.Files];
        var written = 0;
        // Files hold fixed ranges of index_n, so each can be written on its own, in parallel; each
        // writer streams the stored results of the sites in its range, one site at a time.
        Parallel.For(1, plan.Files + 1, new ParallelOptions { MaxDegreeOfParallelism = request.Workers, CancellationToken = cancel }, file =>
        {
            files[file - 1] = GpkgTileWriter.WriteFile(request.OutDirectory, region, file, plan.Features(file, siteId =>
            {
                var stored = store.TryLoad(siteId, doneKeys[siteId])
                    ?? throw new MiningLulcException($"the stored result of site {siteId} disappeared or changed while the GeoPackages were written ({output.WorkDirectory}): is another run writing this folder?");
                return stored.Regions;
            }), config.Vectorize.MaxFeaturesPerFile, request.Confidence);
            progress?.Report(new PipelineProgress("write", Interlocked.Increment(ref written), plan.Files));
        });
        var features = plan.Total;
        // Each file opens coloured by class in QGIS, which applies a .qml of the same name beside it.
        foreach (var file in files) QgisStyle.WriteBeside(file);
        // Files an earlier run of this folder wrote and this one did not (fewer features now) would mislead readers.
        foreach (var stale in previous.Except(files.Select(Path.GetFileName), StringComparer.Ordinal))
        {
            File.Delete(Path.Combine(request.OutDirectory, stale!));
            File.Delete(Path.ChangeExtension(Path.Combine(request.OutDirectory, stale!), ".qml"));
        }
        var zip = request.Zip && files.Length > 0 ? GpkgTileWriter.Zip(request.OutDirectory, region, files) : null;

        var writeSeconds = Math.Round(writeClock.Elapsed.TotalSeconds, 3);
        var manifest = WriteManifest(request, model, region, files, zip, siteReports, features, "manifest.json", writeSeconds);
        return new RunResult(region, files, zip, siteReports, checked((int)features), manifest) { Reused = reused, WriteSeconds = writeSeconds, Warnings = Warnings(model) };
    }

    private static IReadOnlyList<string> Warnings(ClassifierModel model) => model.InferenceWarning is { } w ? [w] : [];

    private static string NothingClassified(CatalogEntry entry, Align.SiteCoverage coverage) =>
        coverage.WithReflectance == 0
            ? $"no valid reflectance in the {entry.Year} composite inside the site ({entry.S2Source}): every pixel is nodata"
            : $"no pixel of the site could be classified in the {entry.Year} composite ({entry.S2Source})";

    /// <summary>Counts of a batch in flight, for progress lines (thread-safe).</summary>
    private sealed class BatchTally(int total, int reused)
    {
        private readonly Lock gate = new();
        private readonly int reusedSites = reused;
        private int done = reused, failed, skipped;
        private long pixels;

        public PipelineProgress Add(SiteReport report)
        {
            lock (gate)
            {
                done++;
                if (report.Outcome == SiteOutcome.Failed) failed++;
                if (report.Outcome == SiteOutcome.Skipped) skipped++;
                pixels += report.ClassifiedPixels;
                return Progress(report.SiteId);
            }
        }

        public PipelineProgress Progress(long? siteId) =>
            new("classify", done, total, siteId) { Failed = failed, Skipped = skipped, Reused = reusedSites, Pixels = pixels };
    }

    /// <summary>
    /// This region's GeoPackages that the previous run's manifest in this folder lists: only names of
    /// the form <c>&lt;region&gt;_NNN.gpkg</c> directly in the folder (a manifest is never trusted to
    /// name anything else).
    /// </summary>
    private static IReadOnlyList<string> PreviousFiles(string outDirectory, string region)
    {
        var path = Path.Combine(outDirectory, "manifest.json");
        if (!File.Exists(path)) return [];
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            if (!doc.RootElement.TryGetProperty("files", out var files) || files.ValueKind != JsonValueKind.Array) return [];
            return files.EnumerateArray().Where(f => f.ValueKind == JsonValueKind.String).Select(f => f.GetString()!)
                .Where(f => PublishedSchema.IsFileOf(f, region)).ToList();
        }
        catch (JsonException) { return []; }
    }

    /// <summary>The model and its content hash (the resume keys need it; computing it re-serialises the model, so off the main thread too).</summary>
    private static ClassifierModel LoadWithHash(string path)
    {
        var model = ClassifierModel.Load(path);
        _ = model.ContentHash;
        return model;
    }

    /// <summary>Lets a background load that is no longer awaited fail quietly (the catalog's error is the one reported).</summary>
    private static void ObserveFailure(Task loading) => loading.ContinueWith(t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted);

    private static string WriteManifest(RunRequest request, ClassifierModel model, string region, IReadOnlyList<string> files, string? zip, IReadOnlyList<SiteReport> sites, long features, string name, double? writeSeconds = null)
    {
        var path = Path.Combine(request.OutDirectory, name);
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        var manifest = new
        {
            Region = region,
            Shard = request.Shard.ToString(),
            Engine = ResumeKeys.EngineBuild,
            Method = model.Card.Method,
            Model = new { model.Card.Trainer, model.Card.FeatureSet, model.Card.FeatureSetHash, model.ContentHash },
            // Which classifier predicted: the flat trees and their engine, or the reference and why.
            Inference = new { Path = model.InferencePath, Engine = model.InferenceEngine?.ToString(), Fallback = model.InferenceFallback },
            // Whether the GeoPackages carry the confidence field, and whether it is calibrated (and on what).
            Confidence = request.Confidence ? new { Calibration = model.Card.Calibration is { } cal ? $"temperature scaling, fitted on {cal.FittedOn}" : "none (raw scores)" } : null,
            Warnings = Warnings(model),
            Features = features,
            Files = files.Select(Path.GetFileName).ToList(),
            Zip = zip is null ? null : Path.GetFileName(zip),
            SitesDone = sites.Count(s => s.Outcome == SiteOutcome.Done),
            SitesFailed = sites.Count(s => s.Outcome == SiteOutcome.Failed),
            SitesSkipped = sites.Count(s => s.Outcome == SiteOutcome.Skipped),
            SitesPartial = sites.Count(s => s.Coverage?.Partial == true),
            // The process's peak resident memory so far (Linux VmHWM): what a scheduler must grant.
            PeakRssMb = Math.Round(self.PeakWorkingSet64 / 1048576.0, 1),
            // Where the time went: each stage summed over the sites processed here, and the GeoPackages.
            StageSeconds = sites.Select(s => s.Times).OfType<StageTimes>().Aggregate(new StageTimes(), (a, b) => a + b),
            WriteSeconds = writeSeconds,
            Sites = sites,
        };
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(manifest, EngineConfig.Json));
        return path;
    }
}
