namespace MiningLulc.Training;

/// <summary>
/// The forest's random numbers: SplitMix64 (Steele, Lea and Flood 2014), written out here so that a
/// seed gives the same bootstrap samples, feature draws and tie breaks on every runtime, which
/// <see cref="System.Random"/> does not promise across .NET versions. Not thread-safe: one per tree.
/// </summary>
internal struct RandomForestRandom(ulong state)
{
    private ulong state = state;

    /// <summary>Tree <paramref name="tree"/>'s generator: a fixed function of the forest's seed and the tree's index, so trees can grow in any order on any thread.</summary>
    public static RandomForestRandom ForTree(int forestSeed, int tree)
    {
        var mixer = new RandomForestRandom((ulong)(uint)forestSeed << 32 | (uint)tree);
        return new RandomForestRandom(mixer.NextULong());
    }

    public ulong NextULong()
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, <paramref name="n"/>): the high 32 bits scaled by n (bias below n / 2^32, far under anything measurable here).</summary>
    public int NextInt(int n) => (int)(((NextULong() >> 32) * (ulong)(uint)n) >> 32);

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));
}
