using MiningLulc.Align;
using MiningLulc.Catalog;
using MiningLulc.Features;
using MiningLulc.Geo;
using MiningLulc.Inference;
using MiningLulc.Training;
using MiningLulc.Vectorize;
using NetTopologySuite.Geometries;

namespace MiningLulc.Pipeline;

/// <summary>One site's result: its polygons, how many pixels were classified, the inputs' coverage, and the class raster on the site grid.</summary>
public sealed record SiteOutput(IReadOnlyList<ClassRegion> Regions, int ClassifiedPixels, SiteCoverage Coverage, byte[] Classes, SiteGrid Grid);

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

    /// <summary>A whole site as one block with its feature planes (analysis tools; the pipeline goes block by block).</summary>
    public (AlignedSite Site, float[][] Planes) Prepare(CatalogEntry entry)
    {
        var site = aligner.Align(entry);
        return (site, extractor.ComputePlanes(site));
    }

    /// <summary>Plans a site: its grid, polygon and mask (no pixel data yet).</summary>
    public SiteLayout Plan(CatalogEntry entry) => aligner.Plan(entry);

    /// <summary>The site's blocks with their feature planes, one block in memory at a time.</summary>
    public IEnumerable<(AlignedSite Block, Window Interior, float[][] Planes)> Blocks(SiteLayout layout)
    {
        foreach (var (block, interior) in aligner.Blocks(layout, config.Align.BlockSize))
            yield return (block, interior, extractor.ComputePlanes(block));
    }

    /// <summary>The class raster of a site on its grid (after smoothing when enabled); 0 = not classified.</summary>
    public byte[] ClassRaster(ClassifierModel model, SiteLayout layout) => ClassRaster(model, layout, out _);

    /// <summary>The class raster, and how well the inputs covered the site.</summary>
    public byte[] ClassRaster(ClassifierModel model, SiteLayout layout, out SiteCoverage coverage)
    {
        var classes = new byte[layout.Grid.PixelCount];
        var counter = new CoverageCounter(layout);
        foreach (var (block, interior, planes) in Blocks(layout))
        {
            var offset = (block.Grid.SourceWindow.ColOff - layout.Grid.SourceWindow.ColOff, block.Grid.SourceWindow.RowOff - layout.Grid.SourceWindow.RowOff);
            SiteClassifier.Classify(model, block, planes, extractor, interior, classes, layout.Grid.Width, offset);
            counter.Add(block, interior);
        }
        coverage = counter.Result;
        return SmoothStage.Apply(classes, layout.Grid, config.Smooth);
    }

    /// <summary>The whole chain for one site: its regions, clipped to the area it owns (EPSG:4326), and its class raster.</summary>
    public SiteOutput Process(ClassifierModel model, CatalogEntry entry, Geometry ownedArea)
    {
        var layout = Plan(entry);
        var classes = ClassRaster(model, layout, out var coverage);
        var classified = 0;
        foreach (var c in classes) if (c != 0) classified++;
        using var gridCrs = SpatialReference.Parse(layout.Grid.CrsWkt);
        using var toGrid = new CoordinateTransform(wgs84, gridCrs);
        var clip = ReferenceEquals(ownedArea, entry.Site.Geometry) ? layout.SiteInGridCrs : GeometryOps.Transform(ownedArea, toGrid);
        var regions = polygonizer.Polygonize(classes, layout.Grid, clip, entry.Site.Id, entry.Year!.Value);
        return new SiteOutput(regions, classified, coverage, classes, layout.Grid);
    }

    /// <summary>
    /// Rows of a labelled site, sampled per class across its blocks: refined by the training rules
    /// (when enabled) for training, unrefined for measuring, so a held-out score is that of the map.
    /// </summary>
    public TrainingTable Sample(CatalogEntry entry, IReadOnlyList<LabelPolygon> labels, bool refine = true)
    {
        var layout = Plan(entry);
        var settings = refine ? config.Training : config.Training with { Refinement = config.Training.Refinement with { Enabled = false } };
        var sampler = new SiteSampler(extractor, settings, layout, labels);
        foreach (var (block, interior, planes) in Blocks(layout)) sampler.Add(block, interior, planes);
        return sampler.ToTable();
    }

    public void Dispose()
    {
        aligner.Dispose();
        wgs84.Dispose();
    }
}
