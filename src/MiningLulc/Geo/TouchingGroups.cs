using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Index.Strtree;

namespace MiningLulc.Geo;

/// <summary>
/// Connected components of geometries that touch or overlap (NetTopologySuite's intersects: true
/// for a shared border or corner as for a shared area), found through an STRtree. A chain A-B-C is
/// one group even when A and C do not meet.
/// </summary>
internal static class TouchingGroups
{
    /// <summary>The group of each geometry, as the index of the group's first member.</summary>
    public static int[] Of(IReadOnlyList<Geometry> geometries)
    {
        var index = new STRtree<int>();
        for (var i = 0; i < geometries.Count; i++) index.Insert(geometries[i].EnvelopeInternal, i);
        index.Build();
        var groups = new UnionFind(geometries.Count);
        for (var i = 0; i < geometries.Count; i++)
        {
            // Prepared once per geometry: in large regions it is tested against many candidates.
            IPreparedGeometry? prepared = null;
            foreach (var j in index.Query(geometries[i].EnvelopeInternal))
            {
                if (j <= i || groups.Find(i) == groups.Find(j)) continue;
                prepared ??= PreparedGeometryFactory.Prepare(geometries[i]);
                if (prepared.Intersects(geometries[j])) groups.Union(i, j);
            }
        }
        return Enumerable.Range(0, geometries.Count).Select(groups.Find).ToArray();
    }
}
