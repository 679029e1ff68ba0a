using Spectre.Console;
using System.CommandLine;
using MiningLulc.Assessment;
using MiningLulc.Model;
using MiningLulc.Plots;

namespace MiningLulc.Cli.Commands;

internal static class AssessCommand
{
    public static Command Create()
    {
        var pred = new Option<string>("--pred") { Description = "Predictions: a folder, .zip or .gpkg in the published schema.", Required = true };
        var reference = new Option<string>("--ref") { Description = "Reference labels: a folder, .zip or .gpkg in the published schema.", Required = true };
        var output = new Option<string>("--out") { Description = "Folder for report.json, report.md and the plots.", Required = true };
        var method = new Option<string>("--method")
        {
            Description = "'raster': count cells of both label sets rasterized on a fine equal-area grid (fast, within 0.002 of the overlay); 'overlay': exact polygon overlay (slow).",
            DefaultValueFactory = _ => "raster",
        };
        method.AcceptOnlyFromAmong("raster", "overlay");
        var cellSize = new Option<double>("--cell-size")
        {
            Description = $"Grid cell side in metres for --method raster (default {AssessOptions.DefaultCellSizeM} m).",
            DefaultValueFactory = _ => AssessOptions.DefaultCellSizeM,
        };
        cellSize.Validators.Add(r => { if (r.GetValue(cellSize) is not (> 0 and <= 1000)) r.AddError("--cell-size must be a number of metres in (0, 1000]."); });
        var workers = new Option<int>("--workers")
        {
            Description = $"Windows counted in parallel (default: all {Environment.ProcessorCount} cores).",
            DefaultValueFactory = _ => Environment.ProcessorCount,
        };
        workers.Validators.Add(r => { if (r.GetValue(workers) < 1) r.AddError("--workers must be at least 1."); });
        var sample = new Option<bool>("--reference-sample")
        {
            Description = "The reference is a random sample of the map (points or small plots, each feature one unit, drawn at random within each map class or over the map): "
                + "Olofsson et al. (2014) stratified estimates with analytic standard errors, instead of the area-by-area comparison of labels that cover their sites wholly.",
        };
        var holdoutOf = new Option<string?>("--holdout-of") { Description = "Compare only on the sites this model (MODEL.zip, trained with --holdout) held out: the map's accuracy on sites it never saw." };
        var region = new Option<string?>("--region") { Description = "With --holdout-of: the region folder whose sites.gpkg holds those sites (default: the folder above --ref that has one)." };
        var command = new Command("assess", "Accuracy of predictions against reference labels, area by area.") { pred, reference, output, method, cellSize, workers, sample, holdoutOf, region };
        // A sample is read unit by unit: the options of the area-by-area comparison would be ignored, so they are refused.
        command.Validators.Add(r =>
        {
            if (r.GetValue(sample) && (r.GetResult(method) is { Implicit: false } || r.GetResult(cellSize) is { Implicit: false }))
                r.AddError("--method and --cell-size choose how labels are compared area by area; a sample (--reference-sample) is read unit by unit: leave them out.");
        });
        command.SetAction(r => CommandAction.Run(() => Run(r.GetValue(pred)!, r.GetValue(reference)!, r.GetValue(output)!, new AssessOptions
        {
            Method = r.GetValue(method) == "overlay" ? AssessmentMethod.Overlay : AssessmentMethod.Raster,
            CellSizeM = r.GetValue(cellSize),
            Workers = r.GetValue(workers),
            Reference = r.GetValue(sample) ? ReferenceDesign.Sample : ReferenceDesign.Census,
        }, r.GetValue(holdoutOf), r.GetValue(region))));
        return command;
    }

    private static ExitCode Run(string pred, string reference, string output, AssessOptions options, string? holdoutOf, string? region)
    {
        NetTopologySuite.Geometries.Geometry? area = null;
        var title = $"Accuracy of {Path.GetFileName(Path.TrimEndingDirectorySeparator(pred))}";
        if (holdoutOf is not null)
        {
            var card = ClassifierModel.ReadCard(holdoutOf);
            var regionDir = region ?? Pipeline.HeldOutArea.RegionOf(reference, card.Config.Input)
                ?? throw new InvalidInputException("no region folder (with its sites file) above the reference labels: give --region DIR", reference);
            area = Pipeline.HeldOutArea.Of(card, holdoutOf, regionDir, card.Config.Input);
            title += $": sites held out by {Path.GetFileName(holdoutOf)} only";
        }
        else if (region is not null) throw new InvalidInputException("--region is only for --holdout-of");
        var report = ReportWriter.AssessFiles(pred, reference, output, area, title, options: options, plots: ReportPlots.Instance);
        Render(report, "accuracy");
        CommandAction.Written("report", Path.Combine(Path.GetFullPath(output), "report.md"));
        CommandAction.Warn(report.Warnings);
        return ExitCode.Success;
    }

    internal static void Render(AccuracyReport report, string title)
    {
        var sample = report.SampleUnits is not null;
        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]{title}[/]")
            .AddColumn("class").AddColumn("producer's").AddColumn("user's").AddColumn("F1").AddColumn(sample ? "sample units" : "reference km²").AddColumn("mapped km²");
        foreach (var (name, c) in report.PerClass)
            table.AddRow(name, ConsoleUi.F3(c.ProducersAccuracy), ConsoleUi.F3(c.UsersAccuracy), ConsoleUi.F3(c.F1),
                sample ? $"{c.SampleUnits}" : ConsoleUi.F3(c.ReferenceAreaM2 / 1e6), ConsoleUi.F3(c.MappedAreaM2 / 1e6));
        var how = report.SampleUnits is int units ? $"sample of {units} units" : $"{report.MethodName}{(report.CellSizeM is double cs ? $" ({ConsoleUi.F3(cs)} m cells)" : "")}";
        table.Caption($"{how}: overall accuracy {ConsoleUi.F3(report.OverallAccuracy)} ± {ConsoleUi.F3(report.OverallAccuracyCi95)}   kappa {ConsoleUi.F3(report.Kappa)}   macro F1 {ConsoleUi.F3(report.MacroF1)}   compared {ConsoleUi.F3(report.ComparedAreaM2 / 1e6)} km²");
        Spectre.Console.AnsiConsole.Write(table);
    }
}
