namespace MiningLulc.Synthetic;

/// <summary>
/// The natural ground of a region, inside and outside the sites alike (mines are carved into it, so
/// nothing changes at a site's outline): bare soil with sparse plants and rock outcrops, patches of
/// shrub, grass and forest, and the smooth geology that tints the soil from place to place
/// (brightness, spectral slope, iron oxide, clay). Also the DCM's penetration bias under
/// vegetation, which varies smoothly too. Immutable after construction; thread-safe.
/// </summary>
internal sealed class Terrain
{
    /// <summary>Value noise spreads about 0.4 around 0: this turns a standard deviation into an amplitude.</summary>
    private const double Amplitude = 2.5;
    private static readonly float[] IronShape = [-1f, -0.6f, 0.5f, 0.6f, 0.5f, 0.4f, 0.2f, 0.15f, 0.3f, 0.2f];
    private static readonly float[] ClayShape = [0, 0, 0, 0, 0, 0, 0, 0, 0.3f, -1f];

    private readonly SynthPreset preset;
    private readonly ValueNoise vegetation, vegetationShare, detail, outcrop, relief, bias, bright, slope, iron, clay;
    private readonly double threshold;

    public Terrain(SynthPreset preset, Random rng, int seed, double cx, double cy, double extent)
    {
        this.preset = preset;
        vegetation = new ValueNoise(seed + 13, 170);
        vegetationShare = new ValueNoise(seed + 14, 2200, 2);
        detail = new ValueNoise(seed + 15, 45, 2);
        outcrop = new ValueNoise(seed + 16, 90, 2);
        relief = new ValueNoise(seed + 18, 110, 2);
        bias = new ValueNoise(seed + 20, 1500, 2);
        bright = new ValueNoise(seed + 21, 2600, 2);
        slope = new ValueNoise(seed + 22, 3100, 2);
        iron = new ValueNoise(seed + 24, 2800, 2);
        clay = new ValueNoise(seed + 25, 3400, 2);
        // The threshold that gives the preset's vegetation share over the region (seeded samples).
        var values = new double[3000];
        for (var i = 0; i < values.Length; i++)
        {
            var (x, y) = (cx + (rng.NextDouble() - 0.5) * extent, cy + (rng.NextDouble() - 0.5) * extent);
            values[i] = vegetation.At(x, y) + 0.3 * vegetationShare.At(x, y);
        }
        Array.Sort(values);
        var share = Math.Clamp(preset.Vegetation, 0, 1);
        threshold = share <= 0 ? double.PositiveInfinity : values[(int)Math.Min(values.Length - 1, (1 - share) * values.Length)];

        var green = Tint(0.07 * SynthRandom.Gaussian(rng), 0.04 * SynthRandom.Gaussian(rng), 0, 0);
        Forest = Mul(Spectra.Forest, green);
        Grass = Mul(Spectra.Grass, green);
        Dryness = (float)Math.Clamp(0.5 + 0.15 * SynthRandom.Gaussian(rng) - 0.6 * (preset.Vegetation - 0.2), 0.05, 0.95);
    }

    public float[] Forest { get; }
    public float[] Grass { get; }
    /// <summary>Share of dry grass in sparse vegetation (0..1).</summary>
    public float Dryness { get; }

    /// <summary>Bare soil or vegetation at a point, with its true elevation change (the penetration bias under plants).</summary>
    public Ground Natural(double x, double y)
    {
        var d = detail.At(x, y);
        var v = vegetation.At(x, y) + 0.3 * vegetationShare.At(x, y);
        if (v > threshold)
        {
            var cover = (float)Math.Clamp(0.32 + 0.68 * (v - threshold) / 0.2, 0.32, 1);
            var trees = (float)Math.Clamp(preset.ForestShare + 0.6 * d, 0, 1);
            var dh = (float)(preset.VegetationBiasM + 0.8 * Amplitude * bias.At(x, y) + 1.2 * relief.At(y, x) * (0.5 + trees));
            return new Ground(LulcClass.Vegetation, Surface.Vegetation, dh, cover, trees);
        }
        // Bare soil greens towards the vegetation's edge; rock crops out here and there.
        var edge = (float)Math.Clamp((v - (threshold - 0.2)) / 0.2, 0, 1);
        var plants = (float)Math.Clamp(preset.SoilVegetation * (1 + 0.8 * d) + 0.3 * edge, 0, 0.45);
        var rock = (float)Math.Clamp(0.1 + 0.8 * outcrop.At(x, y), 0, 0.7);
        return new Ground(LulcClass.BareSoil, Surface.Natural, (float)(0.5 * relief.At(x, y)), plants, rock);
    }

    /// <summary>The geology at a point: log-brightness, spectral slope, iron oxide and clay terms of the tint.</summary>
    public (double Bright, double Slope, double Iron, double Clay) GeologyAt(double x, double y) =>
        (0.55 * preset.SiteBrightness * Amplitude * bright.At(x, y), preset.GeologySpread * Amplitude * slope.At(x, y),
         preset.IronTint + 0.4 * Amplitude * iron.At(x, y), 3 * preset.GeologySpread * Amplitude * clay.At(x, y));

    /// <summary>The soil's tint at a point (multipliers per band).</summary>
    public void SoilTint(double x, double y, Span<float> tint)
    {
        var (b, s, i, c) = GeologyAt(x, y);
        Tint(b, s, i, c, tint);
    }

    public static float[] Tint(double bright, double slope, double iron, double clay)
    {
        var t = new float[10];
        Tint(bright, slope, iron, clay, t);
        return t;
    }

    private static void Tint(double bright, double slope, double iron, double clay, Span<float> t)
    {
        for (var b = 0; b < 10; b++)
        {
            var s = (Spectra.Wavelength[b] - 1100) / 1000.0;
            t[b] = (float)Math.Exp(bright + slope * s + 0.25 * iron * IronShape[b] + 0.15 * clay * ClayShape[b]);
        }
    }

    public static float[] Mul(float[] a, float[] t)
    {
        var r = new float[a.Length];
        for (var b = 0; b < a.Length; b++) r[b] = a[b] * t[b];
        return r;
    }
}
