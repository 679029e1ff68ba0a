namespace MiningLulc.Synthetic;

/// <summary>How a point's reflectance is made (the recipe <see cref="SiteStyle.Paint"/> follows).</summary>
internal enum Surface : byte
{
    /// <summary>Natural ground: soil with a fraction <c>P</c> of sparse plants and a share <c>Q</c> of rock outcrop.</summary>
    Natural,
    /// <summary>Plant cover: green fraction <c>P</c> (0..1) over soil and litter, tree share <c>Q</c>.</summary>
    Vegetation,
    /// <summary>Pit rock: wetness <c>Q</c>, trafficked share <c>R</c> (berms and floor); shade and strata in <see cref="Ground.Light"/>.</summary>
    PitRock,
    /// <summary>Waste rock: share <c>P</c> of pit rock (the rest local soil), plant cover <c>Q</c> (rehabilitation).</summary>
    Dump,
    /// <summary>Dry or damp tailings: wetness <c>Q</c>.</summary>
    TailingsBeach,
    /// <summary>Cleared ground: share <c>P</c> of pit rock in it, share <c>R</c> of scraped natural soil (the rest trafficked), plant fraction <c>Q</c>.</summary>
    Disturbed,
    /// <summary>Water of kind <c>Kind</c> (0 clear, 1 turbid, 2 algal, 3 tailings): turbidity <c>P</c>, visible bottom <c>Q</c>.</summary>
    Water,
    /// <summary>Roof or pad of material <c>Kind</c> (index into <see cref="Spectra.BuiltUp"/>), brightness <c>P</c>.</summary>
    BuiltUp,
}

/// <summary>What lies at one point of the synthetic world: the true class, the true elevation change, and how it looks.</summary>
internal struct Ground
{
    public LulcClass Class;
    public Surface Surface;
    public byte Kind;
    /// <summary>True elevation change (later minus baseline), metres; NaN where the DCM cannot see (masked water, radar shadow).</summary>
    public float Dh;
    public float P;
    public float Q;
    /// <summary>Multiplier of the reflectance: sun and shade on slopes, rock strata.</summary>
    public float Light;
    public float R;

    public Ground(LulcClass cls, Surface surface, float dh, float p = 0, float q = 0, byte kind = 0, float light = 1, float r = 0)
    {
        R = r;
        Light = light;
        Class = cls;
        Surface = surface;
        Dh = dh;
        P = p;
        Q = q;
        Kind = kind;
    }
}

/// <summary>Seeded random helpers: draws from a <see cref="Random"/>, and order-free per-pixel values from hashes.</summary>
internal static class SynthRandom
{
    public static double Uniform(Random rng, double a, double b) => a + (b - a) * rng.NextDouble();

    public static double LogUniform(Random rng, double a, double b) => Math.Exp(Uniform(rng, Math.Log(a), Math.Log(b)));

    public static bool Chance(Random rng, double p) => rng.NextDouble() < p;

    public static double Gaussian(Random rng)
    {
        var u1 = 1.0 - rng.NextDouble();
        var u2 = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>A standard normal value for integer coordinates, from a hash: no shared state, so any order gives the same values.</summary>
    public static double Gauss(long x, long y, int seed)
    {
        var u1 = (ValueNoise.Hash(x, y, seed) + 1) / 2;
        var u2 = (ValueNoise.Hash(x, y, seed ^ 0x5bd1e995) + 1) / 2;
        return Math.Sqrt(-2 * Math.Log(Math.Max(u1, 1e-12))) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>A uniform value in [0, 1) for integer coordinates, from a hash.</summary>
    public static double Unit(long x, long y, int seed) => (ValueNoise.Hash(x, y, seed) + 1) / 2;
}
