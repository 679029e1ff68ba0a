using MiningLulc.Smooth;

namespace MiningLulc.Tests.Smooth;

/// <summary>
/// The stencil filter must equal the brute-force reference exactly, on synthetic (seeded, made-up)
/// sites. Both break distance ties at the k-th neighbour by (distance, row, col) and compute distances
/// with the same arithmetic, so equality is exact even on square grids full of ties.
/// </summary>
public class MajorityFilterEquivalenceTests
{
    public static TheoryData<string> Scenarios => new(ScenarioTable.Keys);

    private static readonly Dictionary<string, Func<(MetricGrid Grid, byte[] Classes, int K)>> ScenarioTable = new()
    {
        ["square 10 m"] = () => (SyntheticSites.Square(64, 50), SyntheticSites.Classes(64, 50, seed: 1), 48),
        ["square 10 m, heavy salt"] = () => (SyntheticSites.Square(50, 45), SyntheticSites.Classes(50, 45, 2, salt: 0.5), 48),
        ["anisotropic 7.6 x 10 m"] = () => (SyntheticSites.Anisotropic(70, 60), SyntheticSites.Classes(70, 60, 3), 48),
        ["rotated 0.03 rad, sheared"] = () => (SyntheticSites.Rotated(66, 58, 0.03), SyntheticSites.Classes(66, 58, 4), 48),
        ["rotated 0.6 rad, sheared"] = () => (SyntheticSites.Rotated(60, 60, 0.6), SyntheticSites.Classes(60, 60, 5), 48),
        // Bent (non-affine) and spanning several 32 px tiles, so the local and site error bounds differ.
        ["bent, several tiles"] = () => (SyntheticSites.Rotated(100, 75, 0.02, curve: 0.002), SyntheticSites.Classes(100, 75, 6, holes: 4), 48),
        // Strongly bent: margins get large, so more pixels need the wider walk or the fallback.
        ["strongly bent"] = () => (SyntheticSites.Rotated(70, 70, 0.1, curve: 0.05), SyntheticSites.Classes(70, 70, 7), 48),
        ["y grows downwards, x flipped"] = () => (SyntheticSites.Grid(55, 48, -9, 0, 0, 12), SyntheticSites.Classes(55, 48, 8), 48),
        ["many missing pixels"] = () => (SyntheticSites.Anisotropic(60, 60), SyntheticSites.Classes(60, 60, 9, missing: 0.6), 48),
        ["fewer than 48 classified"] = () => (SyntheticSites.Anisotropic(12, 10), SyntheticSites.Scattered(12, 10, 30, seed: 10), 48),
        ["single classified pixel"] = () => (SyntheticSites.Square(7, 5), SyntheticSites.Scattered(7, 5, 1, seed: 11), 48),
        ["all unclassified"] = () => (SyntheticSites.Square(9, 8), new byte[72], 48),
        // Any nonzero byte is a class; codes far above 7 (the vote scan runs up to the largest code).
        ["class codes up to 255"] = () => (SyntheticSites.Anisotropic(45, 40),
            SyntheticSites.Classes(45, 40, 22).Select(b => b == 0 ? (byte)0 : new byte[] { 0, 3, 17, 64, 128, 200, 254, 255 }[b]).ToArray(), 48),
        ["k = 1"] = () => (SyntheticSites.Anisotropic(40, 30), SyntheticSites.Classes(40, 30, 12), 1),
        ["k = 8"] = () => (SyntheticSites.Rotated(40, 35, 0.2), SyntheticSites.Classes(40, 35, 13), 8),
        ["k = 9 on square grid"] = () => (SyntheticSites.Square(40, 35), SyntheticSites.Classes(40, 35, 14), 9),
        ["k = 200"] = () => (SyntheticSites.Anisotropic(50, 45), SyntheticSites.Classes(50, 45, 15), 200),
        ["k larger than n"] = () => (SyntheticSites.Square(20, 20), SyntheticSites.Classes(20, 20, 16), 1000),
        // Sparse: few pixels within the stencil box, so the stencil is exhausted and the fallback decides.
        ["sparse 1 % of 150 x 150"] = () => (SyntheticSites.Anisotropic(150, 150), SyntheticSites.Scattered(150, 150, 225, seed: 17), 48),
        // One row / one column: no spacing estimate in one direction, the whole call is brute force.
        ["single row"] = () => (SyntheticSites.Square(200, 1), SyntheticSites.Classes(200, 1, 18, missing: 0.2), 48),
        ["single column"] = () => (SyntheticSites.Anisotropic(1, 150), SyntheticSites.Classes(1, 150, 19, missing: 0.2), 48),
    };

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Stencil_EqualsReference(string scenario)
    {
        var (grid, classes, k) = ScenarioTable[scenario]();
        AssertSameAsReference(grid, classes, k);
    }

    [Fact]
    public void ScrambledCoordinates_FallBackAndStillEqualReference()
    {
        // Coordinates that are not a grid at all (cells shuffled): the error bounds become huge, so the
        // stencil must not be trusted; every pixel has to end up on the exact path.
        // Larger than the stencil box, so that pixels outside the box matter too.
        const int size = 60;
        var grid0 = SyntheticSites.Anisotropic(size, size);
        var rng = new Random(20);
        int[] perm = Enumerable.Range(0, size * size).OrderBy(_ => rng.Next()).ToArray();
        var grid = new MetricGrid(size, size, perm.Select(i => grid0.X[i]).ToArray(), perm.Select(i => grid0.Y[i]).ToArray());
        var classes = SyntheticSites.Classes(size, size, 21);
        var stats = AssertSameAsReference(grid, classes, 48);
        Assert.True(stats.FallbackPixels > 0);
    }

    [Fact]
    public void SparseSite_UsesFallback_DenseSite_DoesNot()
    {
        // Guards that the scenarios above exercise both paths.
        var sparse = AssertSameAsReference(SyntheticSites.Anisotropic(150, 150),
            SyntheticSites.Scattered(150, 150, 225, seed: 17), 48);
        Assert.True(sparse.FallbackPixels > 0, "sparse site should exhaust the stencil");
        var dense = AssertSameAsReference(SyntheticSites.Rotated(100, 75, 0.02, curve: 0.002),
            SyntheticSites.Classes(100, 75, 6, holes: 4), 48);
        Assert.Equal(0, dense.FallbackPixels);
        Assert.True(dense.StencilPixels > 4000);
    }

    [Fact]
    public void RandomSweep_EqualsReference()
    {
        // Random sizes, spacings, rotations, bends, densities and k.
        var rng = new Random(2024);
        for (int trial = 0; trial < 25; trial++)
        {
            int w = rng.Next(1, 50), h = rng.Next(1, 50);
            double angle = rng.NextDouble() * 2 * Math.PI;
            double sx = 2 + rng.NextDouble() * 20, sy = 2 + rng.NextDouble() * 20;
            double shear = (rng.NextDouble() - 0.5) * 0.3 * sy;
            double cos = Math.Cos(angle), sin = Math.Sin(angle);
            var grid = SyntheticSites.Grid(w, h, sx * cos, sx * sin, shear * cos - sy * sin, shear * sin + sy * cos,
                curve: rng.NextDouble() < 0.5 ? 0 : rng.NextDouble() * 0.01);
            var classes = SyntheticSites.Classes(w, h, rng.Next(), salt: rng.NextDouble(), missing: rng.NextDouble() * 0.7,
                holes: rng.Next(0, 4), blob: rng.Next(1, 10));
            int k = rng.NextDouble() < 0.5 ? 48 : rng.Next(1, 120);
            AssertSameAsReference(grid, classes, k, $"trial {trial} ({w} x {h}, k = {k})");
        }
    }

    private static MajorityFilter.Stats AssertSameAsReference(MetricGrid grid, byte[] classes, int k, string what = "")
    {
        var expected = new byte[classes.Length];
        MajorityFilterReference.Apply(classes, grid, expected, k);
        var actual = new byte[classes.Length];
        var stats = MajorityFilter.ApplyWithStats(classes, grid, actual, k);

        var diffs = Enumerable.Range(0, classes.Length).Where(i => expected[i] != actual[i])
            .Select(i => $"({i / grid.Width},{i % grid.Width}): ref {expected[i]}, fast {actual[i]}").Take(10).ToList();
        Assert.True(diffs.Count == 0, $"{what} differs from reference at {string.Join("; ", diffs)}");
        Assert.Equal(classes.Count(b => b != 0), stats.StencilPixels + stats.FallbackPixels);
        return stats;
    }
}
