using MiningLulc.Assessment;
using MiningLulc.Model;

namespace MiningLulc.Tests.Assessment;

/// <summary>The bootstrap over sites on made-up clusters whose resampling distribution is known by hand.</summary>
public class ClusterBootstrapTests
{
    private static ConfusionMatrix Matrix(params (int Reference, int Predicted, double Area)[] cells)
    {
        var cm = new ConfusionMatrix();
        foreach (var (r, p, a) in cells) cm.Add(r, p, a);
        return cm;
    }

    [Fact]
    public void IntervalsOfTheAccuraciesFollowTheSpreadOfTheResampledSites()
    {
        // Two sites of equal area: in A the map is right (pit mapped pit), in B wrong (pit mapped bare soil).
        // Two draws from {A, B}: overall accuracy is 1 (AA, p 1/4), 0.5 (AB or BA, 1/2) or 0 (BB, 1/4), so its
        // standard deviation is sqrt(1/8); the producer's accuracy of pit is the same. User's accuracy of pit is
        // 1 whenever pit is mapped at all (resamples of BB map no pit: left out), so its interval is 0.
        // A facility mapped right in site A only: its accuracies are always 1 when present.
        var a = Matrix((1, 1, 100), (5, 5, 1e-9));
        var b = Matrix((1, 6, 100));
        double[] mapped = [100, 0, 0, 0, 1e-9, 100, 0];
        var ci = ClusterBootstrap.Intervals([a, b], mapped, replicates: 20_000, seed: 7);
        var expected = 1.96 * Math.Sqrt(1 / 8.0);
        Assert.Equal(expected, ci.OverallAccuracy, 0.02);
        Assert.Equal(expected, ci.ProducersAccuracy[0], 0.02);
        Assert.Equal(0, ci.UsersAccuracy[0], 12);
        Assert.Equal(0, ci.UsersAccuracy[4], 12);
        Assert.Equal(0, ci.ProducersAccuracy[4], 12);
        // Bare soil is never a reference class: no producer's accuracy in any resample, no interval.
        Assert.True(double.IsNaN(ci.ProducersAccuracy[5]));
        Assert.True(double.IsNaN(ci.UsersAccuracy[2]));
    }

    [Fact]
    public void SitesThatAgreeAlikeGiveNoSpreadAndOneSiteGivesNoInterval()
    {
        // Every site has the same proportions: every resample has the same accuracies (interval 0).
        var site = Matrix((1, 1, 80), (1, 2, 20), (2, 2, 50));
        double[] mapped = [80, 70, 0, 0, 0, 0, 0];
        var ci = ClusterBootstrap.Intervals([site, site, site], mapped, AccuracyAssessor.BootstrapReplicates, seed: 12345);
        Assert.Equal(0, ci.OverallAccuracy, 12);
        Assert.Equal(0, ci.UsersAccuracy[1], 12);
        Assert.Equal(0, ci.ProducersAccuracy[0], 12);
        Assert.Equal(0, ci.AdjustedArea[0], 6);

        var one = ClusterBootstrap.Intervals([site], mapped, AccuracyAssessor.BootstrapReplicates, seed: 12345);
        Assert.True(double.IsNaN(one.OverallAccuracy));
        Assert.All(one.UsersAccuracy.Concat(one.ProducersAccuracy).Concat(one.AdjustedArea), v => Assert.True(double.IsNaN(v)));
    }

    [Fact]
    public void TheSameSeedGivesTheSameIntervals()
    {
        var sites = Enumerable.Range(0, 12).Select(i => Matrix((1, 1, 50 + i * 7), (1, 3, i % 4 * 9.0), (3, 3, 40 - i), (3, 1, i % 3 * 5.0))).ToList();
        double[] mapped = [600, 0, 500, 0, 0, 0, 0];
        var first = ClusterBootstrap.Intervals(sites, mapped, 200, seed: 12345);
        var again = ClusterBootstrap.Intervals(sites, mapped, 200, seed: 12345);
        var other = ClusterBootstrap.Intervals(sites, mapped, 200, seed: 99);
        Assert.Equal(first.OverallAccuracy, again.OverallAccuracy);
        Assert.Equal(first.UsersAccuracy, again.UsersAccuracy);
        Assert.Equal(first.AdjustedArea, again.AdjustedArea);
        Assert.NotEqual(first.OverallAccuracy, other.OverallAccuracy);
        Assert.InRange(first.OverallAccuracy, 0.005, 0.2);
    }

    [Fact]
    public void StandardDeviationIsTheSampleOne()
    {
        Assert.Equal(Math.Sqrt(32 / 7.0), ClusterBootstrap.StandardDeviation([2, 4, 4, 4, 5, 5, 7, 9]), 12);
        // Large values with a small spread (areas in m² of a big region): no cancellation.
        Assert.Equal(1, ClusterBootstrap.StandardDeviation([1e12 + 1, 1e12 + 2, 1e12 + 3]), 9);
        Assert.True(double.IsNaN(ClusterBootstrap.StandardDeviation([3.0])));
    }
}
