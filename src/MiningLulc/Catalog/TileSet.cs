using System.Globalization;
using System.Text.RegularExpressions;
using MiningLulc.Geo;
using NetTopologySuite.Geometries;

namespace MiningLulc.Catalog;

/// <summary>A DCM or TIME tile GDAL cannot open (an error page saved as .tif, a zero-byte or cut download), with GDAL's reason.</summary>
/// <param name="Cell">The area the tile covers, from the 1° cell in its name (docs/inputs.md); null when the name holds none.</param>
public sealed record UnreadableTile(string Path, string Reason, Envelope? Cell);

/// <summary>
/// The tiles of one kind (DCM or TIME) of a region as GDAL opens them: the readable ones, with their
/// union, and the unreadable ones with the reason. GDAL's VRT mosaic leaves an unreadable tile out
/// with no more than a warning, so a site on it would see a void (no elevation change, or no time
/// stamp) instead of an error: <see cref="NeededBy"/> tells which sites may depend on such a tile,
/// so they are skipped with the file named. Opens each tile once, reads no pixels.
/// </summary>
public sealed partial class TileSet
{
    /// <summary>
    /// Degrees around a site's box within which its alignment may read the DCM (about 200 m): the
    /// focal halo of a few composite pixels, and the pixel or two (1 arcsec ≈ 0.0003°) a bilinear
    /// warp reads beyond it.
    /// </summary>
    private const double Margin = 0.002;

    private readonly Lazy<Geometry> footprint;

    private TileSet(string kind, IReadOnlyList<string> readable, IReadOnlyList<Geometry> extents, IReadOnlyList<UnreadableTile> unreadable)
    {
        Kind = kind;
        Readable = readable;
        Unreadable = unreadable;
        footprint = new Lazy<Geometry>(() => extents.Count == 0
            ? GeometryOps.Wgs84Factory.CreatePolygon()
            : NetTopologySuite.Operation.Union.CascadedPolygonUnion.Union(extents.ToList()));
    }

    /// <summary>"DCM" or "DCM TIME": how messages name the tiles.</summary>
    public string Kind { get; }

    /// <summary>The tiles GDAL opens, in the given order.</summary>
    public IReadOnlyList<string> Readable { get; }

    public IReadOnlyList<UnreadableTile> Unreadable { get; }

    /// <summary>The union of the readable tiles' extents (EPSG:4326; empty when none opens).</summary>
    public Geometry Footprint => footprint.Value;

    /// <summary>Opens every tile once (no pixels are read) and sorts them into readable and unreadable.</summary>
    public static TileSet Open(IReadOnlyList<string> files, string kind)
    {
        var readable = new List<string>();
        var extents = new List<Geometry>();
        var unreadable = new List<UnreadableTile>();
        foreach (var file in files)
        {
            try
            {
                using var ds = RasterDataset.Open(file);
                readable.Add(file);
                extents.Add(GeometryOps.RasterExtent(ds.Transform, ds.Width, ds.Height));
            }
            catch (InvalidInputException e)
            {
                unreadable.Add(new UnreadableTile(file, e.Message, CellOf(file)));
            }
        }
        return new TileSet(kind, readable, extents, unreadable);
    }

    /// <summary>
    /// An unreadable tile that <paramref name="site"/> (EPSG:4326) may need, or null: one whose cell the
    /// site touches; for a tile whose name gives no cell, any site that the readable tiles do not cover.
    /// </summary>
    public UnreadableTile? NeededBy(Geometry site)
    {
        if (Unreadable.Count == 0) return null;
        var box = new Envelope(site.EnvelopeInternal);
        box.ExpandBy(Margin);
        foreach (var tile in Unreadable)
        {
            if (tile.Cell is { } cell ? cell.Intersects(box) : !Footprint.Covers(GeometryOps.Wgs84Factory.ToGeometry(box)))
                return tile;
        }
        return null;
    }

    /// <summary>The reason a site that needs <paramref name="tile"/> is skipped: the file, what is wrong with it, and why the site needs it.</summary>
    public string SkipReason(UnreadableTile tile) => tile.Cell is null
        ? $"{tile.Reason}: the site is not covered by the readable {Kind} tiles, so it may lie on this one"
        : $"{tile.Reason}: the site lies on this {Kind} tile";

    /// <summary>
    /// The area a tile covers by its name: "S24W070" is the cell whose lower-left corner is 24° S 70° W,
    /// one degree high; TanDEM-X tiles are 1° wide up to 60° of latitude, 2° up to 80°, 4° beyond.
    /// </summary>
    internal static Envelope? CellOf(string path)
    {
        var m = CellName().Match(Path.GetFileName(path));
        if (!m.Success) return null;
        var lat = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) * (m.Groups[1].Value is "S" or "s" ? -1 : 1);
        var lon = int.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture) * (m.Groups[3].Value is "W" or "w" ? -1 : 1);
        if (lat is < -90 or > 89 || lon is < -180 or > 179) return null;
        var highest = Math.Max(Math.Abs(lat), Math.Abs(lat + 1));
        var width = highest <= 60 ? 1 : highest <= 80 ? 2 : 4;
        return new Envelope(lon, lon + width, lat, lat + 1);
    }

    [GeneratedRegex(@"(?<![A-Za-z0-9])([NSns])(\d{2})([EWew])(\d{3})(?![0-9])")]
    private static partial Regex CellName();
}
