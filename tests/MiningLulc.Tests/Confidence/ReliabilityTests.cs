using MiningLulc.Assessment;
using MiningLulc.Catalog;
using MiningLulc.Geo;
using NetTopologySuite.Geometries;

namespace MiningLulc.Tests.Confidence;

/// <summary>Reliability table and expected calibration error on hand-made predictions and reference.</summary>
public class ReliabilityTests
{
    [Fact]
    public void TheTableAndItsErrorFollowTheirDefinitions()
    {
        var table = new ReliabilityTable();
        table.Add(0.95, 100, isCorrect: true);
        table.Add(0.91, 100, isCorrect: false);
        table.Add(0.72, 200, isCorrect: true);
        table.Add(0.78, 200, isCorrect: false);
        table.Add(1.0, 400, isCorrect: true);   // 1 falls in the last bin
        table.Add(double.NaN, 999, isCorrect: true); // no confidence: not counted
        var bins = table.ToBins();
        Assert.Equal(10, bins.Count);
        Assert.Equal((0.9, 1.0), (bins[9].Lower, bins[9].Upper));
        Assert.Equal(600, bins[9].ComparedAreaM2);
        Assert.Equal((95 + 91 + 400) / 600.0, bins[9].MeanConfidence, 1e-12);
        Assert.Equal(500 / 600.0, bins[9].Accuracy, 1e-12);
        Assert.Equal(400, bins[7].ComparedAreaM2);
        Assert.Equal(0.75, bins[7].MeanConfidence, 1e-12);
        Assert.Equal(0.5, bins[7].Accuracy, 1e-12);
        Assert.True(double.IsNaN(bins[0].Accuracy) && double.IsNaN(bins[0].MeanConfidence));
        // ECE = 0.6 |5/6 - 586/600| + 0.4 |0.5 - 0.75|
        Assert.Equal(0.6 * Math.Abs(500 / 600.0 - 586 / 600.0) + 0.4 * 0.25, table.ExpectedCalibrationError, 1e-12);
        Assert.Equal(0, ReliabilityTable.BinOf(0.0999));
        Assert.Equal(1, ReliabilityTable.BinOf(0.1));
    }

    [Fact]
    public void TheCellCountReportsReliabilityWhenThePredictionsCarryConfidence()
    {
        // Three reference squares of about 220 m; A predicted right at 0.95, B wrong at 0.75, C right at 0.72.
        var (reference, predicted) = ThreeSquares(lonA: 10.000);
        var options = new AssessOptions { CellSizeM = 2, Workers = 2 };
        var report = CellCountAssessor.Assess(predicted, reference, options);
        var bins = report.Reliability!;
        Assert.Equal(report.ComparedAreaM2, bins.Sum(b => b.ComparedAreaM2), 1e-6 * report.ComparedAreaM2);
        Assert.Equal(1.0, bins[9].Accuracy);
        Assert.Equal(0.95, bins[9].MeanConfidence, 1e-12);
        Assert.Equal(0.5, bins[7].Accuracy, 0.02);          // B and C: equal squares, one right
        Assert.Equal(0.735, bins[7].MeanConfidence, 0.001);
        Assert.All(bins.Where((_, i) => i is not (7 or 9)), b => Assert.Equal(0, b.ComparedAreaM2));
        // ECE = 1/3 x 0.05 + 2/3 x |0.5 - 0.735|.
        Assert.Equal(0.05 / 3 + 2 * 0.235 / 3, report.ExpectedCalibrationError!.Value, 0.01);
        var json = report.ToJson();
        Assert.Contains("\"expected_calibration_error\"", json);
        Assert.Contains("Reliability", report.ToMarkdown("t"));
        // The confusion figures are those of the same predictions without confidence.
        var plain = CellCountAssessor.Assess(predicted.Select(p => p with { Confidence = null }).ToList(), reference, options);
        Assert.Equal(plain.OverallAccuracy, report.OverallAccuracy);
        Assert.Equal(plain.ConfusionMatrixM2, report.ConfusionMatrixM2);
        Assert.Null(plain.Reliability);
        Assert.Null(plain.ExpectedCalibrationError);
        Assert.DoesNotContain("expected_calibration_error", plain.ToJson());
        Assert.DoesNotContain("reliability", plain.ToJson());
        Assert.DoesNotContain("Reliability", plain.ToMarkdown("t"));
    }

    [Fact]
    public void TheExactOverlayReportsTheSameReliabilityAsTheCellCount()
    {
        // The squares of the test above (A right at 0.95, B wrong at 0.75, C right at 0.72), A shifted east by a
        // quarter of its side, so a quarter of it lies over no reference and is not compared: the overlay
        // intersects exactly what the cell count approximates on 2 m cells.
        var (reference, predicted) = ThreeSquares(lonA: 10.0005);
        var overlay = AccuracyAssessor.Assess(predicted, reference, new AssessOptions { Method = AssessmentMethod.Overlay });
        var cells = AccuracyAssessor.Assess(predicted, reference, new AssessOptions { CellSizeM = 2, Workers = 2 });
        var bins = overlay.Reliability!;
        // A's three quarters over its open pit are right; B and C are equal squares, one right.
        Assert.Equal(1.0, bins[9].Accuracy, 1e-9);
        Assert.Equal(0.95, bins[9].MeanConfidence, 1e-12);
        Assert.Equal(0.75 / 2, bins[9].ComparedAreaM2 / bins[7].ComparedAreaM2, 1e-6);
        Assert.Equal(0.5, bins[7].Accuracy, 1e-6);
        Assert.Equal(0.735, bins[7].MeanConfidence, 1e-6);
        Assert.Equal(overlay.ComparedAreaM2, bins.Sum(b => b.ComparedAreaM2), 1e-9 * overlay.ComparedAreaM2);
        for (var b = 0; b < ReliabilityTable.Bins; b++)
        {
            Assert.Equal(cells.Reliability![b].ComparedAreaM2, bins[b].ComparedAreaM2, 0.01 * overlay.ComparedAreaM2);
            if (bins[b].ComparedAreaM2 > 0) Assert.Equal(cells.Reliability[b].Accuracy, bins[b].Accuracy, 0.01);
        }
        Assert.Equal(cells.ExpectedCalibrationError!.Value, overlay.ExpectedCalibrationError!.Value, 0.005);
        Assert.Null(AccuracyAssessor.Assess(predicted.Select(p => p with { Confidence = null }).ToList(), reference, new AssessOptions { Method = AssessmentMethod.Overlay }).Reliability);
    }

    /// <summary>
    /// Reference squares A (open pit), B (open pit) and C (vegetation), side by side; predicted A right at 0.95
    /// (its west edge at <paramref name="lonA"/>), B wrong at 0.75, C right at 0.72.
    /// </summary>
    private static (List<LabelPolygon> Reference, List<LabelPolygon> Predicted) ThreeSquares(double lonA) => (
        [
            new(Box(10.000, -20.000), LulcClass.OpenPit, 2020, null, null, "ref"),
            new(Box(10.010, -20.000), LulcClass.OpenPit, 2020, null, null, "ref"),
            new(Box(10.020, -20.000), LulcClass.Vegetation, 2020, null, null, "ref"),
        ],
        [
            new(Box(lonA, -20.000), LulcClass.OpenPit, 2020, null, null, "pred") { Confidence = 0.95 },
            new(Box(10.010, -20.000), LulcClass.WasteDumpingSite, 2020, null, null, "pred") { Confidence = 0.75 },
            new(Box(10.020, -20.000), LulcClass.Vegetation, 2020, null, null, "pred") { Confidence = 0.72 },
        ]);

    private static Polygon Box(double lon, double lat) =>
        GeometryOps.Wgs84Factory.CreatePolygon([new(lon, lat), new(lon + 0.002, lat), new(lon + 0.002, lat + 0.002), new(lon, lat + 0.002), new(lon, lat)]);
}
