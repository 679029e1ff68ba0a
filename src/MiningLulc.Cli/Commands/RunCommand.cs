using System.CommandLine;
using MiningLulc.Pipeline;
using MiningLulc.Training;

namespace MiningLulc.Cli.Commands;

internal static class RunCommand
{
    public static Command Create()
    {
        var region = new Option<string>("--region") { Description = "The region folder to classify.", Required = true };
        var model = new Option<string>("--model") { Description = "A model written by 'train'.", Required = true };
        var output = new Option<string>("--out") { Description = "Folder for the GeoPackages and the manifest.", Required = true };
        var zip = new Option<bool>("--zip") { Description = "Also pack the GeoPackages into <region>.zip." };
        var workers = CommonOptions.Workers();
        var config = CommonOptions.Config();
        var preset = CommonOptions.Preset();
        var command = new Command("run", "Classify every site of a region and write GeoPackages in the published schema.") { region, model, output, zip, workers, config, preset };
        command.SetAction(r => CommandAction.Run(() => Run(r.GetValue(region)!, r.GetValue(model)!, r.GetValue(output)!, r.GetValue(zip), r.GetValue(workers),
            r.GetValue(config), r.GetValue(preset))));
        return command;
    }

    private static ExitCode Run(string region, string modelPath, string output, bool zip, int workers, string? configPath, string? preset)
    {
        var model = ClassifierModel.Load(modelPath);
        // The model's own settings are the default: a model trained with the published preset runs as published.
        var config = configPath is null && preset is null ? model.Card.Config : CommonOptions.Load(configPath, preset);
        var result = ConsoleUi.WithProgress(p => RegionRunner.Run(new RunRequest { RegionDirectory = region, Model = model, OutDirectory = output, Config = config, Zip = zip, Workers = workers }, p));
        ConsoleUi.Facts($"region '{result.Region}' ({config.Name} method)", [
            ("sites", $"{result.Done} done, {result.Failed} failed, {result.Skipped} skipped"),
            ("features", $"{result.Features} in {result.Files.Count} file(s)"),
        ]);
        foreach (var f in result.Files) CommandAction.Written("written", f);
        if (result.ZipFile is not null) CommandAction.Written("zip", result.ZipFile);
        CommandAction.Written("manifest", result.ManifestPath);
        foreach (var s in result.Sites.Where(s => s.Outcome == SiteOutcome.Skipped)) Console.Error.WriteLine($"site {s.SiteId} skipped: {s.Reason}");
        return CommandAction.ReportFailures(result.Sites);
    }
}
