using MiningLulc.Align;
using MiningLulc.Catalog;
using MiningLulc.Features;
using MiningLulc.Geo;
using MiningLulc.Inference;
using MiningLulc.Training;
using MiningLulc.Vectorize;
using NetTopologySuite.Geometries;
using MiningLulc.Model;
using MiningLulc.Smooth;

namespace MiningLulc.Pipeline;

/// <summary>One site's result: its polygons, how many pixels were classified, the inputs' coverage, and the class raster on the site grid.</summary>
public sealed record SiteOutput(IReadOnlyList<ClassRegion> Regions, int ClassifiedPixels, SiteCoverage Coverage, byte[] Classes, SiteGrid Grid)
{
    /// <summary>Where the site's time went, stage by stage.</summary>
    public StageTimes Times { get; init; } = new();

    /// <summary>With confidence: per pixel of <see cref="Classes"/>, the (calibrated) probability of its class; NaN where it is 0. Null without.</summary>
    public float[]? Confidence { get; init; }
}

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
    private readonly GridTransforms transforms = new();
    private readonly BlockBuffers buffers;
    private readonly SiteMedianSampler medianSampler = new();
    private readonly int blockHalo;

    public SiteProcessor(RegionFolder folder, EngineConfig config, FeatureSet features)
    {
        this.config = config;
        aligner = new SiteAligner(folder, config.Align);
        extractor = new FeatureExtractor(features);
        polygonizer = new SitePolygonizer(config.Vectorize);
        // Blocks read as much around them as the set's widest window needs (15 pixels for 31x31), so a block's
        // features equal the whole site's; the site grid, and so what is classified, keeps align.halo_pixels.
        blockHalo = Math.Max(config.Align.HaloPixels, features.ContextPixels);
        var side = (long)config.Align.BlockSize + 2 * blockHalo;
        buffers = new BlockBuffers((int)Math.Min(side * side, Array.MaxLength));
    }

    /// <summary>Pixels read around each block: <c>align.halo_pixels</c>, or the feature set's largest focal radius when wider.</summary>
    public int BlockHalo => blockHalo;

    public FeatureExtractor Extractor => extractor;

    /// <summary>This worker's reused block arrays (what they hold and have allocated so far).</summary>
    public BlockBuffers Buffers => buffers;

    /// <summary>A whole site as one block with its feature planes (analysis tools; the pipeline goes block by block).</summary>
    public (AlignedSite Site, float[][] Planes) Prepare(CatalogEntry entry)
    {
        var layout = aligner.Plan(entry);
        var whole = new Window(0, 0, layout.Grid.Width, layout.Grid.Height);
        var site = aligner.Read(layout, whole);
        return (site, extractor.ComputePlanes(site, medians: MediansOf(site, whole, layout, (0, 0))));
    }

    /// <summary>Plans a site: its grid, polygon and mask (no pixel data yet).</summary>
    public SiteLayout Plan(CatalogEntry entry) => aligner.Plan(entry);

    /// <summary>
    /// The site's blocks with their feature planes, one block in memory at a time: each lives in this
    /// worker's reused arrays until the next is read, so take what you need from it before moving on.
    /// Without the time stamps (<see cref="AlignedSite.Time"/> is null): only the coverage report uses them.
    /// </summary>
    public IEnumerable<(AlignedSite Block, Window Interior, float[][] Planes)> Blocks(SiteLayout layout)
    {
        var medians = SiteMediansFirstPass(layout);
        foreach (var (block, interior) in aligner.Blocks(layout, config.Align.BlockSize, withTime: false, buffers, halo: blockHalo))
        {
            medians ??= MediansOf(block, interior, layout, OffsetOf(block, layout));
            yield return (block, interior, extractor.ComputePlanes(block, buffers, medians));
        }
    }

    /// <summary>Where a block's (0,0) lies in its site's grid.</summary>
    private static (int Col, int Row) OffsetOf(AlignedSite block, SiteLayout layout) =>
        (block.Grid.SourceWindow.ColOff - layout.Grid.SourceWindow.ColOff, block.Grid.SourceWindow.RowOff - layout.Grid.SourceWindow.RowOff);

    /// <summary>
    /// The site's medians when the set needs them and the site spans several blocks: a first pass over its
    /// blocks, without halos, stamps or the DCM (the medians are of the reflectances). Null otherwise: a one-block site takes them from its only block, read once
    /// (<see cref="MediansOf"/>), and the same lattice pixels give the same medians either way.
    /// </summary>
    private SiteMedians? SiteMediansFirstPass(SiteLayout layout)
    {
        if (!extractor.NeedsSiteMedians || (layout.Grid.Width <= config.Align.BlockSize && layout.Grid.Height <= config.Align.BlockSize)) return null;
        medianSampler.Start(layout);
        foreach (var (block, interior) in aligner.Blocks(layout, config.Align.BlockSize, withTime: false, buffers, halo: 0, withDh: false))
            medianSampler.Add(block, interior, OffsetOf(block, layout));
        return medianSampler.Result();
    }

    /// <summary>The medians of a site held whole in one block (null when the set does not need them).</summary>
    private SiteMedians? MediansOf(AlignedSite block, Window interior, SiteLayout layout, (int Col, int Row) offset)
    {
        if (!extractor.NeedsSiteMedians) return null;
        medianSampler.Start(layout);
        medianSampler.Add(block, interior, offset);
        return medianSampler.Result();
    }

    /// <summary>The class raster of a site on its grid (after smoothing when enabled); 0 = not classified.</summary>
    public byte[] ClassRaster(ClassifierModel model, SiteLayout layout) => ClassRaster(model, layout, out _);

    /// <summary>The class raster, and how well the inputs covered the site.</summary>
    public byte[] ClassRaster(ClassifierModel model, SiteLayout layout, out SiteCoverage coverage) => ClassRaster(model, layout, out coverage, new StageClock());

    /// <summary>The class raster and coverage, charging each stage's time to <paramref name="clock"/>.</summary>
    private byte[] ClassRaster(ClassifierModel model, SiteLayout layout, out SiteCoverage coverage, StageClock clock, Confidence.SiteScores? scores = null)
    {
        var classes = new byte[layout.Grid.PixelCount];
        var counter = new CoverageCounter(layout);
        clock.Restart();
        var medians = SiteMediansFirstPass(layout);
        clock.Lap(StageClock.Stage.ReadWarp);
        // Coverage is all the pipeline needs the stamps for: when they are all of the site's year, skip warping them.
        foreach (var (block, interior) in aligner.Blocks(layout, config.Align.BlockSize, withTime: !layout.StampsAllOfSiteYear, buffers, blockHalo))
        {
            counter.Add(block, interior);
            clock.Lap(StageClock.Stage.ReadWarp);
            var offset = OffsetOf(block, layout);
            medians ??= MediansOf(block, interior, layout, offset);
            var planes = extractor.ComputePlanes(block, buffers, medians);
            clock.Lap(StageClock.Stage.Features);
            SiteClassifier.Classify(model, block, planes, extractor, interior, classes, layout.Grid.Width, offset, buffers, scores);
            clock.Lap(StageClock.Stage.Classify);
        }
        coverage = counter.Result;
        var smoothed = SmoothStage.Apply(classes, layout.Grid, config.Smooth, transforms);
        clock.Lap(StageClock.Stage.Smooth);
        return smoothed;
    }

    /// <summary>
    /// The whole chain for one site: its regions, clipped to the area it owns (EPSG:4326), and its
    /// class raster; with <paramref name="withConfidence"/>, each region's confidence and the
    /// per-pixel confidence raster too (docs/output-schema.md).
    /// </summary>
    public SiteOutput Process(ClassifierModel model, CatalogEntry entry, Geometry ownedArea, bool withConfidence = false)
    {
        var clock = new StageClock();
        var layout = Plan(entry);
        clock.Lap(StageClock.Stage.ReadWarp);
        var scores = withConfidence ? new Confidence.SiteScores(layout.Grid.PixelCount, model.ScoreClassCodes) : null;
        var classes = ClassRaster(model, layout, out var coverage, clock, scores);
        var classified = 0;
        foreach (var c in classes) if (c != 0) classified++;
        clock.Restart();
        Geometry clip = layout.SiteInGridCrs;
        if (!ReferenceEquals(ownedArea, entry.Site.Geometry)) clip = GeometryOps.Transform(ownedArea, transforms.FromWgs84(layout.Grid.CrsWkt));
        clock.Lap(StageClock.Stage.ClipTransform);
        var regions = polygonizer.Polygonize(classes, layout.Grid, clip, entry.Site.Id, entry.Year!.Value, out var vectorTimes, scores);
        clock.Add(StageClock.Stage.Polygonize, vectorTimes.PolygonizeTicks);
        clock.Add(StageClock.Stage.ClipTransform, vectorTimes.ClipTransformTicks);
        return new SiteOutput(regions, classified, coverage, classes, layout.Grid) { Times = clock.Result, Confidence = scores?.ConfidenceOf(classes) };
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
        polygonizer.Dispose();
        transforms.Dispose();
    }
}
