using MiningLulc.Assessment;
using MiningLulc.Model;

namespace MiningLulc.Tests.Assessment;

public class ConfusionMatrixTests
{
    [Fact]
    public void FiguresOfAWorkedExample()
    {
        // Two classes used (pit, dump): 40 pit->pit, 10 pit->dump, 5 dump->pit, 45 dump->dump.
        var cm = new ConfusionMatrix();
        cm.Add(1, 1, 40); cm.Add(1, 2, 10); cm.Add(2, 1, 5); cm.Add(2, 2, 45);
        Assert.Equal(0.85, cm.OverallAccuracy, 12);
        // pe = 0.5*0.45 + 0.5*0.55 = 0.5 -> kappa = (0.85-0.5)/0.5
        Assert.Equal(0.7, cm.Kappa, 12);
        Assert.Equal(0.8, cm.ProducersAccuracy(0), 12);
        Assert.Equal(40 / 45.0, cm.UsersAccuracy(0), 12);
        Assert.Equal(2 * 0.8 * (40 / 45.0) / (0.8 + 40 / 45.0), cm.F1(0), 12);
        Assert.Equal((cm.F1(0) + cm.F1(1)) / 2, cm.MacroF1, 12); // only classes with reference area count
        Assert.True(double.IsNaN(cm.ProducersAccuracy(4)));
    }

    [Fact]
    public void AdjustedAreasEqualTheReferenceWhenTheComparisonCoversTheMap()
    {
        var cm = new ConfusionMatrix();
        cm.Add(1, 1, 30); cm.Add(1, 3, 10); cm.Add(3, 3, 50); cm.Add(3, 1, 10);
        double[] mapped = [40, 0, 60, 0, 0, 0, 0];
        var adjusted = AreaEstimator.Adjusted(cm, mapped);
        Assert.Equal(40, adjusted[0], 9); // reference pit area
        Assert.Equal(60, adjusted[2], 9);
    }

    [Fact]
    public void AdjustedAreasScaleASampleToTheMap()
    {
        // Olofsson's estimator on a sample: map strata of 1000 (pit) and 3000 (bare soil);
        // within the sample, 80 % of mapped pit is pit, 10 % of mapped soil is pit.
        var cm = new ConfusionMatrix();
        cm.Add(1, 1, 8); cm.Add(6, 1, 2); cm.Add(1, 6, 1); cm.Add(6, 6, 9);
        double[] mapped = [1000, 0, 0, 0, 0, 3000, 0];
        var adjusted = AreaEstimator.Adjusted(cm, mapped);
        Assert.Equal(1000 * 0.8 + 3000 * 0.1, adjusted[0], 9);
        Assert.Equal(1000 * 0.2 + 3000 * 0.9, adjusted[5], 9);
    }
}
