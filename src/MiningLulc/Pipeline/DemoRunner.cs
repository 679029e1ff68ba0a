using MiningLulc.Assessment;
using MiningLulc.Catalog;

namespace MiningLulc.Pipeline;

public sealed record DemoRequest
{
    public required string RegionDirectory { get; init; }
    public required string OutDirectory { get; init; }
    public required EngineConfig Config { get; init; }
    /// <summary>Share of sites held out of training, so the accuracy of unseen sites can be told apart.</summary>
    public double Holdout { get; init; } = 0.35;
    public int Workers { get; init; } = Environment.ProcessorCount;
    /// <summary>Draws the assessment's pictures (none without it; the CLI passes MiningLulc.Tools' plots).</summary>
    public IReportPlots? Plots { get; init; }
}

public sealed record DemoResult(TrainResult Training, string ModelPath, RunResult Run, AccuracyReport All, AccuracyReport? HeldOut, string ReportDirectory);

/// <summary>
/// The whole pipeline on one labelled region: train on part of its sites, classify every site,
/// write the GeoPackages, and assess them against the labels, over all sites and over the
/// held-out sites alone (the honest figure).
/// </summary>
public static class DemoRunner
{
    public static DemoResult Run(DemoRequest request, IProgress<PipelineProgress>? progress = null)
    {
        Directory.CreateDirectory(request.OutDirectory);
        var training = TrainingRunner.Train(new TrainRequest
        {
            Regions = [request.RegionDirectory],
            Config = request.Config,
            Holdout = request.Holdout,
            Workers = request.Workers,
        }, progress);
        var modelPath = Path.Combine(request.OutDirectory, "model.zip");
        training.Model.Save(modelPath);

        var gpkgDir = Path.Combine(request.OutDirectory, "gpkg");
        var run = RegionRunner.Run(new RunRequest
        {
            RegionDirectory = request.RegionDirectory,
            Model = training.Model,
            OutDirectory = gpkgDir,
            Config = request.Config,
            Zip = true,
            Workers = request.Workers,
        }, progress);

        var folder = RegionFolder.Open(request.RegionDirectory, request.Config.Input);
        var labels = Path.Combine(folder.Directory, request.Config.Input.LabelsFolder);
        var reportDir = Path.Combine(request.OutDirectory, "assessment");
        progress?.Report(new PipelineProgress("assess", 0, 2));
        var all = ReportWriter.AssessFiles(gpkgDir, labels, reportDir, null, $"{folder.Name}: all sites ({request.Config.Name} method)", plots: request.Plots);
        AccuracyReport? heldOut = null;
        if (training.HeldOutSites.Count > 0)
        {
            // The same area `assess --holdout-of MODEL.zip` compares on: from the card's held-out site ids.
            var area = HeldOutArea.Of(training.Model.Card, modelPath, request.RegionDirectory, request.Config.Input);
            heldOut = ReportWriter.AssessFiles(gpkgDir, labels, Path.Combine(reportDir, "held-out"), area, $"{folder.Name}: held-out sites only ({request.Config.Name} method)", plots: request.Plots);
        }
        progress?.Report(new PipelineProgress("assess", 2, 2));
        return new DemoResult(training, modelPath, run, all, heldOut, reportDir);
    }
}
