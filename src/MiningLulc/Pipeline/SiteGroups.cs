using MiningLulc.Catalog;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Index.Strtree;

namespace MiningLulc.Pipeline;

/// <summary>
/// Sites of one region that must stay on the same side of a train/test split: connected components
/// of the sites whose geometries touch or overlap (NetTopologySuite's intersects, which is true for
/// a shared border or corner as for a shared area). A chain A-B-C is one group even when A and C do
/// not meet, since one reference polygon can run across B into both. Sites of different regions
/// never group: their coordinates are not compared.
/// </summary>
public static class SiteGroups
{
    /// <summary>
    /// The group of each site, by site id: the smallest site id of its group, so a group's name does
    /// not depend on the order the sites come in.
    /// </summary>
    public static IReadOnlyDictionary<long, long> Of(IReadOnlyList<Site> sites)
    {
        var index = new STRtree<int>();
        for (var i = 0; i < sites.Count; i++) index.Insert(sites[i].Geometry.EnvelopeInternal, i);
        index.Build();
        var parent = Enumerable.Range(0, sites.Count).ToArray();
        int Root(int x)
        {
            while (parent[x] != x) x = parent[x] = parent[parent[x]];
            return x;
        }
        for (var i = 0; i < sites.Count; i++)
        {
            // Prepared once per site: the candidates from the index are tested against it many times over in large regions.
            var prepared = PreparedGeometryFactory.Prepare(sites[i].Geometry);
            foreach (var j in index.Query(sites[i].Geometry.EnvelopeInternal))
            {
                if (j <= i || Root(i) == Root(j)) continue;
                if (prepared.Intersects(sites[j].Geometry)) parent[Root(j)] = Root(i);
            }
        }
        var firstId = new Dictionary<int, long>();
        for (var i = 0; i < sites.Count; i++)
        {
            var root = Root(i);
            firstId[root] = firstId.TryGetValue(root, out var id) ? Math.Min(id, sites[i].Id) : sites[i].Id;
        }
        return Enumerable.Range(0, sites.Count).ToDictionary(i => sites[i].Id, i => firstId[Root(i)]);
    }
}
