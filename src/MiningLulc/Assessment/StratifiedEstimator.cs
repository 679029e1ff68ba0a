using MiningLulc.Model;

namespace MiningLulc.Assessment;

/// <summary>
/// Population estimates from a stratified sample (Olofsson et al. 2014, Remote Sensing of
/// Environment 148:42-57, section 4 and eqs. 2-11), per class in class-code order (index = code - 1).
/// <see cref="AreaMatrix"/> holds the estimated area of each (reference, map) pair, so the report's
/// other figures (kappa, F1) follow from it as from a census's area matrix.
/// </summary>
public sealed record StratifiedEstimate(
    ConfusionMatrix AreaMatrix,
    double PopulationArea,
    double OverallAccuracy, double OverallAccuracySe,
    double[] UsersAccuracy, double[] UsersAccuracySe,
    double[] ProducersAccuracy, double[] ProducersAccuracySe,
    double[] Area, double[] AreaSe)
{
    /// <summary>95 % half-widths: <see cref="AccuracyIntervals.Z95"/> x the standard errors.</summary>
    public AccuracyIntervals Intervals95 => new(Z(OverallAccuracySe), UsersAccuracySe.Select(Z).ToArray(), ProducersAccuracySe.Select(Z).ToArray(), AreaSe.Select(Z).ToArray());

    private static double Z(double se) => AccuracyIntervals.Z95 * se;
}

/// <summary>
/// The stratified estimator of Olofsson et al. (2014) with the map classes as strata: a sample of
/// units (points or small plots) drawn at random within each map class (or at random over the map),
/// each unit with its map class i and reference class j. With W_i the mapped area share of class i,
/// n_ij the units mapped i and referenced j, n_i. the units mapped i:
/// p̂_ij = W_i n_ij / n_i. (eq. 4), overall accuracy Σ_j p̂_jj (eq. 1) with variance
/// Σ_i W_i² U_i (1 - U_i) / (n_i. - 1) (eq. 5), user's accuracy U_i = p̂_ii / p̂_i. (eq. 2, variance eq. 6),
/// producer's accuracy P_j = p̂_jj / p̂_.j (eq. 3, variance eq. 7), area A p̂_.j (eq. 9) with standard
/// error A S(p̂_.j) (eqs. 10, 11).
/// </summary>
public static class StratifiedEstimator
{
    private const int K = ConfusionMatrix.K;

    /// <summary>
    /// Estimates from unit counts (<paramref name="counts"/>: rows = reference, columns = map class, as
    /// every confusion matrix here) and the mapped area of each class (m²). The population is the mapped
    /// area of the classes that have units: a class without units cannot be estimated and its area is
    /// left out (the caller says so). A class with a single unit has no variance (n_i. - 1 = 0): every
    /// standard error it enters is NaN.
    /// </summary>
    public static StratifiedEstimate Estimate(ConfusionMatrix counts, double[] mappedArea)
    {
        var units = new double[K];
        var population = 0.0;
        for (var i = 0; i < K; i++)
        {
            units[i] = counts.MappedTotal(i);
            if (units[i] > 0) population += mappedArea[i];
        }
        var weight = new double[K];
        if (population > 0)
            for (var i = 0; i < K; i++) weight[i] = units[i] > 0 ? mappedArea[i] / population : 0;
        // share[j, i]: the fraction of stratum i's units referenced j (n_ij / n_i.).
        var share = new double[K, K];
        var areaMatrix = new ConfusionMatrix();
        for (var i = 0; i < K; i++)
        {
            if (units[i] <= 0) continue;
            for (var j = 0; j < K; j++)
            {
                share[j, i] = counts[j, i] / units[i];
                areaMatrix.Add(j + 1, i + 1, population * weight[i] * share[j, i]);
            }
        }

        double overall = 0, overallVariance = 0;
        var users = new double[K];
        var usersSe = new double[K];
        for (var i = 0; i < K; i++)
        {
            if (units[i] <= 0) { users[i] = usersSe[i] = double.NaN; continue; }
            users[i] = share[i, i];
            var v = BernoulliVariance(users[i], units[i]);
            usersSe[i] = Math.Sqrt(v);
            overall += weight[i] * share[i, i];
            overallVariance += weight[i] * weight[i] * v;
        }

        var referenceShare = new double[K];
        var area = new double[K];
        var areaSe = new double[K];
        for (var j = 0; j < K; j++)
        {
            double p = 0, v = 0;
            for (var i = 0; i < K; i++)
            {
                if (units[i] <= 0) continue;
                p += weight[i] * share[j, i];
                v += weight[i] * weight[i] * BernoulliVariance(share[j, i], units[i]);
            }
            referenceShare[j] = p;
            area[j] = population * p;
            areaSe[j] = population * Math.Sqrt(v);
        }

        var producers = new double[K];
        var producersSe = new double[K];
        for (var j = 0; j < K; j++)
        {
            if (referenceShare[j] <= 0) { producers[j] = producersSe[j] = double.NaN; continue; }
            producers[j] = weight[j] * share[j, j] / referenceShare[j];
            // Eq. 7 with N_i = mapped area of class i (within the population) and N̂_.j = A p̂_.j.
            var pa = producers[j];
            var own = units[j] > 0 ? Square(population * weight[j]) * Square(1 - pa) * BernoulliVariance(users[j], units[j]) : 0;
            double others = 0;
            for (var i = 0; i < K; i++)
                if (i != j && units[i] > 0) others += Square(population * weight[i]) * BernoulliVariance(share[j, i], units[i]);
            producersSe[j] = Math.Sqrt((own + pa * pa * others) / Square(area[j]));
        }
        return new StratifiedEstimate(areaMatrix, population, population > 0 ? overall : double.NaN, population > 0 ? Math.Sqrt(overallVariance) : double.NaN,
            users, usersSe, producers, producersSe, area, areaSe);
    }

    /// <summary>p (1 - p) / (n - 1): the variance of a proportion estimated from n units of one stratum; NaN for one unit.</summary>
    private static double BernoulliVariance(double p, double n) => n > 1 ? p * (1 - p) / (n - 1) : double.NaN;

    private static double Square(double x) => x * x;
}
