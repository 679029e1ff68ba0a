using System.Runtime.InteropServices;
using MiningLulc.Align;
using MiningLulc.Geo;
using MiningLulc.Model;

namespace MiningLulc.Inference;

/// <summary>
/// Classifies the classifiable pixels of a block, in chunks, and writes their classes into the
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
        var all = CollectionsMarshal.AsSpan(pixels);
        // Gathered and classified a chunk at a time: the rows of a whole 512-pixel block (some 25 MB
        // with v1's 24 features, 41 MB with v2's 39) would be held by every worker; a chunk's are about
        // 1.5-2.6 MB, and each pixel's class does not depend on the others in its batch.
        for (var start = 0; start < all.Length; start += ChunkPixels)
            ClassifyChunk(model, block, planes, extractor, all.Slice(start, Math.Min(ChunkPixels, all.Length - start)), classes, siteWidth, offset, buffers, scores);
    }

    /// <summary>Pixels gathered and classified together.</summary>
    internal const int ChunkPixels = 16384;

    private static void ClassifyChunk(ClassifierModel model, AlignedSite block, float[][] planes, Features.FeatureExtractor extractor,
        ReadOnlySpan<int> pixels, byte[] classes, int siteWidth, (int Col, int Row) offset, BlockBuffers? buffers, Confidence.SiteScores? scores)
    {
        var rows = extractor.Gather(planes, pixels, buffers);
        var predicted = (buffers?.Bytes(BlockBuffers.ByteUse.Predicted, pixels.Length) ?? new byte[pixels.Length]).AsSpan(0, pixels.Length);
        if (scores is null)
        {
            model.Predict(rows, pixels.Length, predicted);
            for (var k = 0; k < pixels.Length; k++)
            {
                var (r, c) = Math.DivRem(pixels[k], block.Grid.Width);
                classes[(offset.Row + r) * siteWidth + offset.Col + c] = predicted[k];
            }
            return;
        }
        var n = scores.ClassCount;
        var chunkScores = (buffers?.Floats(BlockBuffers.Use.Scores, 0, pixels.Length * n) ?? new float[pixels.Length * n]).AsSpan(0, pixels.Length * n);
        model.Predict(rows, pixels.Length, predicted, chunkScores);
        var calibration = model.Calibration;
        for (var k = 0; k < pixels.Length; k++)
        {
            var (r, c) = Math.DivRem(pixels[k], block.Grid.Width);
            var site = (offset.Row + r) * siteWidth + offset.Col + c;
            classes[site] = predicted[k];
            var own = chunkScores.Slice(k * n, n);
            calibration.Apply(own);
            own.CopyTo(scores.Values.AsSpan(site * n, n));
        }
    }
}
