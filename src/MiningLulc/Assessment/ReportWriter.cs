using MiningLulc.Catalog;
using NetTopologySuite.Geometries;

namespace MiningLulc.Assessment;

/// <summary>Runs an assessment from files and writes report.json, report.md and the plots (through <see cref="IReportPlots"/>) into a folder.</summary>
public static class ReportWriter
{
    /// <summary>
    /// Assesses the labels under <paramref name="predicted"/> against those under <paramref name="reference"/>
    /// (folders, .zip or .gpkg) with <paramref name="options"/> (default: the cell count, streaming the files).
    /// <paramref name="plots"/> draws the pictures (none without it).
    /// </summary>
    public static AccuracyReport AssessFiles(string predicted, string reference, string outDirectory, Geometry? restrictTo = null, string title = "Accuracy assessment",
        IProgress<(int Done, int Total)>? progress = null, AssessOptions? options = null, IReportPlots? plots = null)
    {
        options = (options ?? AssessOptions.Default).Validate();
        // The plots' library loads beside the assessment (a second core is usually idle while the files are read).
        var warmUp = plots is null ? Task.CompletedTask : Task.Run(plots.WarmUp);
        AccuracyReport report;
        if (options.Reference == ReferenceDesign.Sample) report = SampleAssessor.AssessFiles(predicted, reference, restrictTo);
        else if (options.Method == AssessmentMethod.Raster) report = CellCountAssessor.AssessFiles(predicted, reference, options, restrictTo, progress);
        else
        {
            CellCountAssessor.RequireLabelSets(predicted, reference);
            var log = new LabelReadLog();
            report = AccuracyAssessor.Assess(LabelReader.Read(predicted, log), LabelReader.Read(reference, log), restrictTo, progress) with { Warnings = log.Warnings };
        }
        try { warmUp.Wait(); }
        catch (AggregateException) { } // drawing the real plots reports any problem with the library
        Write(report, outDirectory, title, plots);
        return report;
    }

    public static void Write(AccuracyReport report, string outDirectory, string title, IReportPlots? plots = null)
    {
        Directory.CreateDirectory(outDirectory);
        // The plots draw beside the text files (each takes a tenth of a second, mostly start-up).
        var drawn = plots is null ? Task.CompletedTask : Task.Run(() => plots.Write(report, outDirectory));
        AtomicFile.WriteAllText(Path.Combine(outDirectory, "report.json"), report.ToJson());
        AtomicFile.WriteAllText(Path.Combine(outDirectory, "report.md"), report.ToMarkdown(title));
        drawn.GetAwaiter().GetResult();
    }
}
