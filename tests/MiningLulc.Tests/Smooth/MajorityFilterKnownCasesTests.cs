using MiningLulc.Smooth;

namespace MiningLulc.Tests.Smooth;

/// <summary>
/// Small hand-made cases with known answers, on a square 10 m grid. A raster is written as rows
/// separated by '/', one digit per cell, 0 = unclassified.
/// </summary>
public class MajorityFilterKnownCasesTests
{
    [Theory]
    // Vote tie: 1 vote each, the smallest code wins, even though 6 comes first in row-major order.
    [InlineData("63", 48, "33")]
    [InlineData("6633/3366", 48, "3333/3333")]
    // k = min(48, n): with 3 pixels everyone sees everyone.
    [InlineData("112", 48, "111")]
    // Distance tie at the k-th neighbour: the middle pixel takes itself plus one of two pixels 10 m away;
    // (distance, row, col) takes the left / upper one, then the 9-vs-5 vote tie goes to 5.
    [InlineData("593", 2, "553")]
    [InlineData("5/9/3", 2, "5/5/3")]
    // Unclassified cells neither vote nor change: if 0s voted, the 2 would become 0 (tie 2 vs 0).
    // Its second-nearest classified pixel is the 1 four cells away, so the 1-vs-2 tie gives 1.
    [InlineData("200011", 2, "100011")]
    [InlineData("000/070/000", 48, "000/070/000")]
    // An isolated odd pixel (salt) is removed; a one-pixel-wide road through a larger class is erased.
    [InlineData("4444444/4444444/4444444/4447444/4444444/4444444/4444444", 48,
                "4444444/4444444/4444444/4444444/4444444/4444444/4444444")]
    [InlineData("2222222/2222222/2222222/5555555/2222222/2222222/2222222", 48,
                "2222222/2222222/2222222/2222222/2222222/2222222/2222222")]
    // k = 1: only itself votes, nothing changes.
    [InlineData("1234/5670/7654", 1, "1234/5670/7654")]
    public void KnownCase(string input, int k, string expected)
    {
        var (grid, classes) = Parse(input);
        var output = new byte[classes.Length];
        MajorityFilter.Apply(classes, grid, output, k);
        Assert.Equal(expected, Format(output, grid.Width));

        // The reference must agree on these too.
        MajorityFilterReference.Apply(classes, grid, output, k);
        Assert.Equal(expected, Format(output, grid.Width));
    }

    [Fact]
    public void CoordinatesOfUnclassifiedCells_AreNeverRead()
    {
        var (grid, classes) = Parse("101/010/101");
        double[] x = grid.X.ToArray(), y = grid.Y.ToArray();
        for (int i = 0; i < classes.Length; i++)
            if (classes[i] == 0)
                x[i] = y[i] = double.NaN;
        var output = new byte[classes.Length];
        MajorityFilter.Apply(classes, new MetricGrid(3, 3, x, y), output);
        Assert.Equal("101/010/101", Format(output, 3));
    }

    [Fact]
    public void InvalidArguments_Throw()
    {
        var (grid, classes) = Parse("12/21");
        Assert.Throws<ArgumentException>(() => MajorityFilter.Apply(classes.AsSpan(0, 3), grid, new byte[4]));
        Assert.Throws<ArgumentException>(() => MajorityFilter.Apply(classes, grid, new byte[5]));
        Assert.Throws<ArgumentOutOfRangeException>(() => MajorityFilter.Apply(classes, grid, new byte[4], 0));
        // In place is refused: the filter must read unfiltered classes for every pixel.
        Assert.Throws<ArgumentException>(() => MajorityFilter.Apply(classes, grid, classes.AsSpan()));
        // A classified pixel without a finite coordinate.
        var nanGrid = new MetricGrid(2, 2, [0, 10, double.NaN, 10], [0, 0, -10, -10]);
        Assert.Throws<ArgumentException>(() => MajorityFilter.Apply(classes, nanGrid, new byte[4]));
        Assert.Throws<ArgumentException>(() => new MetricGrid(2, 2, new double[3], new double[4]));
    }

    private static (MetricGrid Grid, byte[] Classes) Parse(string raster)
    {
        string[] rows = raster.Split('/');
        int w = rows[0].Length, h = rows.Length;
        Assert.All(rows, r => Assert.Equal(w, r.Length));
        byte[] classes = rows.SelectMany(r => r.Select(ch => (byte)(ch - '0'))).ToArray();
        return (SyntheticSites.Square(w, h), classes);
    }

    private static string Format(byte[] classes, int width) =>
        string.Join("/", classes.Chunk(width).Select(row => string.Concat(row.Select(b => (char)('0' + b)))));
}
