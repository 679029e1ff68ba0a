namespace MiningLulc.Synthetic;

/// <summary>
/// How one site (or the land around the sites) looks: its materials after the site's geology tint
/// (brightness, spectral slope, iron oxide, clay/carbonate), its vegetation and water colours, its
/// roofs, and the penetration bias of the DCM under its vegetation. Pit, dump, disturbed land and
/// bare soil are all made of the site's own rock and soil, so they move together from site to site.
/// Immutable after construction; thread-safe.
/// </summary>
internal sealed class SiteStyle
{
    private const int B = 10;
    /// <summary>Iron-oxide shape: blue absorbed, red and red-edge raised, a dip near 900 nm.</summary>
    private static readonly float[] IronShape = [-1f, -0.6f, 0.5f, 0.6f, 0.5f, 0.4f, 0.2f, 0.15f, 0.3f, 0.2f];
    /// <summary>Clay and carbonate: absorption near 2200 nm (B12) against B11.</summary>
    private static readonly float[] ClayShape = [0, 0, 0, 0, 0, 0, 0, 0, 0.3f, -1f];
    /// <summary>How much a wet surface darkens per band (water absorbs most in the SWIR).</summary>
    private static readonly float[] WetShape = [0.22f, 0.24f, 0.27f, 0.29f, 0.32f, 0.35f, 0.38f, 0.38f, 0.55f, 0.6f];
    private static readonly float[] Swir = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1];

    private readonly float[] rock, wasteFromRock, wasteFromSoil, trafficFromRock, trafficFromSoil, soil, tailings, forest, grass, dry, vegetationUnder;
    private readonly float[][] water, builtUp;

    public SiteStyle(SynthPreset preset, Random rng)
    {
        double G() => SynthRandom.Gaussian(rng);
        // Geology of the site, shared by its rock and soil, then each with its own deviation.
        var bright = preset.SiteBrightness * G();
        var slope = preset.GeologySpread * G();
        var iron = preset.IronTint + 0.4 * G();
        var clay = 3 * preset.GeologySpread * G();
        var rockTint = Tint(bright + 0.15 * G(), slope + 0.7 * preset.GeologySpread * G(), iron + 0.45 * G(), clay + 0.4 * G());
        var soilTint = Tint(bright + 0.15 * G(), slope + 0.7 * preset.GeologySpread * G(), iron + 0.45 * G(), clay + 0.4 * G());
        rock = Mul(Spectra.Rock, rockTint);
        soil = Mul(Spectra.Soil, soilTint);
        wasteFromRock = Mul(Spectra.WasteRock, rockTint);
        wasteFromSoil = Mul(Spectra.WasteRock, soilTint);
        trafficFromRock = Mul(Spectra.Trafficked, rockTint);
        trafficFromSoil = Mul(Spectra.Trafficked, soilTint);
        tailings = Mul(Spectra.Tailings, Tint(0.6 * bright + 0.08 * G(), 0.5 * slope, 0.3 * iron, 0.5 * clay));

        var green = Tint(0.07 * G(), 0.04 * G(), 0, 0);
        forest = Mul(Spectra.Forest, green);
        grass = Mul(Spectra.Grass, green);
        dry = Mul(Spectra.DryGrass, soilTint);
        Dryness = (float)Math.Clamp(0.5 + 0.25 * G() - 0.5 * (preset.Vegetation - 0.2), 0.05, 0.95);
        vegetationUnder = new float[B];
        for (var b = 0; b < B; b++) vegetationUnder[b] = 0.5f * soil[b] + 0.5f * dry[b];

        var waterTint = Tint(0.15 * G(), 0.05 * G(), 0, 0);
        water = [Mul(Spectra.ClearWater, waterTint), Mul(Spectra.TurbidWater, waterTint), Mul(Spectra.AlgalWater, waterTint), Mul(Spectra.TailingsWater, waterTint)];
        var roofTint = Tint(0.12 * G(), 0.03 * G(), 0, 0);
        builtUp = Spectra.BuiltUp.Select(s => Mul(s, roofTint)).ToArray();

        VegetationBiasM = (float)(preset.VegetationBiasM + 1.5 * G());
    }

    /// <summary>Share of dry grass in this site's sparse vegetation (0..1).</summary>
    public float Dryness { get; }
    /// <summary>Mean DCM bias under this site's vegetation (X-band penetration, seasonal canopy), metres.</summary>
    public float VegetationBiasM { get; }

    /// <summary>
    /// Writes the reflectance of <paramref name="g"/> into <paramref name="spectrum"/>: its recipe,
    /// times its light (<see cref="Ground.Light"/>: shade, strata), times <paramref name="texture"/>; <paramref name="moisture"/>
    /// (-1..1) darkens or brightens the SWIR of mineral ground; <paramref name="greenness"/> scales
    /// plant cover (the year's season).
    /// </summary>
    public void Paint(in Ground g, float texture, float moisture, float greenness, Span<float> spectrum)
    {
        switch (g.Surface)
        {
            case Surface.Natural:
                {
                    var f = Math.Clamp(g.P * greenness, 0, 1);
                    for (var b = 0; b < B; b++)
                    {
                        var mineral = soil[b] + g.Q * (rock[b] - soil[b]);
                        var plants = grass[b] + Dryness * (dry[b] - grass[b]);
                        spectrum[b] = mineral + f * (plants - mineral);
                    }
                    break;
                }
            case Surface.Vegetation:
                {
                    var f = Math.Clamp(g.P * greenness, 0, 1);
                    for (var b = 0; b < B; b++)
                    {
                        var canopy = grass[b] + g.Q * (forest[b] - grass[b]);
                        spectrum[b] = vegetationUnder[b] + f * (canopy - vegetationUnder[b]);
                    }
                    return; // plants: no mineral moisture, no texture beyond the cover fraction
                }
            case Surface.PitRock:
                for (var b = 0; b < B; b++) spectrum[b] = rock[b] * (1 - g.Q * WetShape[b]);
                break;
            case Surface.Dump:
                {
                    var f = Math.Clamp(g.Q * greenness, 0, 1);
                    for (var b = 0; b < B; b++)
                    {
                        var waste = wasteFromSoil[b] + g.P * (wasteFromRock[b] - wasteFromSoil[b]);
                        spectrum[b] = waste + f * (grass[b] - waste);
                    }
                    break;
                }
            case Surface.TailingsBeach:
                for (var b = 0; b < B; b++) spectrum[b] = tailings[b] * (1 - g.Q * WetShape[b]);
                break;
            case Surface.Disturbed:
                {
                    var f = Math.Clamp(g.Q * greenness, 0, 1);
                    for (var b = 0; b < B; b++)
                    {
                        var ground = trafficFromSoil[b] + g.P * (trafficFromRock[b] - trafficFromSoil[b]);
                        var plants = grass[b] + Dryness * (dry[b] - grass[b]);
                        spectrum[b] = ground + f * (plants - ground);
                    }
                    break;
                }
            case Surface.Water:
                {
                    var kind = water[Math.Min(g.Kind, (byte)3)];
                    var clear = water[0];
                    for (var b = 0; b < B; b++)
                    {
                        var w = clear[b] + g.P * (kind[b] - clear[b]);
                        spectrum[b] = w + g.Q * (0.55f * rock[b] - w);
                    }
                    for (var b = 0; b < B; b++) spectrum[b] *= g.Light;
                    return;
                }
            case Surface.BuiltUp:
                {
                    var m = builtUp[Math.Min(g.Kind, (byte)(builtUp.Length - 1))];
                    for (var b = 0; b < B; b++) spectrum[b] = m[b] * g.P;
                    break;
                }
        }
        var k = g.Light * texture;
        for (var b = 0; b < B; b++) spectrum[b] *= k * (1 - 0.12f * moisture * Swir[b]);
    }

    private static float[] Tint(double bright, double slope, double iron, double clay)
    {
        var t = new float[B];
        for (var b = 0; b < B; b++)
        {
            var s = (Spectra.Wavelength[b] - 1100) / 1000.0;
            t[b] = (float)Math.Exp(bright + slope * s + 0.25 * iron * IronShape[b] + 0.15 * clay * ClayShape[b]);
        }
        return t;
    }

    private static float[] Mul(float[] a, float[] t)
    {
        var r = new float[B];
        for (var b = 0; b < B; b++) r[b] = a[b] * t[b];
        return r;
    }
}
