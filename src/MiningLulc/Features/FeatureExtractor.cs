using MiningLulc.Align;

namespace MiningLulc.Features;

/// <summary>
/// Computes the feature planes of an aligned site and gathers the rows (pixels) a model needs,
/// in the order of a <see cref="FeatureSet"/>. One instance per worker; not thread-safe.
/// </summary>
public sealed class FeatureExtractor(FeatureSet set)
{
    private readonly int[] indices = set.Indices;
    private readonly FeatureEngine engine = new();
    // Which schema planes the set needs (every v1 plane; a v2 group whole or not at all), worked out once, not per block.
    private readonly bool[] planeNeeded = [.. Enumerable.Range(0, FeatureSchema.Count).Select(f => FeatureSchema.GroupOf(f) is var g && (g < 0 || set.NeedsGroup(g)))];

    public FeatureSet Set { get; } = set;

    /// <summary>Whether the set has a feature relative to the site's medians (<see cref="FeatureSet.NeedsSiteMedians"/>).</summary>
    public bool NeedsSiteMedians { get; } = set.NeedsSiteMedians;

    /// <summary>
    /// The schema planes the set needs for the site's grid, by the SIMD <see cref="FeatureEngine"/> (its focal
    /// scratch reused across sites): every v1 plane, and a v2 group only when the set has a feature of it (the
    /// others stay null); the derived planes are <paramref name="buffers"/>' arrays when given.
    /// The ten reflectance planes and dh are the site's own arrays, not copies (the features are the
    /// inputs unchanged): eleven fewer planes per block, which is a third of a worker's block memory.
    /// </summary>
    /// <param name="medians">The site's medians, required when the set has a feature of the site group.</param>
    public float[][] ComputePlanes(AlignedSite site, BlockBuffers? buffers = null, SiteMedians? medians = null)
    {
        if (NeedsSiteMedians && medians is null) throw new InvalidOperationException($"feature set '{Set.Name}' is relative to the site's medians: pass them");
        var n = site.Grid.PixelCount;
        var planes = new float[FeatureSchema.Count][];
        for (var b = 0; b < site.Bands.Length; b++) planes[b] = site.Bands[b];
        planes[FeatureSchema.Dh] = site.Dh;
        for (var f = FeatureSchema.Dh + 1; f < planes.Length; f++)
            if (planeNeeded[f]) planes[f] = buffers?.Floats(BlockBuffers.Use.Feature, f, n) ?? new float[n];
        var (dx, dy) = site.Grid.PixelSizeInMetres();
        engine.Compute(site.Bands, site.Dh, site.Grid.Width, site.Grid.Height, dx, dy, planes, medians);
        return planes;
    }

    /// <summary>Row-major matrix (pixels x features of the set) for the given pixel indices (in <paramref name="buffers"/> when given: then longer than that).</summary>
    public float[] Gather(float[][] planes, ReadOnlySpan<int> pixels, BlockBuffers? buffers = null)
    {
        var width = indices.Length;
        var rows = buffers?.Floats(BlockBuffers.Use.Rows, 0, pixels.Length * width) ?? new float[pixels.Length * width];
        for (var p = 0; p < pixels.Length; p++)
        {
            var pixel = pixels[p];
            for (var f = 0; f < width; f++) rows[p * width + f] = planes[indices[f]][pixel];
        }
        return rows;
    }
}
