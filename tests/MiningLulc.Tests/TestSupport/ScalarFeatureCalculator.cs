using MiningLulc.Features;

namespace MiningLulc.Tests;

/// <summary>The scalar reference behind <see cref="IFeatureCalculator"/>. Stateless and thread-safe.</summary>
public sealed class ScalarFeatureCalculator : IFeatureCalculator
{
    public static ScalarFeatureCalculator Instance { get; } = new();

    private ScalarFeatureCalculator() { }

    public void Compute(IReadOnlyList<float[]> bands, float[] dh, int width, int height, double pixelDx, double pixelDy, float[][] output, SiteMedians? medians = null) =>
        ScalarFeatures.Compute(bands, dh, width, height, pixelDx, pixelDy, output, medians);
}
