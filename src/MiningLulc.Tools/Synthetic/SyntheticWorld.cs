using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;

namespace MiningLulc.Synthetic;

/// <summary>
/// The ground truth of a whole region in UTM metres: which site owns a point (the smaller site id
/// where sites overlap, as docs/output-schema.md rules), and what lies there; outside every site,
/// the natural landscape. Thread-safe (the point locators are read-only after construction).
/// </summary>
internal sealed class SyntheticWorld
{
    private readonly MineLayout[] mines;
    private readonly IndexedPointInAreaLocator[] locators;
    private readonly Envelope[] envelopes;
    // A uniform grid over the sites' envelopes (about one site per cell): each cell lists, in id order, the sites whose
    // envelope touches it, so a point tests a few sites instead of all of them (the whole scan made generation quadratic).
    private readonly Envelope bounds = new();
    private readonly double cellSize = 1;
    private readonly int nx, ny;
    private readonly int[][] cells = [];

    /// <param name="mines">The mines, in site id order.</param>
    /// <param name="outlines">Their outlines in UTM metres, in the same order.</param>
    public SyntheticWorld(IReadOnlyList<MineLayout> mines, IReadOnlyList<Geometry> outlines, Terrain terrain, SiteStyle landscapeStyle)
    {
        Terrain = terrain;
        LandscapeStyle = landscapeStyle;
        this.mines = mines.ToArray();
        locators = outlines.Select(o => new IndexedPointInAreaLocator(o)).ToArray();
        envelopes = outlines.Select(o => o.EnvelopeInternal).ToArray();
        if (envelopes.Length == 0) return;
        foreach (var e in envelopes) bounds.ExpandToInclude(e);
        cellSize = Math.Max(1, Math.Sqrt(bounds.Width * bounds.Height / envelopes.Length));
        nx = Math.Min(4096, (int)(bounds.Width / cellSize) + 1);
        ny = Math.Min(4096, (int)(bounds.Height / cellSize) + 1);
        var lists = new List<int>?[nx * ny];
        for (var i = 0; i < envelopes.Length; i++)
        {
            var e = envelopes[i];
            int cx0 = CellX(e.MinX), cx1 = CellX(e.MaxX), cy0 = CellY(e.MinY), cy1 = CellY(e.MaxY);
            for (var cy = cy0; cy <= cy1; cy++)
                for (var cx = cx0; cx <= cx1; cx++) (lists[cy * nx + cx] ??= []).Add(i);
        }
        cells = lists.Select(l => l?.ToArray() ?? []).ToArray();
    }

    // Monotonic in the coordinate, so a point inside an envelope (inclusive) falls in one of the cells the envelope was listed in.
    private int CellX(double x) => Math.Clamp((int)Math.Floor((x - bounds.MinX) / cellSize), 0, nx - 1);
    private int CellY(double y) => Math.Clamp((int)Math.Floor((y - bounds.MinY) / cellSize), 0, ny - 1);

    public Terrain Terrain { get; }
    /// <summary>Paints the natural ground outside the sites (which needs only the terrain's materials).</summary>
    public SiteStyle LandscapeStyle { get; }
    public IReadOnlyList<MineLayout> Mines => mines;

    /// <summary>The site owning a point, or null outside every site.</summary>
    public MineLayout? Owner(double x, double y)
    {
        if (mines.Length == 0 || x < bounds.MinX || x > bounds.MaxX || y < bounds.MinY || y > bounds.MaxY) return null;
        // The cell's sites in id order: the first that holds the point is the owner, as in a scan of every site.
        foreach (var i in cells[CellY(y) * nx + CellX(x)])
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
