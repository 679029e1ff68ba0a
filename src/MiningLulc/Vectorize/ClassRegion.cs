using NetTopologySuite.Geometries;

namespace MiningLulc.Vectorize;

/// <summary>
/// One output feature before numbering: a connected region of one class of one site, clipped to
/// the site, in EPSG:4326, with its geodesic area. <see cref="Row"/>/<see cref="Column"/> are the
/// region's first pixel (top-left, row-major) on the site grid, which orders features within a site.
/// </summary>
public sealed record ClassRegion(long SiteId, int Row, int Column, LulcClass Class, MultiPolygon Geometry, double AreaM2, int Year)
{
    /// <summary>
    /// With <c>run --confidence</c>: the mean, over the pixels of the region (the connected component
    /// before clipping), of the probability of <see cref="Class"/>; null without.
    /// </summary>
    public double? Confidence { get; init; }
}
