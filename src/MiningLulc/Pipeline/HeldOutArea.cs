using MiningLulc.Catalog;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Union;
using MiningLulc.Model;

namespace MiningLulc.Pipeline;

/// <summary>
/// The area of the sites a model held out in one region (EPSG:4326): what a held-out assessment
/// compares on, so the map's accuracy on sites the model never saw can be measured again from the
/// model file alone (<c>assess --holdout-of MODEL.zip</c>, and the demo).
/// </summary>
public static class HeldOutArea
{
    /// <param name="modelPath">Named in errors.</param>
    public static Geometry Of(ModelCard card, string modelPath, string regionDirectory, InputSettings input)
    {
        var held = card.Holdout?.HeldOut
            ?? throw new InvalidInputException("the model card records no held-out sites: train with --holdout F (models trained before the ids were recorded have none)", modelPath);
        var folder = RegionFolder.Open(regionDirectory, input);
        var ofRegion = held.FirstOrDefault(h => h.Region == folder.Name)
            ?? throw new InvalidInputException($"the model held out no site of region '{folder.Name}' (it held out sites of {string.Join(", ", held.Select(h => $"'{h.Region}'"))})", modelPath);
        var ids = ofRegion.SiteIds.ToHashSet();
        var (sites, _) = SiteReader.Read(folder.SitesPath, input.SiteIdField);
        var missing = ids.Except(sites.Select(s => s.Id)).Order().ToList();
        if (missing.Count > 0)
            throw new InvalidInputException($"has no site {string.Join(", ", missing.Take(5))}{(missing.Count > 5 ? ", ..." : "")} that the model held out: is this the region it was trained on?", folder.SitesPath);
        return CascadedPolygonUnion.Union(sites.Where(s => ids.Contains(s.Id)).Select(s => s.Geometry).ToList());
    }

    /// <summary>
    /// The region folder a labels path belongs to: the path itself or the nearest folder above it
    /// that holds a sites file (REGION/labels/x.zip → REGION); null when there is none.
    /// </summary>
    public static string? RegionOf(string labelsPath, InputSettings input)
    {
        var dir = Directory.Exists(labelsPath) ? Path.GetFullPath(labelsPath) : Path.GetDirectoryName(Path.GetFullPath(labelsPath));
        for (; dir is not null; dir = Path.GetDirectoryName(dir))
            if (File.Exists(Path.Combine(dir, input.SitesFile))) return dir;
        return null;
    }
}
