using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using MiningLulc.Synthetic;
using MiningLulc.Pipeline;

namespace MiningLulc.Bench;

/// <summary>What the scale benchmark runs: region sizes, repeats, where regions live, and how to start the CLI.</summary>
public sealed record ScaleBenchOptions
{
    public static readonly IReadOnlyList<int> DefaultSizes = [250, 1000, 4000];

    /// <summary>Region sizes in sites, run in ascending order.</summary>
    public IReadOnlyList<int> Sizes { get; init; } = DefaultSizes;
    /// <summary>Runs per size; the median is reported.</summary>
    public int Runs { get; init; } = 1;
    /// <summary>Keep generated regions here and reuse them in later invocations; null = a temporary folder, deleted at the end.</summary>
    public string? KeepDirectory { get; init; }
    public int Seed { get; init; } = 1;
    public string Preset { get; init; } = "sample";
    /// <summary>Sites of the small region the one model is trained on (its own seed, not one of the measured regions).</summary>
    public int TrainingSites { get; init; } = 8;
    /// <summary>Trees of that model: few, so that training stays short (it is not measured).</summary>
    public int Trees { get; init; } = 30;
    /// <summary>Site workers of each <c>run</c> (default: all cores).</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;
    /// <summary>How often the child's /proc status is read for its peak resident set.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(50);
    /// <summary>The CLI to start as a child process: its executable and the arguments before the command (see <see cref="ScaleBench.Launcher"/>).</summary>
    public required CliLauncher Cli { get; init; }
}

/// <summary>How to start the CLI: <c>dotnet mining-lulc.dll</c> or the app host alone.</summary>
public sealed record CliLauncher(string FileName, IReadOnlyList<string> Prefix);

/// <summary>One region size: the median of its runs.</summary>
public sealed record ScaleRow
{
    /// <summary>Sites in the region (the requested size).</summary>
    [JsonPropertyName("sites")] public int Sites { get; init; }
    /// <summary>Wall time of the whole <c>run</c> child process: start-up, catalog, every site, the merge and the GeoPackages.</summary>
    [JsonPropertyName("wall_s")] public double WallS { get; init; }
    /// <summary>Classified pixels (the manifest's sites[].classified_pixels) per second of wall time, in millions.</summary>
    [JsonPropertyName("mpx_per_s")] public double MpxPerS { get; init; }
    [JsonPropertyName("peak_rss_mb")] public double PeakRssMb { get; init; }
    /// <summary>Where the peak RSS came from: "manifest" (the run's own peak_rss_mb), "rusage" (the kernel's account of the ended child) or "proc" (VmHWM of the child, polled).</summary>
    [JsonPropertyName("peak_rss_source")] public string PeakRssSource { get; init; } = "proc";
    [JsonPropertyName("s_per_site")] public double SPerSite { get; init; }
    /// <summary>CPU seconds (user + system) of the run child: on a shared machine a steadier figure than wall time.</summary>
    [JsonPropertyName("cpu_s")] public double CpuS { get; init; }
    [JsonPropertyName("classified_pixels")] public long ClassifiedPixels { get; init; }
    [JsonPropertyName("sites_done")] public int SitesDone { get; init; }
    [JsonPropertyName("sites_failed")] public int SitesFailed { get; init; }
    [JsonPropertyName("sites_skipped")] public int SitesSkipped { get; init; }
    /// <summary>Seconds <c>synth</c> took to write the region in this invocation; null when a kept region was reused.</summary>
    [JsonPropertyName("synth_s")] public double? SynthS { get; init; }
    /// <summary>Peak RSS of that <c>synth</c> child; null when a kept region was reused.</summary>
    [JsonPropertyName("synth_peak_rss_mb")] public double? SynthPeakRssMb { get; init; }
    [JsonPropertyName("runs")] public int Runs { get; init; }
}

/// <summary>The scale figures: one row per size, and how time and memory grow from the smallest size to the largest.</summary>
public sealed record ScaleBenchResult
{
    [JsonPropertyName("scale")] public IReadOnlyList<ScaleRow> Scale { get; init; } = [];
    [JsonPropertyName("cores")] public int Cores { get; init; }
    [JsonPropertyName("workers")] public int Workers { get; init; }
    /// <summary>Seconds per site of the largest size over those of the smallest: 1 = time grows linearly with the sites, above 1 = faster than linearly.</summary>
    [JsonPropertyName("time_linear")] public double TimeLinear { get; init; }
    /// <summary>Peak RSS of the largest size over that of the smallest: 1 = memory flat in the number of sites.</summary>
    [JsonPropertyName("memory_flat")] public double MemoryFlat { get; init; }
    [JsonPropertyName("runs")] public int Runs { get; init; }
    [JsonPropertyName("preset")] public string Preset { get; init; } = "";
    [JsonPropertyName("seed")] public int Seed { get; init; }
    /// <summary>/proc/loadavg before and after: figures taken on a busy machine are slower than the engine is.</summary>
    [JsonPropertyName("load_average")] public string LoadAverage { get; init; } = "";
    [JsonPropertyName("notes")] public IReadOnlyDictionary<string, string> Notes { get; init; } = new Dictionary<string, string>();
}

/// <summary>What one child process did: exit code, wall time, peak resident set, CPU seconds (user + system; NaN when unknown), and the tail of its output.</summary>
public sealed record ChildRun(int ExitCode, double WallSeconds, double PeakRssMb, double CpuSeconds, string OutputTail)
{
    /// <summary>True when the peak came from the kernel's account of the ended child (getrusage), not from polling /proc.</summary>
    public bool PeakFromRusage { get; init; }
}

/// <summary>
/// The scale benchmark (issue 16 item 10): synthetic regions of increasing size, each classified by
/// the real <c>run</c> command in a child process with all cores, one model trained beforehand on a
/// small region (so training is not in the figures). Per size: wall time, classified pixels per
/// second, the child's peak RSS and seconds per site. Memory must not grow with the number of
/// sites (README.md, "Batch runs"), so <see cref="ScaleBenchResult.MemoryFlat"/> should stay near 1.
/// </summary>
public static partial class ScaleBench
{
    /// <summary>Starts the CLI at <paramref name="cliDll"/> with the running dotnet host (or the one on PATH).</summary>
    public static CliLauncher Launcher(string cliDll)
    {
        var self = Environment.ProcessPath;
        var host = self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self
            : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h
            : "dotnet";
        return new CliLauncher(host, [cliDll]);
    }

    /// <summary>Parses "250,1000,4000": positive, distinct sizes, returned in ascending order.</summary>
    public static IReadOnlyList<int> ParseSizes(string text)
    {
        var sizes = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
                throw new InvalidInputException($"--sizes must be positive site counts separated by commas (e.g. 250,1000,4000), got '{text}'");
            sizes.Add(n);
        }
        if (sizes.Count == 0) throw new InvalidInputException($"--sizes must name at least one size, got '{text}'");
        return sizes.Distinct().Order().ToList();
    }

    public static ScaleBenchResult Run(ScaleBenchOptions options, IProgress<PipelineProgress>? progress = null)
    {
        if (options.Runs < 1) throw new InvalidInputException("--runs must be at least 1");
        if (options.Sizes.Count == 0 || options.Sizes.Any(s => s < 1)) throw new InvalidInputException("the scale bench needs at least one size, each at least 1 site");
        var sizes = options.Sizes.Distinct().Order().ToList();
        var keep = options.KeepDirectory is not null;
        var root = Path.GetFullPath(options.KeepDirectory ?? Path.Combine(Path.GetTempPath(), $"mining-lulc-scale-{Environment.ProcessId}"));
        Directory.CreateDirectory(root);
        var work = Path.Combine(root, $"work-{Environment.ProcessId}");
        var loadBefore = LoadAverage();
        try
        {
            Directory.CreateDirectory(work);
            // The regions first (the slow part, reused with --keep), then the model, then the timed runs.
            var generated = new Dictionary<int, ChildRun?>();
            for (var k = 0; k < sizes.Count; k++)
            {
                progress?.Report(new PipelineProgress("regions", k, sizes.Count));
                generated[sizes[k]] = EnsureRegion(options, RegionFolder(root, options, sizes[k]), sizes[k], options.Seed);
            }
            progress?.Report(new PipelineProgress("regions", sizes.Count, sizes.Count));

            progress?.Report(new PipelineProgress("model", 0, 1));
            var trainingRegion = Path.Combine(work, "training-region");
            RegionGenerator.Generate(new SynthOptions { OutDirectory = trainingRegion, Sites = options.TrainingSites, Seed = options.Seed + 1000, Preset = options.Preset });
            var config = EngineConfig.Default with { Training = EngineConfig.Default.Training with { Trees = options.Trees } };
            var model = Path.Combine(work, "model.zip");
            TrainingRunner.Train(new TrainRequest { Regions = [trainingRegion], Config = config, Workers = options.Workers }).Model.Save(model);
            progress?.Report(new PipelineProgress("model", 1, 1));

            var rows = new List<ScaleRow>();
            var total = sizes.Count * options.Runs;
            var done = 0;
            foreach (var size in sizes)
            {
                var region = RegionFolder(root, options, size);
                var measured = new List<RunFigures>();
                for (var i = 0; i < options.Runs; i++)
                {
                    progress?.Report(new PipelineProgress("runs", done, total));
                    // A fresh output folder per run: a folder holding finished sites would be resumed, not recomputed.
                    var output = Path.Combine(work, $"out-{size}-{i}");
                    DeleteFolder(output);
                    measured.Add(TimedRun(options, region, model, output, size));
                    DeleteFolder(output);
                    progress?.Report(new PipelineProgress("runs", ++done, total));
                }
                var synth = generated[size];
                rows.Add(Row(size, measured, synth));
            }

            var first = rows[0];
            var last = rows[^1];
            return new ScaleBenchResult
            {
                Scale = rows,
                Cores = Environment.ProcessorCount,
                Workers = options.Workers,
                TimeLinear = first.SPerSite > 0 ? Math.Round(last.SPerSite / first.SPerSite, 3) : double.NaN,
                MemoryFlat = first.PeakRssMb > 0 ? Math.Round(last.PeakRssMb / first.PeakRssMb, 3) : double.NaN,
                Runs = options.Runs,
                Preset = options.Preset,
                Seed = options.Seed,
                LoadAverage = $"{loadBefore} before, {LoadAverage()} after",
                Notes = new Dictionary<string, string>
                {
                    ["regions"] = $"synthetic '{options.Preset}' regions, seed {options.Seed}" + (keep ? $", kept in {root}" : ", in a temporary folder"),
                    ["model"] = $"LightGBM, {options.Trees} trees, trained once on a {options.TrainingSites}-site region (seed {options.Seed + 1000}); training is not timed",
                    ["run"] = $"the 'run' command in a child process, --workers {options.Workers}, fresh output folder; wall time includes start-up, catalog, merge and GeoPackages",
                    ["peak_rss"] = "the run's own peak_rss_mb from manifest.json when it writes one, else the child's VmHWM polled every " +
                        $"{options.PollInterval.TotalMilliseconds:0} ms from /proc, or the kernel's maxrss of the ended child (getrusage) when that is higher",
                    ["cpu_s"] = "user + system CPU seconds of the run child (getrusage of the ended child)",
                    ["time_linear"] = "s/site of the largest size over s/site of the smallest (1 = linear; below 1 = fixed start-up costs amortized)",
                    ["memory_flat"] = "peak RSS of the largest size over that of the smallest (1 = flat, README.md, Batch runs)",
                },
            };
        }
        finally
        {
            DeleteFolder(work);
            if (!keep) DeleteFolder(root);
        }
    }

    /// <summary>A size's row: medians over its runs.</summary>
    private static ScaleRow Row(int size, IReadOnlyList<RunFigures> runs, ChildRun? synth)
    {
        var wall = Median(runs.Select(r => r.Wall));
        var cpu = Median(runs.Select(r => r.Cpu));
        var rss = Median(runs.Select(r => r.PeakRssMb));
        var pixels = runs[0].ClassifiedPixels;
        return new ScaleRow
        {
            Sites = size,
            WallS = Math.Round(wall, 3),
            MpxPerS = wall > 0 ? Math.Round(pixels / 1e6 / wall, 4) : 0,
            PeakRssMb = Math.Round(rss, 1),
            PeakRssSource = runs.All(r => r.RssSource == "manifest") ? "manifest" : runs.Any(r => r.RssSource == "rusage") ? "rusage" : "proc",
            SPerSite = Math.Round(wall / size, 5),
            CpuS = Math.Round(cpu, 2),
            ClassifiedPixels = pixels,
            SitesDone = runs[0].Done,
            SitesFailed = runs[0].Failed,
            SitesSkipped = runs[0].Skipped,
            SynthS = synth is null ? null : Math.Round(synth.WallSeconds, 3),
            SynthPeakRssMb = synth is null ? null : Math.Round(synth.PeakRssMb, 1),
            Runs = runs.Count,
        };
    }

    private sealed record RunFigures(double Wall, double Cpu, double PeakRssMb, string RssSource, long ClassifiedPixels, int Done, int Failed, int Skipped);

    private static RunFigures TimedRun(ScaleBenchOptions options, string region, string model, string output, int size)
    {
        var child = RunChild(options.Cli, ["run", "--region", region, "--model", model, "--out", output, "--workers", options.Workers.ToString(CultureInfo.InvariantCulture)], options.PollInterval);
        // 0 = every site done; 1 = some failed or were skipped (counted below); anything else is the run itself failing.
        if (child.ExitCode is not (0 or 1))
            throw new InvalidOperationException($"'run' on the {size}-site region exited with code {child.ExitCode}:\n{child.OutputTail}");
        var manifest = Path.Combine(output, "manifest.json");
        if (!File.Exists(manifest)) throw new InvalidOperationException($"'run' on the {size}-site region wrote no manifest.json:\n{child.OutputTail}");
        var m = ReadManifest(manifest);
        if (m.Done + m.Failed + m.Skipped != size)
            throw new InvalidOperationException($"the run's manifest accounts for {m.Done + m.Failed + m.Skipped} sites ({m.Done} done, {m.Failed} failed, {m.Skipped} skipped) of the region's {size}");
        return new RunFigures(child.WallSeconds, child.CpuSeconds, m.PeakRssMb ?? child.PeakRssMb, m.PeakRssMb is not null ? "manifest" : child.PeakFromRusage ? "rusage" : "proc",
            m.ClassifiedPixels, m.Done, m.Failed, m.Skipped);
    }

    /// <summary>The figures a run's manifest.json gives: classified pixels (sum of sites[].classified_pixels), outcomes, and its own peak_rss_mb if it writes one.</summary>
    public static (long ClassifiedPixels, int Done, int Failed, int Skipped, double? PeakRssMb) ReadManifest(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var root = doc.RootElement;
        long pixels = 0;
        int done = 0, failed = 0, skipped = 0;
        var hasSites = root.TryGetProperty("sites", out var sites) && sites.ValueKind == JsonValueKind.Array;
        if (hasSites)
        {
            foreach (var s in sites.EnumerateArray())
            {
                if (s.TryGetProperty("classified_pixels", out var px) && px.ValueKind == JsonValueKind.Number) pixels += px.GetInt64();
                switch (s.TryGetProperty("outcome", out var o) ? o.GetString() : null)
                {
                    case "done": done++; break;
                    case "failed": failed++; break;
                    case "skipped": skipped++; break;
                }
            }
        }
        // A manifest that no longer lists every site carries the totals itself.
        if (!hasSites || root.TryGetProperty("classified_pixels", out _))
        {
            pixels = Int(root, "classified_pixels") ?? pixels;
            done = (int)(Int(root, "sites_done") ?? done);
            failed = (int)(Int(root, "sites_failed") ?? failed);
            skipped = (int)(Int(root, "sites_skipped") ?? skipped);
        }
        double? rss = root.TryGetProperty("peak_rss_mb", out var r) && r.ValueKind == JsonValueKind.Number ? r.GetDouble() : null;
        return (pixels, done, failed, skipped, rss);

        static long? Int(JsonElement e, string key) => e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : null;
    }

    /// <summary>The folder of a size's region: under the kept (or temporary) folder, named by preset, size and seed.</summary>
    public static string RegionFolder(string root, ScaleBenchOptions options, int size) =>
        Path.Combine(root, $"{options.Preset}-{size}-seed{options.Seed}");

    /// <summary>
    /// Writes the region with <c>synth</c> in a child process (timed, its peak RSS polled) unless the folder already holds a
    /// complete one of the same size, seed and preset (region.json is written last); returns the synth run, or null when reused.
    /// </summary>
    private static ChildRun? EnsureRegion(ScaleBenchOptions options, string dir, int size, int seed)
    {
        if (IsComplete(dir, size, seed, options.Preset)) return null;
        DeleteFolder(dir); // an interrupted generation of the bench's own folder: synth writes only into an empty one
        var child = RunChild(options.Cli, ["synth", "--out", dir, "--sites", size.ToString(CultureInfo.InvariantCulture), "--seed", seed.ToString(CultureInfo.InvariantCulture),
            "--preset", options.Preset], options.PollInterval);
        if (child.ExitCode != 0 || !IsComplete(dir, size, seed, options.Preset))
            throw new InvalidOperationException($"'synth' of the {size}-site region exited with code {child.ExitCode}:\n{child.OutputTail}");
        return child;
    }

    private static bool IsComplete(string dir, int size, int seed, string preset)
    {
        var json = Path.Combine(dir, "region.json");
        if (!File.Exists(json) || !File.Exists(Path.Combine(dir, "sites.gpkg"))) return false;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(json));
            var r = doc.RootElement;
            return r.TryGetProperty("sites", out var s) && s.ValueKind == JsonValueKind.Number && s.GetInt32() == size &&
                   r.TryGetProperty("seed", out var sd) && sd.ValueKind == JsonValueKind.Number && sd.GetInt32() == seed &&
                   r.TryGetProperty("preset", out var p) && p.GetString() == preset;
        }
        catch (JsonException) { return false; }
    }

    /// <summary>
    /// Runs the CLI with <paramref name="args"/> and waits for it, reading the child's VmHWM (its peak resident set) from /proc every
    /// <paramref name="poll"/> while it runs; its output is drained (a full pipe would stall it) and the last lines kept for errors.
    /// Once it has ended, this process's getrusage(RUSAGE_CHILDREN) gives its CPU time (the growth of the children's sum) and, when
    /// it grew, its exact peak (the largest child's maxrss); children of other threads ending meanwhile would blur both.
    /// </summary>
    public static ChildRun RunChild(CliLauncher cli, IReadOnlyList<string> args, TimeSpan poll)
    {
        var psi = new ProcessStartInfo(cli.FileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in cli.Prefix) psi.ArgumentList.Add(a);
        foreach (var a in args) psi.ArgumentList.Add(a);
        var tail = new Queue<string>();
        var gate = new Lock();
        void Keep(string? line)
        {
            if (line is null) return;
            lock (gate)
            {
                tail.Enqueue(line);
                while (tail.Count > 40) tail.Dequeue();
            }
        }
        var before = ChildrenUsage();
        var clock = Stopwatch.StartNew();
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {cli.FileName}");
        p.OutputDataReceived += (_, e) => Keep(e.Data);
        p.ErrorDataReceived += (_, e) => Keep(e.Data);
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        var status = $"/proc/{p.Id}/status";
        long peakKb = 0;
        while (!p.WaitForExit(poll))
            peakKb = Math.Max(peakKb, VmHwmKb(status));
        var wall = clock.Elapsed.TotalSeconds;
        p.WaitForExit(); // the output is drained, and the child reaped
        string output;
        lock (gate) output = string.Join('\n', tail);
        var after = ChildrenUsage();
        var cpu = before is { } u0 && after is { } u1 ? u1.CpuSeconds - u0.CpuSeconds : double.NaN;
        var fromRusage = before is { } v0 && after is { } v1 && v1.MaxRssKb > v0.MaxRssKb && v1.MaxRssKb > peakKb;
        if (fromRusage) peakKb = after!.Value.MaxRssKb;
        return new ChildRun(p.ExitCode, wall, peakKb / 1024.0, cpu, output) { PeakFromRusage = fromRusage };
    }

    /// <summary>The ended, reaped children's CPU seconds (sum) and largest maxrss (kB), from getrusage(RUSAGE_CHILDREN); null off Linux.</summary>
    private static (double CpuSeconds, long MaxRssKb)? ChildrenUsage()
    {
        if (!OperatingSystem.IsLinux() || !Environment.Is64BitProcess) return null;
        try
        {
            if (GetRusage(-1 /* RUSAGE_CHILDREN */, out var u) != 0) return null;
            return (u.UtimeSec + u.UtimeUsec / 1e6 + u.StimeSec + u.StimeUsec / 1e6, u.MaxRss);
        }
        catch (DllNotFoundException) { return null; }
        catch (EntryPointNotFoundException) { return null; }
    }

    /// <summary>struct rusage of 64-bit Linux: two timevals, then 14 longs (maxrss first, in kB).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UtimeSec, UtimeUsec, StimeSec, StimeUsec;
        public long MaxRss, IxRss, IdRss, IsRss, MinFlt, MajFlt, NSwap, InBlock, OuBlock, MsgSnd, MsgRcv, NSignals, NvCsw, NivCsw;
    }

    [LibraryImport("libc", EntryPoint = "getrusage", SetLastError = true)]
    private static partial int GetRusage(int who, out RUsage usage);

    private static string LoadAverage()
    {
        try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "n/a"; }
        catch (UnauthorizedAccessException) { return "n/a"; }
    }

    /// <summary>VmHWM in kB from a /proc/PID/status file; 0 when unreadable (the process ended, or no /proc).</summary>
    internal static long VmHwmKb(string statusPath)
    {
        try
        {
            foreach (var line in File.ReadLines(statusPath))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.TryParse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var kb) ? kb : 0;
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return 0;
    }

    private static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    private static void DeleteFolder(string dir)
    {
        try { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
