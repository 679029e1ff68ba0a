using MiningLulc.Assessment;
using MiningLulc.Model;

namespace MiningLulc.Tests.Assessment;

/// <summary>
/// The stratified estimator against the worked example of Olofsson et al. (2014, Remote Sensing of
/// Environment 148:42-57, section 5): four map classes (deforestation, forest gain, stable forest,
/// stable non-forest) stand here for the first four class codes.
/// </summary>
public class StratifiedEstimatorTests
{
    // The example's sample counts, rows = map class, columns = reference class (the paper's layout), and
    // the mapped areas in 30 m pixels.
    private static readonly int[,] MapByReference = { { 66, 0, 5, 4 }, { 0, 55, 8, 12 }, { 1, 0, 153, 11 }, { 2, 1, 9, 313 } };
    private static readonly double[] MappedPixels = [200_000, 150_000, 3_200_000, 6_450_000, 0, 0, 0];
    private const double HectaresPerPixel = 0.09;

    private static StratifiedEstimate Example()
    {
        var counts = new ConfusionMatrix();
        for (var map = 0; map < 4; map++)
            for (var reference = 0; reference < 4; reference++)
                counts.Add(reference + 1, map + 1, MapByReference[map, reference]); // rows = reference here
        return StratifiedEstimator.Estimate(counts, MappedPixels);
    }

    [Fact]
    public void TheWorkedExampleGivesThePublishedFigures()
    {
        var e = Example();
        var ci = e.Intervals95;
        // As printed in the paper (two decimals; areas in hectares): estimate ± 95 % half-width.
        Assert.Equal(0.95, e.OverallAccuracy, 0.005);
        Assert.Equal(0.02, ci.OverallAccuracy, 0.005);
        double[] users = [0.88, 0.73, 0.93, 0.96], usersCi = [0.07, 0.10, 0.04, 0.02];
        double[] producers = [0.75, 0.85, 0.93, 0.96];
        double[] hectares = [21_158, 11_686, 285_770, 581_386], hectaresCi = [6_158, 3_756, 15_510, 16_282];
        for (var c = 0; c < 4; c++)
        {
            Assert.Equal(users[c], e.UsersAccuracy[c], 0.005);
            Assert.Equal(usersCi[c], ci.UsersAccuracy[c], 0.005);
            Assert.Equal(producers[c], e.ProducersAccuracy[c], 0.005);
            Assert.Equal(hectares[c], e.Area[c] * HectaresPerPixel, 1.0);
            Assert.Equal(hectaresCi[c], ci.AdjustedArea[c] * HectaresPerPixel, 1.0);
        }
        // Producer's accuracy intervals: the paper prints 0.21 and 0.03 for deforestation and stable forest,
        // as eq. 7 gives; for forest gain and stable non-forest it prints 0.23 and 0.01 where eq. 7 gives
        // 0.254 and 0.018 (the paper's own rounding; other implementations of eq. 7 find the same).
        Assert.Equal(0.21, ci.ProducersAccuracy[0], 0.005);
        Assert.Equal(0.03, ci.ProducersAccuracy[2], 0.005);
        // Estimated area proportions of the paper's table (reference deforestation, map stable non-forest: 0.0040).
        Assert.Equal(0.0040, e.AreaMatrix[0, 3] / e.PopulationArea, 0.00005);
        Assert.Equal(0.6212, e.AreaMatrix[3, 3] / e.PopulationArea, 0.00005);
    }

    [Fact]
    public void TheWorkedExampleToFullPrecision()
    {
        // Known values from an independent one-off numpy computation of eqs. 1-11 on the same counts
        // (run once, pasted here; the paper's layout, rows = map): they pin every figure, not only two decimals.
        var e = Example();
        Assert.Equal(0.9465118881118881, e.OverallAccuracy, 1e-12);
        Assert.Equal(0.009430417215588913, e.OverallAccuracySe, 1e-12);
        double[] users = [0.88, 0.7333333333333333, 0.9272727272727272, 0.963076923076923];
        double[] usersSe = [0.0377760112641214, 0.05140664006373732, 0.02027824987170497, 0.01047627586054329];
        double[] producers = [0.7486614048308412, 0.8471563981042654, 0.9345089085796926, 0.9616089928314558];
        double[] producersSe = [0.10883155764554488, 0.1298001840404374, 0.01751246054418932, 0.00936813034777142];
        double[] pixels = [235086.2470862471, 129846.15384615384, 3175221.4452214455, 6459846.153846155];
        double[] pixelsSe = [34907.224410811636, 21291.530756257678, 87924.24205322326, 92299.63918506097];
        for (var c = 0; c < 4; c++)
        {
            Assert.Equal(users[c], e.UsersAccuracy[c], 1e-12);
            Assert.Equal(usersSe[c], e.UsersAccuracySe[c], 1e-12);
            Assert.Equal(producers[c], e.ProducersAccuracy[c], 1e-12);
            Assert.Equal(producersSe[c], e.ProducersAccuracySe[c], 1e-12);
            Assert.Equal(pixels[c], e.Area[c], 1e-6);
            Assert.Equal(pixelsSe[c], e.AreaSe[c], 1e-6);
        }
        // The area matrix is the map's: its total is the mapped area, its row sums the area estimates,
        // and the figures of an area matrix (overall, user's, producer's) are the estimator's.
        Assert.Equal(10_000_000, e.PopulationArea, 1e-6);
        Assert.Equal(e.PopulationArea, e.AreaMatrix.Total, 1e-6);
        for (var c = 0; c < 4; c++)
        {
            Assert.Equal(e.Area[c], e.AreaMatrix.ReferenceTotal(c), 1e-6);
            Assert.Equal(e.UsersAccuracy[c], e.AreaMatrix.UsersAccuracy(c), 1e-12);
            Assert.Equal(e.ProducersAccuracy[c], e.AreaMatrix.ProducersAccuracy(c), 1e-12);
        }
        Assert.Equal(e.OverallAccuracy, e.AreaMatrix.OverallAccuracy, 1e-12);
        // Classes with neither units nor area have no accuracies; their area is 0 with 0 error.
        Assert.True(double.IsNaN(e.UsersAccuracy[5]) && double.IsNaN(e.ProducersAccuracy[5]));
        Assert.Equal(0, e.Area[5]);
    }

    [Fact]
    public void AMapClassWithoutUnitsIsLeftOutAndASingleUnitHasNoStandardError()
    {
        // Two strata sampled (pit 1000 m², bare soil 3000 m²); water is mapped (500 m²) but has no units.
        var counts = new ConfusionMatrix();
        counts.Add(1, 1, 8); counts.Add(6, 1, 2); counts.Add(6, 6, 9); counts.Add(1, 6, 1);
        double[] mapped = [1000, 0, 0, 500, 0, 3000, 0];
        var e = StratifiedEstimator.Estimate(counts, mapped);
        Assert.Equal(4000, e.PopulationArea, 9);
        Assert.Equal(0.25 * 0.8 + 0.75 * 0.9, e.OverallAccuracy, 12);
        Assert.Equal(1000 * 0.8 + 3000 * 0.1, e.Area[0], 9);
        Assert.Equal(0, e.Area[3]);
        Assert.True(double.IsNaN(e.UsersAccuracy[3]));
        // Var(OA) = Σ W² U (1 - U) / (n - 1), by hand.
        Assert.Equal(Math.Sqrt(0.0625 * 0.8 * 0.2 / 9 + 0.5625 * 0.9 * 0.1 / 9), e.OverallAccuracySe, 12);

        // One unit mapped as facility: its user's accuracy is 1 but has no variance, nor has anything it enters.
        counts.Add(5, 5, 1);
        mapped[4] = 200;
        var single = StratifiedEstimator.Estimate(counts, mapped);
        Assert.Equal(1, single.UsersAccuracy[4]);
        Assert.True(double.IsNaN(single.UsersAccuracySe[4]));
        Assert.True(double.IsNaN(single.OverallAccuracySe));
        Assert.True(double.IsNaN(single.AreaSe[0]));
        Assert.False(double.IsNaN(single.UsersAccuracySe[0]));
    }

    [Fact]
    public void AFaultlessSampleEstimatesTheMappedAreasWithNoError()
    {
        var counts = new ConfusionMatrix();
        counts.Add(2, 2, 30); counts.Add(3, 3, 50);
        double[] mapped = [0, 700, 2300, 0, 0, 0, 0];
        var e = StratifiedEstimator.Estimate(counts, mapped);
        Assert.Equal(1, e.OverallAccuracy);
        Assert.Equal(0, e.OverallAccuracySe);
        Assert.Equal(700, e.Area[1], 9);
        Assert.Equal(2300, e.Area[2], 9);
        Assert.Equal(0, e.AreaSe[1]);
        Assert.Equal(1, e.ProducersAccuracy[2]);
        Assert.Equal(0, e.ProducersAccuracySe[2]);
    }
}
