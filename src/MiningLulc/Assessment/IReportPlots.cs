namespace MiningLulc.Assessment;

/// <summary>
/// The report's pictures (confusion_matrix.png, class_areas.png), drawn beside report.json and report.md by
/// <see cref="ReportWriter"/>. The engine draws none itself, so that it needs no drawing library: the CLI
/// passes the ScottPlot implementation of MiningLulc.Tools (MiningLulc.Plots.ReportPlots).
/// </summary>
public interface IReportPlots
{
    /// <summary>Loads the drawing library (fonts, code) so that <see cref="Write"/> later is quick; run beside other work.</summary>
    void WarmUp();

    /// <summary>Draws the report's pictures into <paramref name="outDirectory"/>.</summary>
    void Write(AccuracyReport report, string outDirectory);
}
