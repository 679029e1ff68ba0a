using MiningLulc.Assessment;
using ScottPlot;

namespace MiningLulc.Plots;

/// <summary>The report's pictures: the confusion matrix as a heat map and the class areas as bars.</summary>
public sealed class ReportPlots : IReportPlots
{
    /// <summary>The one instance (the class holds no state).</summary>
    public static ReportPlots Instance { get; } = new();

    private ReportPlots() { }

    public void Write(AccuracyReport report, string outDirectory)
    {
        ConfusionHeatmap(report, Path.Combine(outDirectory, "confusion_matrix.png"));
        AreaBars(report, Path.Combine(outDirectory, "class_areas.png"));
    }

    /// <summary>
    /// Draws a throw-away plot of each kind in memory: loads the drawing library, its fonts and code,
    /// so that <see cref="Write"/> later takes a fraction of the time. Run it beside other work.
    /// </summary>
    public void WarmUp()
    {
        var plot = new Plot();
        var heat = plot.Add.Heatmap(new double[,] { { 0, 1 }, { 1, 0 } });
        heat.Colormap = new ScottPlot.Colormaps.Viridis();
        plot.Add.ColorBar(heat);
        plot.Add.Text("0.00", 0, 0);
        plot.Add.Bars(new List<Bar> { new() { Position = 0, Value = 1, Error = 0.1 } });
        plot.Axes.Bottom.SetTicks([0.0, 1.0], ["a", "b"]);
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "a", FillColor = Colors.SteelBlue });
        plot.ShowLegend();
        plot.Title("warm-up");
        _ = plot.GetImageBytes(64, 48, ImageFormat.Png);
    }

    private static readonly string[] Short = ["Pit", "Dump", "Disturbed", "Water", "Facility", "Bare soil", "Vegetation"];

    private static void ConfusionHeatmap(AccuracyReport report, string path)
    {
        var k = report.Classes.Count;
        // Row-normalized (producer's view), so small classes are as visible as large ones.
        var data = new double[k, k];
        for (var i = 0; i < k; i++)
        {
            var row = report.ConfusionMatrixM2[i].Sum();
            for (var j = 0; j < k; j++) data[i, j] = row > 0 ? report.ConfusionMatrixM2[i][j] / row : 0;
        }
        var plot = new Plot();
        var heat = plot.Add.Heatmap(data);
        heat.Colormap = new ScottPlot.Colormaps.Viridis();
        heat.ManualRange = new ScottPlot.Range(0, 1);
        plot.Add.ColorBar(heat);
        for (var i = 0; i < k; i++)
            for (var j = 0; j < k; j++)
            {
                var t = plot.Add.Text(data[i, j].ToString("0.00", System.Globalization.CultureInfo.InvariantCulture), j, k - 1 - i);
                t.LabelFontColor = data[i, j] > 0.6 ? Colors.Black : Colors.White;
                t.LabelAlignment = Alignment.MiddleCenter;
            }
        var ticks = Enumerable.Range(0, k).Select(i => (double)i).ToArray();
        plot.Axes.Bottom.SetTicks(ticks, Short);
        plot.Axes.Left.SetTicks(ticks, Short.Reverse().ToArray());
        plot.Axes.Bottom.Label.Text = "predicted";
        plot.Axes.Left.Label.Text = "reference";
        plot.Title($"Confusion (share of reference area)  OA {report.OverallAccuracy:0.000}  kappa {report.Kappa:0.000}");
        plot.SavePng(path, 900, 760);
    }

    private static void AreaBars(AccuracyReport report, string path)
    {
        var plot = new Plot();
        var k = report.Classes.Count;
        var bars = new List<Bar>();
        var palette = new[] { Colors.SteelBlue, Colors.Orange, Colors.SeaGreen };
        for (var c = 0; c < k; c++)
        {
            var a = report.PerClass[report.Classes[c]];
            double[] values = [a.ReferenceAreaM2 / 1e6, a.MappedAreaM2 / 1e6, a.AdjustedAreaM2 / 1e6];
            for (var s = 0; s < 3; s++)
            {
                var bar = new Bar { Position = c * 4 + s, Value = values[s], FillColor = palette[s] };
                if (s == 2 && double.IsFinite(a.AdjustedAreaCi95M2)) bar.Error = a.AdjustedAreaCi95M2 / 1e6;
                bars.Add(bar);
            }
        }
        plot.Add.Bars(bars);
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, k).Select(c => c * 4 + 1.0).ToArray(), Short);
        plot.Axes.Left.Label.Text = "km²";
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "reference", FillColor = palette[0] });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "mapped", FillColor = palette[1] });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "adjusted ± 95 %", FillColor = palette[2] });
        plot.ShowLegend();
        plot.Axes.Margins(bottom: 0);
        plot.Title("Area per class");
        plot.SavePng(path, 1000, 500);
    }
}
