using MiningLulc.Geo;

namespace MiningLulc.Synthetic;

/// <summary>
/// Renders a year's Sentinel-2-like median composite on the region's 10 m UTM grid: each pixel is
/// the mean of 3 x 3 sub-pixels of 3.3 m (mixed pixels at every border), each painted by its site's
/// style with within-class texture and grain; then the year's look (gain per band, haze varying in
/// space, the season's greenness), the 20 m bands averaged over their true 20 m footprint, sensor
/// and compositing noise (per 20 m pixel for the 20 m bands), and cloud gaps with bright fringes of
/// residual cloud. Also records the truth: the majority class of each pixel's sub-pixels.
/// Rows are rendered in parallel; every value is a pure function of position and seed, so the
/// result does not depend on the number of threads.
/// </summary>
internal sealed class CompositeRenderer
{
    private const int Sub = 3;
    private const double SubPixel = 10.0 / Sub;
    internal static readonly bool[] Is20m = [false, false, false, true, true, true, false, true, true, true];
    private static readonly float[] HazeShape = [1f, 0.75f, 0.5f, 0.4f, 0.3f, 0.25f, 0.2f, 0.2f, 0.05f, 0.03f];

    private readonly SyntheticWorld world;
    private readonly SynthPreset preset;
    private readonly GeoTransform grid;
    private readonly int width, height, seed;
    private readonly ValueNoise texture, moisture;

    public CompositeRenderer(SyntheticWorld world, SynthPreset preset, GeoTransform grid, int width, int height, int seed)
    {
        this.world = world;
        this.preset = preset;
        this.grid = grid;
        this.width = width;
        this.height = height;
        this.seed = seed;
        texture = new ValueNoise(seed + 31, 40, 2);
        moisture = new ValueNoise(seed + 37, 300, 2);
        Truth = new byte[width * height];
    }

    /// <summary>Majority class per pixel of everything rendered so far (0 = never rendered). The same whatever the year.</summary>
    public byte[] Truth { get; }

    /// <summary>Rows rendered at a time (even, so that the 2 x 2 blocks of the 20 m bands never straddle two strips).</summary>
    internal const int StripRows = 256;

    /// <summary>
    /// Renders the pixels of <paramref name="windows"/> for one year and quantizes them: ten planes of reflectance x 10000 as
    /// UInt16, 0 = nodata in every band (<see cref="Quantize"/>). The floats live one strip of <see cref="StripRows"/> rows at a
    /// time, so memory is the UInt16 planes and not also ten float planes of the whole grid; every value is a function of
    /// position and seed, so the result is the same as rendering the whole grid at once.
    /// </summary>
    public ushort[][] RenderQuantized(int year, IReadOnlyList<Window> windows)
    {
        var n = width * height;
        var mask = new bool[n];
        int rowMin = height, rowMax = -1;
        foreach (var w in windows)
        {
            var win = w.Intersect(new Window(0, 0, width, height));
            for (var r = win.RowOff; r < win.RowOff + win.Height; r++)
                for (var c = win.ColOff; c < win.ColOff + win.Width; c++) mask[r * width + c] = true;
            if (!win.IsEmpty) { rowMin = Math.Min(rowMin, win.RowOff); rowMax = Math.Max(rowMax, win.RowOff + win.Height - 1); }
        }
        var result = new ushort[10][];
        for (var b = 0; b < 10; b++) result[b] = new ushort[n];
        if (rowMax < rowMin) return result;

        var look = YearLook.For(preset, seed, year, grid, width, height);
        var strip = new float[10][];
        for (var b = 0; b < 10; b++) strip[b] = new float[Math.Min(StripRows, height) * width];
        for (var r0 = rowMin & ~1; r0 <= rowMax; r0 += StripRows)
        {
            var r1 = Math.Min(r0 + StripRows, height);
            RenderRows(year, look, mask, r0, r1, Math.Max(r0, rowMin), Math.Min(r1 - 1, rowMax), strip);
            Quantize(strip, (r1 - r0) * width, result, r0 * width);
        }
        return result;
    }

    /// <summary>
    /// Reflectance x 10000 rounded to UInt16 (NaN = 0 = nodata, values clamped to 1..65535) from <paramref name="count"/> pixels
    /// of <paramref name="planes"/> into <paramref name="target"/> at <paramref name="offset"/>; a pixel is valid in all ten bands
    /// or in none (nodata is all-band, as in a masked composite).
    /// </summary>
    internal static void Quantize(float[][] planes, int count, ushort[][] target, int offset)
    {
        for (var b = 0; b < planes.Length; b++)
        {
            var p = planes[b];
            var q = target[b];
            for (var i = 0; i < count; i++) q[offset + i] = float.IsNaN(p[i]) ? (ushort)0 : (ushort)Math.Clamp(MathF.Round(p[i]), 1, 65535);
        }
        for (var i = offset; i < offset + count; i++)
        {
            var any0 = false;
            for (var b = 0; b < target.Length && !any0; b++) any0 = target[b][i] == 0;
            if (any0) for (var b = 0; b < target.Length; b++) target[b][i] = 0;
        }
    }

    /// <summary>
    /// Renders rows <paramref name="r0"/> to <paramref name="r1"/> (exclusive; <paramref name="r0"/> even) into <paramref name="planes"/>,
    /// whose index 0 is pixel (<paramref name="r0"/>, 0): the masked pixels of rows <paramref name="first"/> to <paramref name="last"/>
    /// get reflectance x 10000, every other pixel NaN.
    /// </summary>
    private void RenderRows(int year, YearLook look, bool[] mask, int r0, int r1, int first, int last, float[][] planes)
    {
        var offset = r0 * width;
        var rows = r1 - r0;
        for (var b = 0; b < 10; b++) planes[b].AsSpan(0, rows * width).Fill(float.NaN);
        Parallel.For(first, last + 1, r =>
        {
            Span<float> acc = stackalloc float[10];
            Span<float> spectrum = stackalloc float[10];
            Span<int> votes = stackalloc int[LulcClasses.Count + 1];
            Span<float> texCache = stackalloc float[LulcClasses.Count + 1];
            Span<float> soilTint = stackalloc float[10];
            for (var c = 0; c < width; c++)
            {
                var i = r * width + c;
                if (!mask[i]) continue;
                acc.Clear();
                votes.Clear();
                var (x0, y0) = grid.ToWorld(c, r);
                var wet = (float)moisture.At(x0 + 5, y0 - 5);
                texCache.Fill(float.NaN);
                world.Terrain.SoilTint(x0 + 5, y0 - 5, soilTint);
                for (var sy = 0; sy < Sub; sy++)
                {
                    for (var sx = 0; sx < Sub; sx++)
                    {
                        var x = x0 + (sx + 0.5) * SubPixel;
                        var y = y0 - (sy + 0.5) * SubPixel;
                        var (g, style) = world.Sample(x, y);
                        votes[(int)g.Class]++;
                        var grain = SynthRandom.Unit(c * Sub + sx, r * Sub + sy, seed + 41) * 2 - 1;
                        // Texture varies per class (the same field, shifted by class) at 10 m; grain per sub-pixel.
                        var k = (int)g.Class;
                        if (float.IsNaN(texCache[k])) texCache[k] = (float)texture.At(x0 + 5 + 977 * k, y0 - 5);
                        var tex = (float)(1 + preset.Texture * (0.75 * texCache[k] + 0.25 * grain));
                        style.Paint(g, soilTint, tex, wet, look.Greenness, spectrum);
                        for (var b = 0; b < 10; b++) acc[b] += spectrum[b];
                    }
                }
                var haze = (float)Math.Max(0, 1 + 0.8 * look.HazeField.At(x0, y0));
                for (var b = 0; b < 10; b++) planes[b][i - offset] = acc[b] / (Sub * Sub) * look.Gain[b] + look.Haze[b] * haze;
                var best = 1;
                for (var k = 2; k <= LulcClasses.Count; k++) if (votes[k] > votes[best]) best = k;
                Truth[i] = (byte)best;
            }
        });

        // The 20 m bands see 20 m: average each 2 x 2 block (the grid's origin lies on a multiple of 20 m).
        for (var b = 0; b < 10; b++)
        {
            if (!Is20m[b]) continue;
            var p = planes[b];
            for (var r = 0; r + 1 < rows; r += 2)
                for (var c = 0; c + 1 < width; c += 2)
                {
                    int a = r * width + c, d = a + width;
                    var v = (p[a] + p[a + 1] + p[d] + p[d + 1]) / 4;
                    if (float.IsNaN(v)) continue; // a block on the edge of the rendered area keeps its 10 m values
                    p[a] = p[a + 1] = p[d] = p[d + 1] = v;
                }
        }

        // Sensor and compositing noise (per 20 m pixel for the 20 m bands), cloud gaps and their fringes.
        Parallel.For(first, last + 1, r =>
        {
            for (var c = 0; c < width; c++)
            {
                var i = r * width + c;
                if (!mask[i]) continue;
                var (x, y) = grid.ToWorld(c + 0.5, r + 0.5);
                var cloud = look.Clouds.At(x, y);
                if (cloud > look.CloudThreshold)
                {
                    for (var b = 0; b < 10; b++) planes[b][i - offset] = float.NaN;
                    continue;
                }
                var fringe = (float)Math.Max(0, (cloud - (look.CloudThreshold - 0.05)) / 0.05);
                for (var b = 0; b < 10; b++)
                {
                    var v = planes[b][i - offset];
                    var z = Is20m[b] ? SynthRandom.Gauss(c >> 1, r >> 1, seed + year * 16 + b) : SynthRandom.Gauss(c, r, seed + year * 16 + b);
                    planes[b][i - offset] = v + (float)((preset.SensorNoise + 0.015 * v) * z) + fringe * 900 * HazeShape[b];
                }
            }
        });
    }

    /// <summary>How a year's composite differs from another's: gain, haze, season, clouds.</summary>
    private sealed record YearLook(float[] Gain, float[] Haze, float Greenness, ValueNoise HazeField, ValueNoise Clouds, double CloudThreshold)
    {
        public static YearLook For(SynthPreset preset, int seed, int year, GeoTransform grid, int width, int height)
        {
            var rng = new Random(RegionGenerator.Mix(seed, year, 7));
            var common = 0.05 * SynthRandom.Gaussian(rng);
            var gain = new float[10];
            for (var b = 0; b < 10; b++) gain[b] = (float)Math.Exp(common + 0.015 * SynthRandom.Gaussian(rng));
            var amount = preset.Haze * SynthRandom.Uniform(rng, 0.3, 1.7);
            var haze = HazeShape.Select(s => (float)(s * amount)).ToArray();
            var greenness = (float)Math.Exp(0.08 * SynthRandom.Gaussian(rng));
            var clouds = new ValueNoise(RegionGenerator.Mix(seed, year, 11), 450, 3);
            var share = Math.Clamp(preset.CloudGaps * SynthRandom.Uniform(rng, 0.2, 1.8), 0, 0.5);
            // The threshold that leaves about that share of the grid under cloud (from seeded samples).
            var samples = new double[2000];
            for (var k = 0; k < samples.Length; k++)
            {
                var (x, y) = grid.ToWorld(rng.NextDouble() * width, rng.NextDouble() * height);
                samples[k] = clouds.At(x, y);
            }
            Array.Sort(samples);
            var threshold = share <= 0 ? double.PositiveInfinity : samples[(int)Math.Min(samples.Length - 1, (1 - share) * samples.Length)];
            return new YearLook(gain, haze, greenness, new ValueNoise(RegionGenerator.Mix(seed, year, 13), 1500, 2), clouds, threshold);
        }
    }
}
