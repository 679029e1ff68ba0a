using System.CommandLine;
using MiningLulc.Synthetic;
using Spectre.Console;

namespace MiningLulc.Cli.Commands;

internal static class SynthCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Folder to write the region into.", Required = true };
        var sites = new Option<int>("--sites") { Description = "Number of mining sites.", DefaultValueFactory = _ => 16 };
        var seed = new Option<int>("--seed") { Description = "Random seed: the same arguments give byte-identical files.", DefaultValueFactory = _ => 1 };
        var years = new Option<string>("--years") { Description = "Range of DCM acquisition years, e.g. 2017-2022.", DefaultValueFactory = _ => "2019-2020" };
        var preset = new Option<string>("--preset") { Description = $"Region character: {string.Join(", ", SynthPreset.All.Keys)}.", DefaultValueFactory = _ => "sample" };
        var command = new Command("synth", "Write a synthetic region folder (CONTRACT.md section 3) with reference labels.") { output, sites, seed, years, preset };
        command.SetAction(r => CommandAction.Run(() => Run(r.GetValue(output)!, r.GetValue(sites), r.GetValue(seed), r.GetValue(years)!, r.GetValue(preset)!)));
        return command;
    }

    private static ExitCode Run(string output, int sites, int seed, string years, string preset)
    {
        var (y0, y1) = ParseYears(years);
        var summary = ConsoleUi.WithProgress(p => RegionGenerator.Generate(new SynthOptions { OutDirectory = output, Sites = sites, Seed = seed, YearMin = y0, YearMax = y1, Preset = preset }, p));
        ConsoleUi.Facts($"synthetic region '{summary.Region}'", [
            ("folder", summary.Directory), ("sites", summary.Sites.ToString()), ("composite years", string.Join(", ", summary.Years)),
            ("dcm tiles", string.Join(", ", summary.DcmTiles)), ("label polygons", summary.LabelPolygons.ToString()),
            ("size", $"{summary.Bytes / 1048576.0:0.0} MB"),
        ]);
        AnsiConsole.MarkupLine("[grey]Synthetic data: classes, spectra and elevation change are generated, see docs/synthetic-data.md.[/]");
        return ExitCode.Success;
    }

    internal static (int, int) ParseYears(string text)
    {
        var parts = text.Split('-', StringSplitOptions.TrimEntries);
        if (parts.Length is 1 or 2 && int.TryParse(parts[0], out var a) && int.TryParse(parts[^1], out var b)) return (a, b);
        throw new InvalidInputException($"--years must look like 2017-2022, got '{text}'");
    }
}
