namespace MiningLulc.Synthetic;

/// <summary>
/// How one site looks: the rock it mines (the local geology of <see cref="Terrain"/> at the site,
/// with the ore body's own deviation in brightness, slope, iron and clay), its tailings, its water
/// colours and its roofs. Natural ground and the soil share of dumps and disturbed land take the
/// terrain's soil at the pixel, so pit, dump, disturbed land and bare soil move together from
/// place to place, and nothing changes at a site's outline. Immutable; thread-safe.
/// </summary>
internal sealed class SiteStyle
{
    private const int B = 10;
    /// <summary>How much a wet surface darkens per band (water absorbs most in the SWIR).</summary>
    private static readonly float[] WetShape = [0.22f, 0.24f, 0.27f, 0.29f, 0.32f, 0.35f, 0.38f, 0.38f, 0.55f, 0.6f];

    private readonly Terrain terrain;
    private readonly float[] rock, wasteFromRock, trafficFromRock, tailings;
    private readonly float[][] water, builtUp;

    public SiteStyle(SynthPreset preset, Random rng, Terrain terrain, double cx, double cy)
    {
        double G() => SynthRandom.Gaussian(rng);
        this.terrain = terrain;
        var (bright, slope, iron, clay) = terrain.GeologyAt(cx, cy);
        var rockTint = Terrain.Tint(bright + preset.SiteBrightness * 0.8 * G(), slope + preset.GeologySpread * G(), iron + 0.45 * G(), clay + 0.4 * G());
        rock = Terrain.Mul(Spectra.Rock, rockTint);
        wasteFromRock = Terrain.Mul(Spectra.WasteRock, rockTint);
        trafficFromRock = Terrain.Mul(Spectra.Trafficked, rockTint);
        tailings = Terrain.Mul(Spectra.Tailings, Terrain.Tint(0.6 * bright + 0.08 * G(), 0.5 * slope, 0.3 * iron, 0.5 * clay));
        var waterTint = Terrain.Tint(0.15 * G(), 0.05 * G(), 0, 0);
        water = [Terrain.Mul(Spectra.ClearWater, waterTint), Terrain.Mul(Spectra.TurbidWater, waterTint), Terrain.Mul(Spectra.AlgalWater, waterTint), Terrain.Mul(Spectra.TailingsWater, waterTint)];
        var roofTint = Terrain.Tint(0.12 * G(), 0.03 * G(), 0, 0);
        builtUp = Spectra.BuiltUp.Select(s => Terrain.Mul(s, roofTint)).ToArray();
    }

    /// <summary>
    /// Writes the reflectance of <paramref name="g"/> into <paramref name="spectrum"/>: its recipe
    /// (with the terrain's <paramref name="soilTint"/> at this pixel for anything made of soil),
    /// times its <see cref="Ground.Light"/> (shade, strata), times <paramref name="texture"/>;
    /// <paramref name="moisture"/> (-1..1) darkens or brightens the SWIR of mineral ground;
    /// <paramref name="greenness"/> scales plant cover (the year's season).
    /// </summary>
    public void Paint(in Ground g, ReadOnlySpan<float> soilTint, float texture, float moisture, float greenness, Span<float> spectrum)
    {
        var dryness = terrain.Dryness;
        var grass = terrain.Grass;
        switch (g.Surface)
        {
            case Surface.Natural:
                {
                    var f = Math.Clamp(g.P * greenness, 0, 1);
                    for (var b = 0; b < B; b++)
                    {
                        var soil = Spectra.Soil[b] * soilTint[b];
                        var mineral = soil + g.Q * (Spectra.Rock[b] * soilTint[b] - soil);
                        var plants = grass[b] + dryness * (Spectra.DryGrass[b] * soilTint[b] - grass[b]);
                        spectrum[b] = mineral + f * (plants - mineral);
                    }
                    break;
                }
            case Surface.Vegetation:
                {
                    var f = Math.Clamp(g.P * greenness, 0, 1);
                    var forest = terrain.Forest;
                    for (var b = 0; b < B; b++)
                    {
                        var canopy = grass[b] + g.Q * (forest[b] - grass[b]);
                        var under = 0.5f * (Spectra.Soil[b] + Spectra.DryGrass[b]) * soilTint[b];
                        spectrum[b] = under + f * (canopy - under);
                    }
                    return; // plants: no mineral moisture, no texture beyond the cover fraction
                }
            case Surface.PitRock:
                for (var b = 0; b < B; b++) spectrum[b] = (rock[b] + g.R * (trafficFromRock[b] - rock[b])) * (1 - g.Q * WetShape[b]);
                break;
            case Surface.Dump:
                {
                    var f = Math.Clamp(g.Q * greenness, 0, 1);
                    for (var b = 0; b < B; b++)
                    {
                        var fromSoil = Spectra.WasteRock[b] * soilTint[b];
                        var waste = fromSoil + g.P * (wasteFromRock[b] - fromSoil);
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
                        var fromSoil = Spectra.Trafficked[b] * soilTint[b];
                        var ground = fromSoil + g.P * (trafficFromRock[b] - fromSoil) + g.R * (Spectra.Soil[b] * soilTint[b] - fromSoil);
                        var plants = grass[b] + dryness * (Spectra.DryGrass[b] * soilTint[b] - grass[b]);
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
                        spectrum[b] = (w + g.Q * (0.55f * rock[b] - w)) * g.Light;
                    }
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
        for (var b = 0; b < 8; b++) spectrum[b] *= k;
        var swir = k * (1 - 0.12f * moisture);
        spectrum[8] *= swir;
        spectrum[9] *= swir;
    }
}
