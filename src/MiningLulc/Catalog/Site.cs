using NetTopologySuite.Geometries;

namespace MiningLulc.Catalog;

/// <summary>Why a site cannot be processed (or null when it can).</summary>
public enum SiteStatus { Ready, Skipped }

/// <summary>
/// A mining site: its id and polygon in EPSG:4326 (longitude, latitude), repaired when it was
/// invalid. The year and composite are resolved by the catalog.
/// </summary>
public sealed record Site(long Id, Geometry Geometry)
{
    /// <summary>Repair note when the input geometry was invalid and had to be fixed.</summary>
    public string? Repair { get; init; }
}

/// <summary>A catalog row: the site, its year, its composite, and whether it can be processed.</summary>
public sealed record CatalogEntry(Site Site, int? Year, double? TimeStamp, string? S2Source, SiteStatus Status, string? Reason)
{
    public double AreaM2 => Geo.GeodesicArea.Of(Site.Geometry);
}
