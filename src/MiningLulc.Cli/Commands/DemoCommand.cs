using System.CommandLine;
using MiningLulc.Pipeline;
using Spectre.Console;
using MiningLulc.Plots;

namespace MiningLulc.Cli.Commands;

internal static class DemoCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Output folder.", DefaultValueFactory = _ => Path.Combine("out", "demo") };
        var region = new Option<string?>("--region") { Description = "A labelled region folder to use instead of data-sample/ (found beside the published CLI, or in the checkout)." };
        var config = CommonOptions.Config();
        var preset = CommonOptions.Preset();
        var set = CommonOptions.Set();
        var workers = CommonOptions.Workers();
        var command = new Command("demo", "The whole pipeline on data-sample/: train, classify every site, write the GeoPackages, assess, summarize.")
        {
            output, region, config, preset, set, workers,
        };
        command.SetAction(r => CommandAction.Run(() => Run(r.GetValue(output)!, r.GetValue(region) ?? Repository.DataSample(),
            CommonOptions.Load(r.GetValue(config), r.GetValue(preset), r.GetValue(set)), r.GetValue(workers))));
        return command;
    }

    private static ExitCode Run(string output, string region, EngineConfig config, int workers)
    {
        if (!Directory.Exists(region)) throw new InvalidInputException("the sample region is missing (regenerate it with: ./mining-lulc synth --out data-sample --preset sample)", region);
        AnsiConsole.MarkupLine($"[bold]MiningLulc demo[/] on [blue]{Markup.Escape(region)}[/] with the [blue]{Markup.Escape(config.Name)}[/] method: {Markup.Escape(config.Description)}");
        var result = ConsoleUi.WithProgress(p => DemoRunner.Run(new DemoRequest { RegionDirectory = region, OutDirectory = output, Config = config, Workers = workers, Plots = ReportPlots.Instance }, p));
        var card = result.Training.Model.Card;
        var summary = new Table().Border(TableBorder.Rounded).Title("[bold]summary[/]").AddColumn("").AddColumn("overall accuracy").AddColumn("kappa").AddColumn("macro F1").AddColumn("site clusters");
        summary.AddRow("all sites", ConsoleUi.F3(result.All.OverallAccuracy), ConsoleUi.F3(result.All.Kappa), ConsoleUi.F3(result.All.MacroF1), result.All.SiteClusters.ToString());
        if (result.HeldOut is { } h)
            summary.AddRow("[bold]held-out sites[/] (never trained on)", ConsoleUi.F3(h.OverallAccuracy), ConsoleUi.F3(h.Kappa), ConsoleUi.F3(h.MacroF1), h.SiteClusters.ToString());
        summary.Caption($"method {config.Name}: {card.Trainer}, {card.Features.Count} features ({card.FeatureSet}); {result.Training.TrainingSites.Count} training sites, {result.Training.HeldOutSites.Count} held out");
        AssessCommand.Render(result.HeldOut ?? result.All, result.HeldOut is null ? "per class, all sites" : "per class, held-out sites");
        AnsiConsole.Write(summary);
        ConsoleUi.Facts("outputs", [
            ("model", result.ModelPath),
            ("geopackages", $"{result.Run.Features} features in {result.Run.Files.Count} file(s) under {Path.GetDirectoryName(result.Run.ManifestPath)}"),
            ("zip", result.Run.ZipFile ?? "-"),
            ("assessment", Path.Combine(result.ReportDirectory, "report.md")),
            ("sites", $"{result.Run.Done} done, {result.Run.Failed} failed, {result.Run.Skipped} skipped"),
        ]);
        CommandAction.Warn(result.Training.Warnings.Concat(result.All.Warnings).Distinct());
        return CommandAction.ReportFailures(result.Run.Sites);
    }
}
