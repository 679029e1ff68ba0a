using MiningLulc.Catalog;
using NetTopologySuite.Geometries;

namespace MiningLulc.Align;

/// <summary>A site before its pixels are read: grid, polygon in the grid CRS, and mask (1 = in the site), 1 byte per pixel.</summary>
public sealed record SiteLayout(CatalogEntry Entry, SiteGrid Grid, Geometry SiteInGridCrs, byte[] SiteMask)
{
    /// <summary>Share of the site's area inside the composite's tiles (1 = wholly covered).</summary>
    public double InsideComposite { get; init; } = 1;
    /// <summary>Share of the site's area inside the DCM's tiles (1 = wholly covered).</summary>
    public double InsideDcm { get; init; } = 1;
    /// <summary>
    /// Every valid DCM time stamp in the TIME pixels around the site's grid is of the site's year, so
    /// no pixel of the site can have dh from another year, whatever the warp picks.
    /// </summary>
    public bool StampsAllOfSiteYear { get; init; }
}

/// <summary>
/// One site's (or one block's) inputs on one grid, as structure-of-arrays planes (row-major; the first
/// <see cref="SiteGrid.PixelCount"/> values count: a block read into <see cref="BlockBuffers"/> has longer arrays):
/// the ten reflectances x 10000 (NaN = no data), the elevation change dh in metres (NaN = DCM void),
/// and masks. Pixels to classify are those with <see cref="SiteMask"/> and <see cref="Valid"/> set.
/// </summary>
public sealed class AlignedSite
{
    public required CatalogEntry Entry { get; init; }
    public required SiteGrid Grid { get; init; }
    /// <summary>Ten planes in the order of <see cref="InputSettings.BandNames"/>.</summary>
    public required float[][] Bands { get; init; }
    /// <summary>
    /// The DCM's elevation change (metres, NaN = void), warped bilinearly; empty when it was not read (a
    /// pass that needs the reflectances alone, such as the site medians' first pass).
    /// </summary>
    public required float[] Dh { get; init; }
    /// <summary>
    /// The DCM's time stamp (decimal year of the later acquisition; NaN = none), warped with nearest
    /// (and GDAL's approximate transformer by default, <see cref="AlignSettings.StampsWarpErrorPixels"/>);
    /// null when it was not read (the pipeline skips it when <see cref="SiteLayout.StampsAllOfSiteYear"/>).
    /// </summary>
    public required float[]? Time { get; init; }
    /// <summary>1 where the pixel belongs to the site (all-touched, or centre-inside per setting).</summary>
    public required byte[] SiteMask { get; init; }
    /// <summary>1 where all ten reflectances are valid.</summary>
    public required byte[] Valid { get; init; }
    /// <summary>The site polygon in the grid's CRS.</summary>
    public required Geometry SiteInGridCrs { get; init; }

    public bool IsClassifiable(int pixel) => SiteMask[pixel] != 0 && Valid[pixel] != 0;

    public int ClassifiableCount { get { var n = 0; for (var i = 0; i < Grid.PixelCount; i++) if (IsClassifiable(i)) n++; return n; } }
}
