using MiningLulc.Align;
using MiningLulc.Catalog;
using MiningLulc.Features;
using MiningLulc.Pipeline;
using MiningLulc.Training;
using NetTopologySuite.Index.Strtree;

namespace MiningLulc.Synthetic;

/// <summary>One labelled site as the pipeline reads it: its aligned inputs, feature planes and the reference class per pixel (0 = none).</summary>
public sealed record LabelledSite(CatalogEntry Entry, AlignedSite Site, float[][] Planes, byte[] Reference, FeatureExtractor Extractor)
{
    /// <summary>Pixels with a reference class that can be classified (in the site, with all reflectances).</summary>
    public IEnumerable<int> LabelledClassifiablePixels()
    {
        for (var i = 0; i < Reference.Length; i++)
            if (Reference[i] != 0 && Site.IsClassifiable(i)) yield return i;
    }
}

/// <summary>Walks the labelled sites of a region through the catalog, the aligner and the feature kernels (analysis tools: whole sites, one at a time).</summary>
public static class LabelledPixels
{
    public static IEnumerable<LabelledSite> Sites(string region, EngineConfig config, FeatureSet features, Func<CatalogEntry, bool>? include = null)
    {
        var catalog = RegionCatalog.Build(region, config.Input);
        var index = new STRtree<LabelPolygon>();
        foreach (var l in catalog.Folder.LabelFiles().SelectMany(LabelReader.Read)) index.Insert(l.Geometry.EnvelopeInternal, l);
        index.Build();
        using var processor = new SiteProcessor(catalog.Folder, config, features);
        foreach (var entry in catalog.Ready.Where(e => include?.Invoke(e) ?? true))
        {
            var ofSite = index.Query(entry.Site.Geometry.EnvelopeInternal).Where(l => l.Geometry.Intersects(entry.Site.Geometry)).ToList();
            var (site, planes) = processor.Prepare(entry);
            yield return new LabelledSite(entry, site, planes, TrainingSampler.RasterizeLabels(site, ofSite), processor.Extractor);
        }
    }
}
