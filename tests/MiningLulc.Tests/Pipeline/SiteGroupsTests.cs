using MiningLulc.Catalog;
using MiningLulc.Pipeline;
using NetTopologySuite.Geometries;

namespace MiningLulc.Tests.Pipeline;

/// <summary>
/// Groups of touching or overlapping sites, for cross-validation (hand-made squares in lon/lat, synthetic;
/// corners on multiples of 1/4 degree, exact in binary, so squares side by side share their edge exactly).
/// </summary>
public class SiteGroupsTests
{
    private static readonly GeometryFactory Factory = new(new PrecisionModel(), 4326);

    /// <summary>An axis-aligned square of side <paramref name="size"/> (degrees) with its lower left corner at (x, y).</summary>
    private static Site Square(long id, double x, double y, double size = 0.25) => new(id, Factory.CreatePolygon(
    [
        new Coordinate(x, y), new Coordinate(x + size, y), new Coordinate(x + size, y + size), new Coordinate(x, y + size), new Coordinate(x, y),
    ]));

    [Fact]
    public void Sites_sharing_a_border_a_corner_or_an_area_are_one_group_and_apart_sites_are_not()
    {
        var groups = SiteGroups.Of(
        [
            Square(10, 0, 0), Square(11, 0.25, 0),          // a shared edge
            Square(20, 1, 0), Square(21, 1.25, 0.25),       // a shared corner only
            Square(30, 2, 0), Square(31, 2.125, 0.125),     // overlapping
            Square(40, 3, 0), Square(41, 3.25 + 1e-6, 0),   // 1e-6 degrees apart: no contact
        ]);
        Assert.Equal(10, groups[11]);
        Assert.Equal(20, groups[21]);
        Assert.Equal(30, groups[31]);
        Assert.Equal(40, groups[40]);
        Assert.Equal(41, groups[41]);
        Assert.Equal(5, groups.Values.Distinct().Count());
    }

    [Fact]
    public void A_chain_is_one_group_named_by_its_smallest_id_in_whatever_order_the_sites_come()
    {
        // C touches B, B touches A; A and C are a square apart. D stands alone.
        Site a = Square(7, 0, 0), b = Square(3, 0.25, 0), c = Square(9, 0.5, 0), d = Square(1, 2, 2);
        var inOrder = SiteGroups.Of([a, b, c, d]);
        Assert.Equal(3, inOrder[7]);
        Assert.Equal(3, inOrder[3]);
        Assert.Equal(3, inOrder[9]);
        Assert.Equal(1, inOrder[1]);
        Assert.Equal(inOrder.OrderBy(kv => kv.Key), SiteGroups.Of([c, d, a, b]).OrderBy(kv => kv.Key));
    }

    [Fact]
    public void A_long_chain_found_from_both_ends_is_still_one_group()
    {
        // Twenty squares in a row, listed from the middle outwards: each union joins two partial groups at some point.
        var sites = Enumerable.Range(0, 20).Select(i => Square(100 + i, i * 0.25, 0)).OrderBy(s => Math.Abs(s.Id - 110)).ToList();
        var groups = SiteGroups.Of(sites);
        Assert.All(groups.Values, g => Assert.Equal(100, g));
    }
}
