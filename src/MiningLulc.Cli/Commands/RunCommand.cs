using System.CommandLine;
using MiningLulc.Pipeline;
using MiningLulc.Vectorize;
using MiningLulc.Model;

namespace MiningLulc.Cli.Commands;

internal static class RunCommand
{
    public static Command Create()
    {
        var region = new Option<string>("--region") { Description = "The region folder to classify.", Required = true };
        var model = new Option<string>("--model") { Description = "A model written by 'train'.", Required = true };
        var output = new Option<string>("--out") { Description = "Folder for the GeoPackages and the manifest.", Required = true };
        var zip = new Option<bool>("--zip") { Description = "Also pack the GeoPackages into <region>.zip." };
        var rasters = new Option<bool>("--rasters") { Description = "Also write each site's class raster (Cloud-Optimized GeoTIFF with the class colours) and a quicklook PNG under OUTDIR/rasters/." };
        var confidence = new Option<bool>("--confidence") { Description = "Add a 'confidence' field (after the published fields): the mean probability of the polygon's class over its pixels, calibrated as the model's card says; with --rasters, also a confidence raster per site." };
        var shard = new Option<string?>("--shard") { Description = "I/N: process only the I-th of N deterministic parts of the sites (for job arrays); a final run without --shard on the same OUTDIR merges them." };
        var workers = CommonOptions.Workers();
        var config = CommonOptions.Config();
        var preset = CommonOptions.Preset();
        var set = CommonOptions.Set();
        var command = new Command("run", "Classify every site of a region and write GeoPackages in the published schema.") { region, model, output, zip, rasters, confidence, shard, workers, config, preset, set };
        command.SetAction(r => CommandAction.Run(() => Run(r.GetValue(region)!, r.GetValue(model)!, r.GetValue(output)!, r.GetValue(zip), r.GetValue(rasters), r.GetValue(confidence), r.GetValue(shard), r.GetValue(workers),
            r.GetValue(config), r.GetValue(preset), r.GetValue(set) ?? [])));
        return command;
    }

    private static ExitCode Run(string region, string modelPath, string output, bool zip, bool rasters, bool confidence, string? shardText, int workers, string? configPath, string? preset, string[] set)
    {
        var shard = shardText is null ? Shard.All : Shard.Parse(shardText);
        // The model's own settings are the default: a model trained with the published preset runs as published.
        var config = (configPath is null && preset is null ? ClassifierModel.ReadCard(modelPath).Config : CommonOptions.Load(configPath, preset)).With(set);
        var result = ConsoleUi.WithProgress(p => RegionRunner.Run(new RunRequest { RegionDirectory = region, ModelPath = modelPath, OutDirectory = output, Config = config, Zip = zip, WriteRasters = rasters, Confidence = confidence, Workers = workers, Shard = shard }, p));
        ConsoleUi.Facts($"region '{result.Region}' ({config.Name} method)", [
            ("sites", $"{result.Done} done ({result.Reused} from an earlier run), {result.Failed} failed, {result.Skipped} skipped" +
                (result.Partial > 0 ? $"; {result.Partial} only partly inside the rasters (see the manifest's coverage)" : "")),
            ("features", shard.IsAll ? $"{result.Features} in {result.Files.Count} file(s)" : $"{result.Features} kept for the merge (shard {shard}): run again without --shard to write the GeoPackages"),
        ]);
        foreach (var f in result.Files) CommandAction.Written("written", f);
        if (result.ZipFile is not null) CommandAction.Written("zip", result.ZipFile);
        if (rasters && result.Done > 0) CommandAction.Written("class rasters", SiteRasterWriter.Folder(output));
        CommandAction.Written("manifest", result.ManifestPath);
        if (StageTimes.Summary(result.Sites, result.WriteSeconds) is { } times) Console.WriteLine(times);
        CommandAction.Warn(result.Warnings);
        foreach (var s in result.Sites.Where(s => s.Outcome == SiteOutcome.Skipped)) Console.Error.WriteLine($"site {s.SiteId} skipped: {s.Reason}");
        return CommandAction.ReportFailures(result.Sites, shard: !shard.IsAll);
    }
}
