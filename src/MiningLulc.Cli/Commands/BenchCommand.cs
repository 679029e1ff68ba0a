using System.CommandLine;
using System.Text.Json;
using MiningLulc.Pipeline;

namespace MiningLulc.Cli.Commands;

internal static class BenchCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON object on stdout (CONTRACT.md section 6)." };
        var runs = new Option<int>("--runs") { Description = "Timed runs per figure (the median is reported).", DefaultValueFactory = _ => 5 };
        var command = new Command("bench", "Performance figures: feature kernels, inference, the whole pipeline.") { json, runs };
        command.SetAction(r => CommandAction.Run(() => Run(r.GetValue(json), r.GetValue(runs))));
        return command;
    }

    private static ExitCode Run(bool json, int runs)
    {
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
            ("smooth (Mpx/s, 1 thread)", $"{result.SmoothMpxPerS:0.00}"),
            ("pipeline (Mpx/s, all cores)", $"{result.PipelineMpxPerS:0.00}"),
            ("peak RSS (MB)", $"{result.PeakRssMb:0}"),
        ]);
        foreach (var (k, v) in result.Notes) Console.WriteLine($"{k}: {v}");
        return ExitCode.Success;
    }
}
