namespace MiningLulc.Features;

/// <summary>
/// Computes every plane of <see cref="FeatureSchema"/> from the ten reflectance planes and dh.
/// Implemented by the fast engine (<see cref="FeatureEngine"/>) and, in the tests, by the scalar reference
/// (<see cref="ScalarFeatures"/> behind the same interface); tests hold the first equal to the second.
/// </summary>
public interface IFeatureCalculator
{
    /// <summary>
    /// Inputs: ten planes in schema order (reflectance x 10000, NaN = invalid) and dh (metres, NaN = void),
    /// row-major, <paramref name="width"/> x <paramref name="height"/>; pixel spacing in metres.
    /// Output: <see cref="FeatureSchema.Count"/> planes of at least width x height, filled in schema order; the
    /// planes of a v2 group (context, site) may be null, and the group is then skipped. The site group is
    /// relative to <paramref name="medians"/> (NaN without them).
    /// </summary>
    void Compute(IReadOnlyList<float[]> bands, float[] dh, int width, int height, double pixelDx, double pixelDy, float[][] output, SiteMedians? medians = null);
}
