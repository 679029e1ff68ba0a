using MiningLulc.Align;
using MiningLulc.Geo;
using MiningLulc.Training;

namespace MiningLulc.Inference;

/// <summary>
/// Classifies the classifiable pixels of a block in one batch and writes their classes into the
/// site's class raster (0 stays where a pixel is outside the site or lacks valid reflectance).
/// </summary>
public static class SiteClassifier
{
    /// <param name="interior">The block's own pixels (the rest is halo, classified by its own block).</param>
    /// <param name="classes">The site's class raster (row-major over the site grid).</param>
    /// <param name="siteWidth">Width of the site grid.</param>
    /// <param name="offset">Where the block's (0,0) lies in the site grid.</param>
    /// <param name="buffers">The worker's reused arrays for the gathered rows and their classes.</param>
    /// <param name="scores">When given, receives each classified pixel's calibrated class probabilities (the site's, on its grid).</param>
    public static void Classify(ClassifierModel model, AlignedSite block, float[][] planes, Features.FeatureExtractor extractor,
        Window interior, byte[] classes, int siteWidth, (int Col, int Row) offset, BlockBuffers? buffers = null, Confidence.SiteScores? scores = null)
    {
        var pixels = buffers?.Pixels() ?? new List<int>(interior.Width * interior.Height);
        for (var r = interior.RowOff; r < interior.RowOff + interior.Height; r++)
            for (var c = interior.ColOff; c < interior.ColOff + interior.Width; c++)
            {
                var i = r * block.Grid.Width + c;
                if (block.IsClassifiable(i)) pixels.Add(i);
            }
        if (pixels.Count == 0) return;
        var rows = extractor.Gather(planes, pixels, buffers);
        var predicted = (buffers?.Bytes(BlockBuffers.ByteUse.Predicted, pixels.Count) ?? new byte[pixels.Count]).AsSpan(0, pixels.Count);
        if (scores is null)
        {
            model.Predict(rows, pixels.Count, predicted);
            for (var k = 0; k < pixels.Count; k++)
            {
                var (r, c) = Math.DivRem(pixels[k], block.Grid.Width);
                classes[(offset.Row + r) * siteWidth + offset.Col + c] = predicted[k];
            }
            return;
        }
        var n = scores.ClassCount;
        var blockScores = (buffers?.Floats(BlockBuffers.Use.Scores, 0, pixels.Count * n) ?? new float[pixels.Count * n]).AsSpan(0, pixels.Count * n);
        model.Predict(rows, pixels.Count, predicted, blockScores);
        var calibration = model.Calibration;
        for (var k = 0; k < pixels.Count; k++)
        {
            var (r, c) = Math.DivRem(pixels[k], block.Grid.Width);
            var site = (offset.Row + r) * siteWidth + offset.Col + c;
            classes[site] = predicted[k];
            var own = blockScores.Slice(k * n, n);
            calibration.Apply(own);
            own.CopyTo(scores.Values.AsSpan(site * n, n));
        }
    }
}
