using MiningLulc.Align;
using MiningLulc.Training;

namespace MiningLulc.Inference;

/// <summary>
/// Classifies the classifiable pixels of an aligned site in one batch. The result is a class raster
/// on the site grid: 0 where the pixel is outside the site or lacks valid reflectance.
/// </summary>
public static class SiteClassifier
{
    public static byte[] Classify(ClassifierModel model, AlignedSite site, float[][] planes, Features.FeatureExtractor extractor)
    {
        var pixels = new List<int>(site.Grid.PixelCount);
        for (var i = 0; i < site.Grid.PixelCount; i++) if (site.IsClassifiable(i)) pixels.Add(i);
        var classes = new byte[site.Grid.PixelCount];
        if (pixels.Count == 0) return classes;
        var rows = extractor.Gather(planes, pixels);
        var predicted = new byte[pixels.Count];
        model.Predict(rows, pixels.Count, predicted);
        for (var k = 0; k < pixels.Count; k++) classes[pixels[k]] = predicted[k];
        return classes;
    }
}
