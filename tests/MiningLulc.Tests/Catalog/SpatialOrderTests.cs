using MiningLulc.Catalog;
using NetTopologySuite.Geometries;
using Xunit;

namespace MiningLulc.Tests.Catalog;

public class SpatialOrderTests
{
    [Fact]
    public void Hilbert_index_visits_every_cell_once_and_steps_to_a_neighbour()
    {
        // An 8 x 8 grid of cells taken at the curve's top 3 bits: 64 distinct positions 0..63, and
        // consecutive positions are edge neighbours (the property that makes the order cache-friendly).
        const int shift = 13;
        var byPosition = new (int X, int Y)[64];
        var seen = new bool[64];
        for (var x = 0; x < 8; x++)
            for (var y = 0; y < 8; y++)
            {
                var d = SpatialOrder.Index((uint)x << shift, (uint)y << shift) >> (2 * shift);
                Assert.InRange(d, 0ul, 63ul);
                Assert.False(seen[d], $"cell ({x},{y}) shares position {d}");
                seen[d] = true;
                byPosition[d] = (x, y);
            }
        for (var d = 1; d < 64; d++)
            Assert.Equal(1, Math.Abs(byPosition[d].X - byPosition[d - 1].X) + Math.Abs(byPosition[d].Y - byPosition[d - 1].Y));
        Assert.Equal((0, 0), byPosition[0]);
        Assert.Equal((7, 0), byPosition[63]);
    }

    [Fact]
    public void Sort_keeps_every_item_and_puts_neighbours_together()
    {
        // Four clusters of sites far apart, interleaved by id: the order must visit each cluster in one go.
        var boxes = new List<(int Id, Envelope Box)>();
        var corners = new[] { (0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0) };
        for (var i = 0; i < 40; i++)
        {
            var (cx, cy) = corners[i % 4];
            boxes.Add((i, new Envelope(cx + i * 0.01, cx + i * 0.01 + 0.005, cy, cy + 0.005)));
        }
        var sorted = SpatialOrder.Sort(boxes, b => b.Box);
        Assert.Equal(boxes.Select(b => b.Id).Order(), sorted.Select(b => b.Id).Order());
        var clusterChanges = sorted.Zip(sorted.Skip(1)).Count(p => p.First.Id % 4 != p.Second.Id % 4);
        Assert.Equal(3, clusterChanges);
    }

    [Fact]
    public void Sort_breaks_ties_by_original_position()
    {
        var same = new Envelope(1, 2, 1, 2);
        var items = Enumerable.Range(0, 5).Select(i => (Id: i, Box: same)).Append((Id: 5, Box: new Envelope(9, 9.5, 9, 9.5))).ToList();
        var sorted = SpatialOrder.Sort(items, i => i.Box).Select(i => i.Id).ToList();
        Assert.Equal([0, 1, 2, 3, 4], sorted.Where(id => id < 5));
    }
}
