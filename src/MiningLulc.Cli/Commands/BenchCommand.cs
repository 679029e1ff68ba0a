using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using MiningLulc.Bench;

namespace MiningLulc.Cli.Commands;

internal static class BenchCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON object on stdout (docs/benchmarks.md)." };
        var runs = new Option<int?>("--runs") { Description = "Timed runs per figure (the median is reported). Default: 5; 1 with --scale." };
        var scale = new Option<bool>("--scale") { Description = "The scale benchmark instead: synthetic regions of increasing size, each classified by 'run' in a child process; wall time, pixels/s, peak RSS and s/site per size." };
        var sizes = new Option<string?>("--sizes") { Description = "With --scale: region sizes in sites, e.g. 250,1000,4000 (the default)." };
        var keep = new Option<string?>("--keep") { Description = "With --scale: keep the generated regions in this folder and reuse them in later invocations (generating thousands of sites takes minutes)." };
        var command = new Command("bench", "Performance figures: feature kernels, inference, the whole pipeline; or, with --scale, how run time and memory grow with the region.") { json, runs, scale, sizes, keep };
        command.SetAction(r => CommandAction.Run(() => r.GetValue(scale)
            ? RunScale(r.GetValue(json), r.GetValue(runs) ?? 1, r.GetValue(sizes), r.GetValue(keep))
            : Run(r.GetValue(json), r.GetValue(runs) ?? 5, r.GetValue(sizes) is null && r.GetValue(keep) is null)));
        return command;
    }

    private static ExitCode Run(bool json, int runs, bool noScaleOptions)
    {
        if (!noScaleOptions) throw new InvalidInputException("--sizes and --keep go with --scale");
        if (runs < 1) throw new InvalidInputException("--runs must be at least 1");
        var result = json ? PerformanceBench.Run(runs) : ConsoleUi.WithProgress(p => PerformanceBench.Run(runs, p));
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }));
            return ExitCode.Success;
        }
        ConsoleUi.Facts($"bench (median of {result.Runs} runs, {result.Cores} cores)", [
            ("features (Mpx/s, 1 thread)", $"{result.FeaturesMpxPerS:0.00}"),
            ("features scalar (Mpx/s, 1 thread)", $"{result.FeaturesScalarMpxPerS:0.00}"),
            ("classify (Mpx/s, 1 thread)", $"{result.ClassifyMpxPerS:0.00}"),
            ("classify, random forest (Mpx/s, 1 thread)", $"{result.ClassifyForestMpxPerS:0.00}"),
            ("smooth (Mpx/s, 1 thread)", $"{result.SmoothMpxPerS:0.00}"),
            ("pipeline (Mpx/s, all cores)", $"{result.PipelineMpxPerS:0.00}"),
            ("allocated per block, warm (KB)", $"{result.BlockAllocKb:0.0}"),
            ("peak RSS (MB)", $"{result.PeakRssMb:0}"),
        ]);
        foreach (var (k, v) in result.Notes) Console.WriteLine($"{k}: {v}");
        return ExitCode.Success;
    }

    private static ExitCode RunScale(bool json, int runs, string? sizes, string? keep)
    {
        if (runs < 1) throw new InvalidInputException("--runs must be at least 1");
        var options = new ScaleBenchOptions
        {
            Sizes = sizes is null ? ScaleBenchOptions.DefaultSizes : ScaleBench.ParseSizes(sizes),
            Runs = runs,
            KeepDirectory = keep,
            Cli = ScaleBench.Launcher(typeof(BenchCommand).Assembly.Location),
        };
        var result = json ? ScaleBench.Run(options) : ConsoleUi.WithProgress(p => ScaleBench.Run(options, p));
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions
            {
                WriteIndented = true,
                NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
                Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            }));
            return ExitCode.Success;
        }
        static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"[bold]bench --scale (median of {result.Runs} run(s) per size, {result.Cores} cores, --workers {result.Workers})[/]")
            .AddColumn("sites").AddColumn("wall s").AddColumn("Mpx/s").AddColumn("peak RSS MB").AddColumn("s/site").AddColumn("done/fail/skip").AddColumn("synth s").AddColumn("synth MB");
        foreach (var row in result.Scale)
            table.AddRow(row.Sites.ToString(CultureInfo.InvariantCulture), F(row.WallS, "0.0"), F(row.MpxPerS, "0.000"), F(row.PeakRssMb, "0"),
                F(row.SPerSite, "0.000"), $"{row.SitesDone}/{row.SitesFailed}/{row.SitesSkipped}",
                row.SynthS is { } s ? F(s, "0") : "kept", row.SynthPeakRssMb is { } m ? F(m, "0") : "kept");
        AnsiConsole.Write(table);
        ConsoleUi.Facts("growth, largest size over smallest", [
            ("time_linear (s/site ratio, 1 = linear)", F(result.TimeLinear, "0.00")),
            ("memory_flat (peak RSS ratio, 1 = flat)", F(result.MemoryFlat, "0.00")),
        ]);
        foreach (var (k, v) in result.Notes) Console.WriteLine($"{k}: {v}");
        return ExitCode.Success;
    }
}
