using System.CommandLine;
using System.Globalization;
using MiningLulc.Synthetic;
using Spectre.Console;

namespace MiningLulc.Cli.Commands;

internal static class SynthCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Folder to write the region into (files of an earlier generation there are replaced).", Required = true };
        var sites = new Option<int>("--sites") { Description = "Number of mining sites.", DefaultValueFactory = _ => 16 };
        var seed = new Option<int>("--seed") { Description = "Random seed: the same arguments give byte-identical files.", DefaultValueFactory = _ => 1 };
        var years = new Option<string?>("--years") { Description = "Range of DCM acquisition years, e.g. 2017-2022 (default: the preset's; 2019-2020 for sample, 2017-2022 for the others)." };
        var preset = new Option<string>("--preset")
        {
            Description = "Region character: " + string.Join("; ", SynthPreset.All.Values.Select(p => $"{p.Name} ({p.Description})")) + ".",
            DefaultValueFactory = _ => "sample",
        };
        var s2Crs = new Option<string?>("--s2-crs")
        {
            Description = "CRS of the Sentinel-2 composites: 'utm' (the region's UTM zone, 10 m) or '4326' (EPSG:4326 at Earth Engine's scale 10, 8.983e-5°, as the authors exported them). Default: the preset's.",
        };
        var measure = new Option<bool>("--measure")
        {
            Description = "After writing, measure how hard the region is: train the default classifier on 70 % of the sites with the 'spectral', 'published' and 'full' feature sets and print held-out accuracies and confusions, and the per-class medians beside the real samples'.",
        };
        var command = new Command("synth", "Write a synthetic region folder (docs/inputs.md) with reference labels.") { output, sites, seed, years, preset, s2Crs, measure };
        command.SetAction(r => CommandAction.Run(() => Run(r.GetValue(output)!, r.GetValue(sites), r.GetValue(seed), r.GetValue(years), r.GetValue(preset)!,
            r.GetValue(s2Crs), r.GetValue(measure))));
        return command;
    }

    private static ExitCode Run(string output, int sites, int seed, string? years, string preset, string? s2Crs, bool measure)
    {
        int? y0 = null, y1 = null;
        if (years is not null) (y0, y1) = ParseYears(years);
        var options = new SynthOptions { OutDirectory = output, Sites = sites, Seed = seed, YearMin = y0, YearMax = y1, Preset = preset, S2Crs = ParseCrs(s2Crs) };
        var summary = ConsoleUi.WithProgress(p => RegionGenerator.Generate(options, p));
        ConsoleUi.Facts($"synthetic region '{summary.Region}'", [
            ("folder", summary.Directory), ("sites", summary.Sites.ToString(CultureInfo.InvariantCulture)), ("composite years", string.Join(", ", summary.Years)),
            ("composite grid", summary.S2CrsName), ("dcm tiles", string.Join(", ", summary.DcmTiles)),
            ("label polygons", summary.LabelPolygons.ToString(CultureInfo.InvariantCulture)),
            ("class shares", string.Join(", ", summary.ClassShares.Select(kv => $"{kv.Key} {kv.Value:P0}"))),
            ("size", $"{summary.Bytes / 1048576.0:0.0} MB"),
        ]);
        AnsiConsole.MarkupLine("[grey]Synthetic data: classes, spectra and elevation change are generated, see docs/synthetic-data.md.[/]");
        if (measure)
        {
            AnsiConsole.WriteLine(RegionStatistics.Format(RegionStatistics.Compute(summary.Directory)));
            var results = ConsoleUi.WithProgress(p => DifficultyProbe.Measure(summary.Directory, DifficultyProbe.DefaultHoldout, p));
            AnsiConsole.WriteLine(DifficultyProbe.Format(results));
        }
        return ExitCode.Success;
    }

    internal static (int, int) ParseYears(string text)
    {
        var parts = text.Split('-', StringSplitOptions.TrimEntries);
        if (parts.Length is 1 or 2 && int.TryParse(parts[0], out var a) && int.TryParse(parts[^1], out var b)) return (a, b);
        throw new InvalidInputException($"--years must look like 2017-2022, got '{text}'");
    }

    internal static S2Crs? ParseCrs(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null => null,
        "utm" => S2Crs.Utm,
        "4326" or "epsg:4326" => S2Crs.Geographic,
        _ => throw new InvalidInputException($"--s2-crs must be 'utm' or '4326', got '{text}'"),
    };
}
