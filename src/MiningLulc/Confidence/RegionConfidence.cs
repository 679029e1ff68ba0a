namespace MiningLulc.Confidence;

/// <summary>
/// The confidence of each connected region of a class raster: the mean of its pixels' confidences
/// (pixels of a site grid have equal areas in its projected CRS, so the mean is area-weighted).
/// Regions are connected components of equal non-zero class under the polygonizer's connectivity
/// (4 or 8), so each matches one polygon, found by its first (top-left) pixel.
/// </summary>
public sealed class RegionConfidence
{
    private readonly int[] component;
    private readonly double[] mean;
    private readonly int width;

    /// <param name="classes">Row-major classes; 0 belongs to no region.</param>
    /// <param name="confidence">Per pixel, the probability of its class.</param>
    public RegionConfidence(byte[] classes, float[] confidence, int width, int height, int connectivity)
    {
        if (classes.Length != (long)width * height || confidence.Length != classes.Length) throw new ArgumentException("rasters do not match the grid");
        if (connectivity is not (4 or 8)) throw new ArgumentOutOfRangeException(nameof(connectivity));
        this.width = width;
        component = new int[classes.Length];
        Array.Fill(component, -1);
        var sums = new List<double>();
        var counts = new List<int>();
        var stack = new Stack<int>();
        for (var start = 0; start < classes.Length; start++)
        {
            if (classes[start] == 0 || component[start] >= 0) continue;
            var id = sums.Count;
            var cls = classes[start];
            double sum = 0;
            var count = 0;
            component[start] = id;
            stack.Push(start);
            while (stack.Count > 0)
            {
                var p = stack.Pop();
                sum += confidence[p];
                count++;
                var (r, c) = Math.DivRem(p, width);
                for (var dr = -1; dr <= 1; dr++)
                    for (var dc = -1; dc <= 1; dc++)
                    {
                        if ((dr == 0 && dc == 0) || (connectivity == 4 && dr != 0 && dc != 0)) continue;
                        int nr = r + dr, nc = c + dc;
                        if (nr < 0 || nr >= height || nc < 0 || nc >= width) continue;
                        var q = nr * width + nc;
                        if (classes[q] != cls || component[q] >= 0) continue;
                        component[q] = id;
                        stack.Push(q);
                    }
            }
            sums.Add(sum);
            counts.Add(count);
        }
        mean = new double[sums.Count];
        for (var i = 0; i < mean.Length; i++) mean[i] = sums[i] / counts[i];
    }

    /// <summary>Number of regions.</summary>
    public int Count => mean.Length;

    /// <summary>The confidence of the region holding pixel (<paramref name="row"/>, <paramref name="column"/>); NaN when that pixel is in none.</summary>
    public double At(int row, int column)
    {
        var id = component[row * width + column];
        return id < 0 ? double.NaN : mean[id];
    }
}
