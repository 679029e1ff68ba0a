using MiningLulc.Pipeline;
using MiningLulc.Vectorize;
using NetTopologySuite.Geometries;
using Xunit;

namespace MiningLulc.Tests.Pipeline;

public class FilePlanTests
{
    private static readonly MultiPolygon Empty = new GeometryFactory().CreateMultiPolygon();

    /// <summary>Synthetic stored results: site s has the given number of regions, region k at row k.</summary>
    private static IReadOnlyList<ClassRegion> Regions(long site, int count) =>
        [.. Enumerable.Range(0, count).Select(k => new ClassRegion(site, k, 0, LulcClass.OpenPit, Empty, 1, 2020))];

    [Fact]
    public void Files_take_fixed_index_ranges_across_site_boundaries()
    {
        // Sites 7 (3 features), 2 (0), 5 (4), 9 (2), given out of order: numbering is by site id,
        // so 5 -> 1..4, 7 -> 5..7, 9 -> 8..9; files of 3: [1..3], [4..6], [7..9].
        var counts = new Dictionary<long, int> { [7] = 3, [2] = 0, [5] = 4, [9] = 2 };
        var plan = FilePlan.Of(counts.Select(kv => (kv.Key, kv.Value)), maxPerFile: 3);
        Assert.Equal(9, plan.Total);
        Assert.Equal(3, plan.Files);
        var loads = new List<long>();
        IReadOnlyList<ClassRegion> Load(long site) { loads.Add(site); return Regions(site, counts[site]); }

        var file2 = plan.Features(2, Load).ToList();
        Assert.Equal([4L, 5, 6], file2.Select(f => f.IndexN));
        Assert.Equal([(5L, 3), (7L, 0), (7L, 1)], file2.Select(f => (f.Region.SiteId, f.Region.Row)));
        Assert.Equal([5L, 7], loads); // only the sites in the file's range are read

        var all = Enumerable.Range(1, plan.Files).SelectMany(f => plan.Features(f, Load)).ToList();
        Assert.Equal(Enumerable.Range(1, 9).Select(i => (long)i), all.Select(f => f.IndexN));
        Assert.Equal([5L, 5, 5, 5, 7, 7, 7, 9, 9], all.Select(f => f.Region.SiteId));
    }

    [Fact]
    public void A_plan_without_features_has_no_file()
    {
        var plan = FilePlan.Of([(1, 0), (2, 0)], 5000);
        Assert.Equal(0, plan.Total);
        Assert.Equal(0, plan.Files);
    }

    [Fact]
    public void A_stored_result_that_disagrees_with_its_report_is_an_error()
    {
        var plan = FilePlan.Of([(1, 2)], 5000);
        var e = Assert.Throws<MiningLulcException>(() => plan.Features(1, s => Regions(s, 3)).ToList());
        Assert.Contains("site 1 holds 3 features, its report 2", e.Message);
    }
}
