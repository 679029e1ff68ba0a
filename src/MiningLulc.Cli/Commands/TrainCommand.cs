using System.CommandLine;
using MiningLulc.Pipeline;
using Spectre.Console;

namespace MiningLulc.Cli.Commands;

internal static class TrainCommand
{
    public static Command Create()
    {
        var regions = new Option<string[]>("--region") { Description = "A labelled region folder (repeat for several).", Required = true, AllowMultipleArgumentsPerToken = false };
        var output = new Option<string>("--out") { Description = "The model file to write (.zip); its card goes inside.", Required = true };
        var holdout = new Option<double>("--holdout") { Description = "Fraction of sites held out to measure accuracy on unseen sites (0 = none).", DefaultValueFactory = _ => 0.0 };
        var calibration = new Option<string[]>("--calibration-region") { Description = "A labelled region never trained on whose sites fit the confidence calibration (repeatable; default: the held-out sites).", AllowMultipleArgumentsPerToken = false };
        var cv = new Option<int>("--cv") { Description = "Also cross-validate by site groups in K folds (touching sites stay together), scored on every labelled pixel of the held-out sites; the table goes into the card (0 = none; not with --holdout).", DefaultValueFactory = _ => 0 };
        var config = CommonOptions.Config();
        var preset = CommonOptions.Preset();
        var set = CommonOptions.Set();
        var workers = CommonOptions.Workers();
        var command = new Command("train", "Train the classifier on the labelled sites of one or more regions.") { regions, output, config, preset, set, holdout, cv, calibration, workers };
        command.SetAction(r => CommandAction.Run(() => Run(r.GetValue(regions)!, r.GetValue(output)!, CommonOptions.Load(r.GetValue(config), r.GetValue(preset), r.GetValue(set)), r.GetValue(holdout), r.GetValue(cv), r.GetValue(calibration) ?? [], r.GetValue(workers))));
        return command;
    }

    private static ExitCode Run(string[] regions, string output, EngineConfig config, double holdout, int folds, string[] calibrationRegions, int workers)
    {
        var request = new TrainRequest { Regions = regions, Config = config, Holdout = holdout, CrossValidationFolds = folds, CalibrationRegions = calibrationRegions, Workers = workers };
        var result = ConsoleUi.WithProgress(p => TrainingRunner.Train(request, p));
        var dir = Path.GetDirectoryName(Path.GetFullPath(output));
        if (dir is not null) Directory.CreateDirectory(dir);
        result.Model.Save(output);
        var card = result.Model.Card;
        var facts = new List<(string, string)>
        {
            ("method", card.Method), ("trainer", card.Trainer), ("features", $"{card.FeatureSet} ({card.Features.Count}, hash {card.FeatureSetHash})"),
            ("training sites", result.TrainingSites.Count.ToString()), ("samples", string.Join(", ", card.SamplesPerClass.Select(kv => $"{kv.Key} {kv.Value}"))),
        };
        if (card.Holdout is { } h) facts.Add(("held-out sites", $"{h.Sites} sites, {h.Pixels} px: overall accuracy {ConsoleUi.F3(h.OverallAccuracy)}, kappa {ConsoleUi.F3(h.Kappa)}"));
        if (card.Calibration is { } calibration) facts.Add(("confidence calibration", $"temperature {calibration.Temperature:0.###} on {calibration.Pixels} px of the {calibration.FittedOn} (log-loss {calibration.LogLossBefore:0.###} → {calibration.LogLossAfter:0.###})"));
        ConsoleUi.Facts("model", facts);
        if (card.Cv is { } c)
        {
            var (header, rows) = c.ToTable();
            ConsoleUi.Table(c.TableTitle(), header, rows);
        }
        CommandAction.Written("model", Path.GetFullPath(output));
        CommandAction.Warn(result.Warnings);
        return CommandAction.ReportFailures(result.Problems);
    }
}
