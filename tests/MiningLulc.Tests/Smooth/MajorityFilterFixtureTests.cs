using System.Globalization;
using System.Text.Json;
using MiningLulc.Smooth;

namespace MiningLulc.Tests.Smooth;

/// <summary>
/// The golden fixture: outputs of the dataset authors' R filter (FNN kd-tree, k = min(48, n)) on three
/// cases, read in place from ../shared/fixtures/majority-filter (see its README.md).
/// </summary>
public class MajorityFilterFixtureTests
{
    private const string Folder = "fixtures/majority-filter";

    [SharedFileFact(Folder)]
    public void Geographic_MatchesR() => AssertMatchesR("geographic", expectedCompared: 3424);

    [SharedFileFact(Folder)]
    public void UtmSouth_MatchesR() => AssertMatchesR("utm-south", expectedCompared: 6038);

    [SharedFileFact(Folder)]
    public void Small_MatchesR() => AssertMatchesR("small", expectedCompared: 30);

    [SharedFileFact(Folder)]
    public void Reference_MatchesR_OnAllCases()
    {
        // The brute-force reference is what the synthetic tests trust; check it against R too.
        foreach (var (name, compared) in new[] { ("geographic", 3424), ("utm-south", 6038), ("small", 30) })
        {
            var fx = FixtureCase.Load(name);
            var output = new byte[fx.ClassIn.Length];
            MajorityFilterReference.Apply(fx.ClassIn, fx.Grid, output);
            Assert.Equal((compared, compared), fx.CountAgreement(output));
        }
    }

    [SharedFileFact(Folder)]
    public void Fixtures_AreDecidedByTheStencil_NotTheFallback()
    {
        // Not a correctness requirement, but the fast path must actually be the one used on real sites.
        foreach (string name in new[] { "geographic", "utm-south" })
        {
            var fx = FixtureCase.Load(name);
            var stats = MajorityFilter.ApplyWithStats(fx.ClassIn, fx.Grid, new byte[fx.ClassIn.Length]);
            Assert.Equal(0, stats.FallbackPixels);
            Assert.Equal(fx.Pixels.Count, stats.StencilPixels);
        }
    }

    [Fact]
    public void SharedFileFact_SkipsWithAReason_WhenTheFolderIsMissing()
    {
        Assert.NotNull(new SharedFileFactAttribute("fixtures/no-such-folder").Skip);
        if (Directory.Exists(Path.Combine(TestPaths.Shared, Folder)))
            Assert.Null(new SharedFileFactAttribute(Folder).Skip);
    }

    private static void AssertMatchesR(string name, int expectedCompared)
    {
        var fx = FixtureCase.Load(name);
        var output = new byte[fx.ClassIn.Length];
        MajorityFilter.Apply(fx.ClassIn, fx.Grid, output);

        // Unclassified cells stay 0.
        for (int i = 0; i < output.Length; i++)
            if (fx.ClassIn[i] == 0)
                Assert.Equal(0, output[i]);

        var mismatches = fx.Pixels
            .Where(px => !fx.ExactTie.Contains(px.Index) && output[px.Index] != px.ClassOut)
            .Select(px => $"({px.Row},{px.Col}): R {px.ClassOut}, ours {output[px.Index]}")
            .Take(20).ToList();
        Assert.True(mismatches.Count == 0, $"{name}: mismatches (first 20): {string.Join("; ", mismatches)}");
        Assert.Equal((expectedCompared, expectedCompared), fx.CountAgreement(output));
    }

    /// <summary>One fixture case: the CSV's classified pixels and the exact-tie pixels to leave out.</summary>
    private sealed class FixtureCase
    {
        public required MetricGrid Grid { get; init; }
        public required byte[] ClassIn { get; init; }
        public required List<FixturePixel> Pixels { get; init; }
        public required HashSet<int> ExactTie { get; init; }

        /// <summary>(compared, agreeing) over the pixels not marked exact_tie = 1.</summary>
        public (int Compared, int Agree) CountAgreement(byte[] output)
        {
            int compared = 0, agree = 0;
            foreach (var px in Pixels)
            {
                if (ExactTie.Contains(px.Index))
                    continue;
                compared++;
                if (output[px.Index] == px.ClassOut)
                    agree++;
            }
            return (compared, agree);
        }

        public static FixtureCase Load(string name)
        {
            string dir = Path.Combine(TestPaths.Shared, Folder);
            // cases.json: shape_hw = [height, width]; classified_px = number of CSV rows.
            using var cases = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "cases.json")));
            var meta = cases.RootElement.GetProperty("cases").GetProperty(name);
            int height = meta.GetProperty("shape_hw")[0].GetInt32();
            int width = meta.GetProperty("shape_hw")[1].GetInt32();
            int classifiedPx = meta.GetProperty("classified_px").GetInt32();
            int count = height * width;
            // Cells not in the CSV are unclassified; their coordinates are never read, so NaN is fine.
            var x = Enumerable.Repeat(double.NaN, count).ToArray();
            var y = Enumerable.Repeat(double.NaN, count).ToArray();
            var classIn = new byte[count];
            var pixels = new List<FixturePixel>();

            string[] lines = File.ReadAllLines(Path.Combine(dir, name + ".csv"));
            Assert.Equal("row,col,x_m,y_m,class_in,class_out", lines[0]);
            foreach (string line in lines.Skip(1).Where(l => l.Length > 0))
            {
                string[] f = line.Split(',');
                int row = int.Parse(f[0], CultureInfo.InvariantCulture);
                int col = int.Parse(f[1], CultureInfo.InvariantCulture);
                int index = row * width + col;
                // Python repr round-trips, and .NET's parser is correctly rounded: the same doubles R saw.
                x[index] = double.Parse(f[2], CultureInfo.InvariantCulture);
                y[index] = double.Parse(f[3], CultureInfo.InvariantCulture);
                classIn[index] = byte.Parse(f[4], CultureInfo.InvariantCulture);
                pixels.Add(new FixturePixel(row, col, index, byte.Parse(f[5], CultureInfo.InvariantCulture)));
            }

            Assert.Equal(classifiedPx, pixels.Count);

            var exactTie = new HashSet<int>();
            string[] tieLines = File.ReadAllLines(Path.Combine(dir, name + "_tie_sensitive.csv"));
            string[] header = tieLines[0].Split(',');
            int tieCol = Array.IndexOf(header, "exact_tie");
            Assert.True(tieCol >= 0, "exact_tie column missing");
            foreach (string line in tieLines.Skip(1).Where(l => l.Length > 0))
            {
                string[] f = line.Split(',');
                if (f[tieCol] == "1")
                    exactTie.Add(int.Parse(f[0], CultureInfo.InvariantCulture) * width
                                 + int.Parse(f[1], CultureInfo.InvariantCulture));
            }

            return new FixtureCase
            {
                Grid = new MetricGrid(width, height, x, y),
                ClassIn = classIn,
                Pixels = pixels,
                ExactTie = exactTie,
            };
        }
    }

    private readonly record struct FixturePixel(int Row, int Col, int Index, byte ClassOut);
}
