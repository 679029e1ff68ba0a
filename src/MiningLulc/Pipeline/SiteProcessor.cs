using MiningLulc.Align;
using MiningLulc.Catalog;
using MiningLulc.Features;
using MiningLulc.Geo;
using MiningLulc.Inference;
using MiningLulc.Training;
using MiningLulc.Vectorize;
using NetTopologySuite.Geometries;

namespace MiningLulc.Pipeline;

/// <summary>
/// Runs one site through align → features → classify → (smooth) → vectorize. Holds per-worker
/// state (open rasters): create one per worker thread.
/// </summary>
public sealed class SiteProcessor : IDisposable
{
    private readonly SiteAligner aligner;
    private readonly FeatureExtractor extractor;
    private readonly SitePolygonizer polygonizer;
    private readonly EngineConfig config;
    private readonly SpatialReference wgs84 = SpatialReference.Wgs84();

    public SiteProcessor(RegionFolder folder, EngineConfig config, FeatureSet features)
    {
        this.config = config;
        aligner = new SiteAligner(folder, config.Align);
        extractor = new FeatureExtractor(features);
        polygonizer = new SitePolygonizer(config.Vectorize);
    }

    public FeatureExtractor Extractor => extractor;

    /// <summary>Aligns a site and computes its feature planes.</summary>
    public (AlignedSite Site, float[][] Planes) Prepare(CatalogEntry entry)
    {
        var site = aligner.Align(entry);
        return (site, extractor.ComputePlanes(site));
    }

    /// <summary>The class raster of a site (after smoothing when enabled).</summary>
    public byte[] ClassRaster(ClassifierModel model, AlignedSite site, float[][] planes)
    {
        var classes = SiteClassifier.Classify(model, site, planes, extractor);
        return SmoothStage.Apply(classes, site.Grid, config.Smooth);
    }

    /// <summary>The whole chain for one site: its regions, clipped to the area it owns (EPSG:4326).</summary>
    public (IReadOnlyList<ClassRegion> Regions, int ClassifiedPixels) Process(ClassifierModel model, CatalogEntry entry, Geometry ownedArea)
    {
        var (site, planes) = Prepare(entry);
        var classes = ClassRaster(model, site, planes);
        var classified = 0;
        foreach (var c in classes) if (c != 0) classified++;
        using var gridCrs = SpatialReference.Parse(site.Grid.CrsWkt);
        using var toGrid = new CoordinateTransform(wgs84, gridCrs);
        var clip = ReferenceEquals(ownedArea, entry.Site.Geometry) ? site.SiteInGridCrs : GeometryOps.Transform(ownedArea, toGrid);
        var regions = polygonizer.Polygonize(classes, site.Grid, clip, entry.Site.Id, entry.Year!.Value);
        return (regions, classified);
    }

    public void Dispose()
    {
        aligner.Dispose();
        wgs84.Dispose();
    }
}
