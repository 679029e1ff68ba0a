using MiningLulc.Training;

namespace MiningLulc.Tests.Training;

/// <summary>Dealing site groups into cross-validation folds (made-up groups and pixel counts).</summary>
public class SiteFoldsTests
{
    /// <summary>Thirty groups of two regions with pixel counts from 100 to 2,900 (a fixed, uneven spread).</summary>
    private static readonly IReadOnlyList<SiteGroup> Groups =
        [.. Enumerable.Range(0, 30).Select(i => new SiteGroup(i % 2, 1 + i / 2 * 3, 100 + (i * 7919 % 29) * 100))];

    [Fact]
    public void Every_group_gets_one_fold_and_every_fold_gets_groups()
    {
        var folds = SiteFolds.Deal(Groups, 4, seed: 42);
        Assert.Equal(Groups.Count, folds.Length);
        Assert.All(folds, f => Assert.InRange(f, 0, 3));
        Assert.Equal([0, 1, 2, 3], folds.Distinct().Order());
    }

    [Fact]
    public void No_fold_outweighs_another_by_more_than_the_largest_group()
    {
        foreach (var seed in new[] { 1, 42, 2024 })
        {
            var folds = SiteFolds.Deal(Groups, 4, seed);
            var pixels = Enumerable.Range(0, 4).Select(f => Groups.Where((_, i) => folds[i] == f).Sum(g => g.Pixels)).ToList();
            Assert.True(pixels.Max() - pixels.Min() <= Groups.Max(g => g.Pixels), $"seed {seed}: fold pixels {string.Join(", ", pixels)}");
        }
    }

    [Fact]
    public void The_seed_decides_the_folds_and_the_same_seed_gives_the_same_folds_in_any_input_order()
    {
        var first = SiteFolds.Deal(Groups, 3, seed: 42);
        Assert.Equal(first, SiteFolds.Deal(Groups, 3, seed: 42));

        var reversed = Enumerable.Reverse(Groups).ToList();
        var dealtReversed = SiteFolds.Deal(reversed, 3, seed: 42);
        Assert.Equal(first, Enumerable.Reverse(dealtReversed));

        // Other seeds put other groups together (which groups share a fold, whatever the fold's number).
        static string Partition(int[] folds) => string.Join("|", folds.Select((f, i) => (f, i)).GroupBy(x => x.f)
            .Select(g => string.Join(",", g.Select(x => x.i))).Order());
        var partitions = Enumerable.Range(1, 5).Select(seed => Partition(SiteFolds.Deal(Groups, 3, seed))).Distinct().Count();
        Assert.True(partitions >= 4, $"5 seeds gave only {partitions} different partitions");
    }

    [Fact]
    public void Groups_of_different_regions_with_the_same_first_site_id_are_different_groups()
    {
        // Site 1 of region 0 and site 1 of region 1: two groups, so two folds of two groups cannot put them together.
        var folds = SiteFolds.Deal([new SiteGroup(0, 1, 500), new SiteGroup(1, 1, 500)], 2, seed: 42);
        Assert.NotEqual(folds[0], folds[1]);
    }

    [Fact]
    public void More_folds_than_groups_is_refused_naming_both_counts()
    {
        var e = Assert.Throws<InvalidInputException>(() => SiteFolds.Deal(Groups.Take(4).ToList(), 5, seed: 42));
        Assert.Contains("--cv 5", e.Message);
        Assert.Contains("form 4", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => SiteFolds.Deal(Groups, 1, seed: 42));
    }
}
