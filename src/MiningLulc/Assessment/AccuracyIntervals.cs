using MiningLulc.Model;

namespace MiningLulc.Assessment;

/// <summary>
/// 95 % half-widths of a report's figures: the figure ± the half-width is its interval (NaN: none
/// can be given). Per class arrays are in class-code order (index = code - 1).
/// </summary>
public sealed record AccuracyIntervals(double OverallAccuracy, double[] UsersAccuracy, double[] ProducersAccuracy, double[] AdjustedArea)
{
    /// <summary>
    /// The normal quantile for 95 % (rounded as Olofsson et al. 2014 do): the multiple of a standard
    /// error or a bootstrap standard deviation that makes a 95 % half-width.
    /// </summary>
    public const double Z95 = 1.96;

    public static AccuracyIntervals None { get; } = new(double.NaN, Nans(), Nans(), Nans());

    private static double[] Nans() => Enumerable.Repeat(double.NaN, ConfusionMatrix.K).ToArray();
}
