namespace MiningLulc.Features;

/// <summary>
/// The plain, obviously-right computation of every feature of <see cref="FeatureSchema"/>: the
/// reference that faster kernels are held equal to. Inputs are structure-of-arrays planes
/// (reflectance x 10000, NaN = invalid; dh in metres, NaN = void); outputs are one plane per
/// feature, NaN where the feature is missing. Normalized differences are 0 where the denominator is 0.
/// Focal features use the valid pixels of the window (NaN when none), and metric pixel sizes.
/// </summary>
public static class ScalarFeatures
{
    /// <summary>Computes all planes. <paramref name="output"/> holds <see cref="FeatureSchema.Count"/> planes of width*height.</summary>
    public static void Compute(IReadOnlyList<float[]> bands, float[] dh, int width, int height, double pixelDx, double pixelDy, float[][] output, SiteMedians? medians = null)
    {
        var n = width * height;
        for (var b = 0; b < 10; b++) Array.Copy(bands[b], output[b], n);
        Array.Copy(dh, output[FeatureSchema.Dh], n);
        for (var i = 0; i < n; i++)
        {
            float b2 = bands[0][i], b3 = bands[1][i], b4 = bands[2][i], b5 = bands[3][i], b8 = bands[6][i], b8a = bands[7][i], b11 = bands[8][i], b12 = bands[9][i];
            output[FeatureSchema.Ndvi][i] = NormalizedDifference(b8, b4);
            output[FeatureSchema.Ndwi][i] = NormalizedDifference(b3, b8);
            output[FeatureSchema.Mndwi][i] = NormalizedDifference(b3, b11);
            output[FeatureSchema.Ndbi][i] = NormalizedDifference(b11, b8);
            output[FeatureSchema.Nbr][i] = NormalizedDifference(b8, b12);
            output[FeatureSchema.Ndre][i] = NormalizedDifference(b8a, b5);
            output[FeatureSchema.Bsi][i] = Bsi(b2, b4, b8, b11);
        }
        FocalMeanStd(dh, width, height, 1, output[FeatureSchema.DhMean3], output[FeatureSchema.DhStd3]);
        FocalMeanStd(dh, width, height, 2, output[FeatureSchema.DhMean5], output[FeatureSchema.DhStd5]);
        Gradient(dh, width, height, pixelDx, pixelDy, output[FeatureSchema.DhGrad]);
        var scratch = new float[n];
        FocalMeanStd(bands[6], width, height, 1, scratch, output[FeatureSchema.NirStd3]);
        if (output[FeatureSchema.DhMean15] is not null)
        {
            FocalMeanStd(dh, width, height, 7, output[FeatureSchema.DhMean15], output[FeatureSchema.DhStd15]);
            FocalMeanStd(dh, width, height, 15, output[FeatureSchema.DhMean31], output[FeatureSchema.DhStd31]);
            FocalMeanStd(bands[6], width, height, 3, scratch, output[FeatureSchema.NirStd7]);
        }
        if (output[FeatureSchema.B02Site] is not null)
        {
            var m = medians ?? SiteMedians.Unknown;
            for (var i = 0; i < n; i++)
            {
                for (var b = 0; b < 10; b++) output[FeatureSchema.B02Site + b][i] = bands[b][i] / m.BandDivisor(b);
            }
        }
    }

    /// <summary>(a - b) / (a + b) in float; 0 when a + b = 0; NaN when an input is NaN (a NaN sum is never 0).</summary>
    public static float NormalizedDifference(float a, float b)
    {
        var s = a + b;
        return s == 0 ? 0f : (a - b) / s;
    }

    /// <summary>BSI = ((B11 + B04) - (B08 + B02)) / ((B11 + B04) + (B08 + B02) + 1e-6), the authors' formula.</summary>
    public static float Bsi(float b2, float b4, float b8, float b11)
    {
        var p = b11 + b4;
        var q = b8 + b2;
        var d = p + q + 1e-6f;
        return d == 0 ? 0f : (p - q) / d;
    }

    /// <summary>Mean and population standard deviation over the valid pixels of a (2r+1)² window.</summary>
    public static void FocalMeanStd(float[] src, int width, int height, int radius, float[] mean, float[] std)
    {
        for (var r = 0; r < height; r++)
            for (var c = 0; c < width; c++)
                (mean[r * width + c], std[r * width + c]) = WindowMeanStd(src, width, height, r, c, radius);
    }

    /// <summary>
    /// Mean and population standard deviation at one pixel: sums in double, in row-major order, over the
    /// non-NaN pixels of the window that lie inside the grid; (NaN, NaN) when there are none. An infinite
    /// value counts as valid: the mean becomes infinite (NaN if both signs occur) and the std NaN.
    /// </summary>
    public static (float Mean, float Std) WindowMeanStd(float[] src, int width, int height, int r, int c, int radius)
    {
        double sum = 0, sum2 = 0;
        var count = 0;
        for (var dr = -radius; dr <= radius; dr++)
        {
            var rr = r + dr;
            if (rr < 0 || rr >= height) continue;
            for (var dc = -radius; dc <= radius; dc++)
            {
                var cc = c + dc;
                if (cc < 0 || cc >= width) continue;
                var v = src[rr * width + cc];
                if (float.IsNaN(v)) continue;
                sum += v; sum2 += (double)v * v; count++;
            }
        }
        if (count == 0) return (float.NaN, float.NaN);
        var m = sum / count;
        return ((float)m, (float)Math.Sqrt(Math.Max(0, sum2 / count - m * m)));
    }

    /// <summary>Gradient magnitude (m/m) by central differences in metres; NaN where a neighbour is missing or at the grid edge.</summary>
    public static void Gradient(float[] src, int width, int height, double dx, double dy, float[] output)
    {
        for (var r = 0; r < height; r++)
        {
            for (var c = 0; c < width; c++)
            {
                var i = r * width + c;
                if (r == 0 || c == 0 || r == height - 1 || c == width - 1) { output[i] = float.NaN; continue; }
                output[i] = GradientAt(src, width, i, dx, dy);
            }
        }
    }

    /// <summary>Gradient magnitude at an interior pixel: float differences, then double; NaN propagates from missing neighbours.</summary>
    public static float GradientAt(float[] src, int width, int i, double dx, double dy)
    {
        var gx = (src[i + 1] - src[i - 1]) / (2 * dx);
        var gy = (src[i + width] - src[i - width]) / (2 * dy);
        return (float)Math.Sqrt(gx * gx + gy * gy);
    }
}
