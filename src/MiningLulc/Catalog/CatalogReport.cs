using System.Text.Json;

namespace MiningLulc.Catalog;

/// <summary>The catalog on disk (catalog.json): one row per site with its year, composite, area, status and reason.</summary>
public static class CatalogReport
{
    public static void Write(RegionCatalog catalog, string path)
    {
        var doc = new
        {
            Region = catalog.Folder.Name,
            Directory = catalog.Folder.Directory,
            Sites = catalog.Entries.Select(e => new
            {
                SiteId = e.Site.Id,
                e.Year,
                e.TimeStamp,
                Composite = e.S2Source,
                AreaM2 = Math.Round(e.AreaM2, 1),
                Status = e.Status.ToString().ToLowerInvariant(),
                e.Reason,
                e.Site.Repair,
            }),
            Unreadable = catalog.Problems.Select(p => new { p.Id, p.Fid, p.Reason }),
        };
        // Shards starting together all write it (the same content): each through a temporary name of its own.
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(doc, EngineConfig.Json));
    }
}
