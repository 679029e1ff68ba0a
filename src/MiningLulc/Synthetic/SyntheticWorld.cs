using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;

namespace MiningLulc.Synthetic;

/// <summary>
/// The ground truth of a whole region in UTM metres: which site owns a point (the smaller site id
/// where sites overlap, as CONTRACT.md section 2.1 rules), and what lies there; outside every site,
/// the natural landscape. Thread-safe (the point locators are read-only after construction).
/// </summary>
internal sealed class SyntheticWorld
{
    private readonly MineLayout[] mines;
    private readonly IndexedPointInAreaLocator[] locators;
    private readonly Envelope[] envelopes;

    /// <param name="mines">The mines, in site id order.</param>
    /// <param name="outlines">Their outlines in UTM metres, in the same order.</param>
    public SyntheticWorld(IReadOnlyList<MineLayout> mines, IReadOnlyList<Geometry> outlines, Terrain terrain, SiteStyle landscapeStyle)
    {
        Terrain = terrain;
        LandscapeStyle = landscapeStyle;
        this.mines = mines.ToArray();
        locators = outlines.Select(o => new IndexedPointInAreaLocator(o)).ToArray();
        envelopes = outlines.Select(o => o.EnvelopeInternal).ToArray();
    }

    public Terrain Terrain { get; }
    /// <summary>Paints the natural ground outside the sites (which needs only the terrain's materials).</summary>
    public SiteStyle LandscapeStyle { get; }
    public IReadOnlyList<MineLayout> Mines => mines;

    /// <summary>The site owning a point, or null outside every site.</summary>
    public MineLayout? Owner(double x, double y)
    {
        for (var i = 0; i < mines.Length; i++)
        {
            var e = envelopes[i];
            if (x < e.MinX || x > e.MaxX || y < e.MinY || y > e.MaxY) continue;
            if (locators[i].Locate(new Coordinate(x, y)) != Location.Exterior) return mines[i];
        }
        return null;
    }

    /// <summary>What lies at a point, and the style that paints it.</summary>
    public (Ground Ground, SiteStyle Style) Sample(double x, double y)
    {
        var mine = Owner(x, y);
        return mine is null ? (Terrain.Natural(x, y), LandscapeStyle) : (mine.Sample(x, y), mine.Style);
    }
}
