using MiningLulc.Catalog;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;

namespace MiningLulc.Catalog;

/// <summary>
/// Where sites overlap, the site with the smaller id keeps the area (docs/output-schema.md):
/// each site owns its polygon minus every overlapping site with a smaller id. EPSG:4326.
/// </summary>
public static class SiteOwnership
{
    public static IReadOnlyDictionary<long, Geometry> Compute(IReadOnlyList<Site> sites)
    {
        var index = new STRtree<Site>();
        foreach (var s in sites) index.Insert(s.Geometry.EnvelopeInternal, s);
        index.Build();
        var owned = new Dictionary<long, Geometry>(sites.Count);
        foreach (var s in sites)
        {
            var earlier = index.Query(s.Geometry.EnvelopeInternal)
                .Where(o => o.Id < s.Id && o.Geometry.Intersects(s.Geometry))
                .OrderBy(o => o.Id).Select(o => o.Geometry).ToList();
            var g = s.Geometry;
            if (earlier.Count > 0)
            {
                // Robust overlay (snapping fallback): real site files have borders that nearly, but not
                // exactly, coincide, where plain overlay throws a TopologyException.
                var union = NetTopologySuite.Operation.OverlayNG.OverlayNGRobust.Union(earlier);
                g = NetTopologySuite.Operation.OverlayNG.OverlayNGRobust.Overlay(g, union, NetTopologySuite.Operation.Overlay.SpatialFunction.Difference);
            }
            owned[s.Id] = g;
        }
        return owned;
    }
}
