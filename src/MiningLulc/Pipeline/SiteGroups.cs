using MiningLulc.Catalog;
using MiningLulc.Geo;

namespace MiningLulc.Pipeline;

/// <summary>
/// Sites of one region that must stay on the same side of a train/test split: the
/// <see cref="TouchingGroups"/> of their geometries (a chain A-B-C is one group, since one reference
/// polygon can run across B into both). Sites of different regions never group: their coordinates
/// are not compared.
/// </summary>
public static class SiteGroups
{
    /// <summary>
    /// The group of each site, by site id: the smallest site id of its group, so a group's name does
    /// not depend on the order the sites come in.
    /// </summary>
    public static IReadOnlyDictionary<long, long> Of(IReadOnlyList<Site> sites)
    {
        var groupOf = TouchingGroups.Of(sites.Select(s => s.Geometry).ToList());
        var firstId = new Dictionary<int, long>();
        for (var i = 0; i < sites.Count; i++)
            firstId[groupOf[i]] = firstId.TryGetValue(groupOf[i], out var id) ? Math.Min(id, sites[i].Id) : sites[i].Id;
        return Enumerable.Range(0, sites.Count).ToDictionary(i => sites[i].Id, i => firstId[groupOf[i]]);
    }
}
