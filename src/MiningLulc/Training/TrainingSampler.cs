using MiningLulc.Align;
using MiningLulc.Catalog;
using MiningLulc.Features;
using MiningLulc.Geo;
using NetTopologySuite.Geometries;

namespace MiningLulc.Training;

/// <summary>
/// Turns a labelled site into training rows, block by block: the reference polygons are rasterized
/// onto each block (pixel centre inside, so border pixels carry the class that covers them), the
/// classifiable labelled pixels are optionally refined, and up to N per class are kept by seeded
/// reservoir sampling, so memory stays bounded by N and the block whatever the site's size.
/// Not thread-safe: one per site.
/// </summary>
public sealed class SiteSampler
{
    private readonly FeatureExtractor extractor;
    private readonly TrainingSettings settings;
    private readonly SiteLayout layout;
    private readonly IReadOnlyList<Geometry> labelGeometries;
    private readonly IReadOnlyList<double> labelValues;
    private readonly List<(long Pixel, float[] Row)>[] kept = new List<(long, float[])>[LulcClasses.Count + 1];
    private readonly long[] seen = new long[LulcClasses.Count + 1];
    private readonly Random rng;

    public SiteSampler(FeatureExtractor extractor, TrainingSettings settings, SiteLayout layout, IReadOnlyList<LabelPolygon> labels)
    {
        this.extractor = extractor;
        this.settings = settings;
        this.layout = layout;
        for (var c = 0; c < kept.Length; c++) kept[c] = [];
        rng = new Random(SiteSeed(settings.Seed, layout.Entry.Site.Id));
        using var wgs84 = SpatialReference.Wgs84();
        using var gridCrs = SpatialReference.Parse(layout.Grid.CrsWkt);
        using var toGrid = new CoordinateTransform(wgs84, gridCrs);
        labelGeometries = labels.Select(l => GeometryOps.Transform(l.Geometry, toGrid)).ToList();
        labelValues = labels.Select(l => (double)l.Class).ToList();
    }

    public void Add(AlignedSite block, Window interior, float[][] planes)
    {
        var labelRaster = RasterizeLabels(block.Grid, labelGeometries, labelValues);
        var rowOffset = block.Grid.SourceWindow.RowOff - layout.Grid.SourceWindow.RowOff;
        var colOffset = block.Grid.SourceWindow.ColOff - layout.Grid.SourceWindow.ColOff;
        var pixel = new int[1];
        for (var r = interior.RowOff; r < interior.RowOff + interior.Height; r++)
        {
            for (var c = interior.ColOff; c < interior.ColOff + interior.Width; c++)
            {
                var i = r * block.Grid.Width + c;
                var cls = (LulcClass)labelRaster[i];
                if (cls == LulcClass.None || !block.IsClassifiable(i)) continue;
                if (settings.Refinement.Enabled && !Refinement.Passes(cls, planes, i, settings.Refinement)) continue;
                // Reservoir sampling (Algorithm R): each candidate ends up kept with equal probability.
                var k = (int)cls;
                var n = ++seen[k];
                var slot = n <= settings.SamplesPerClassPerSite ? -1 : rng.NextInt64(n);
                if (slot >= settings.SamplesPerClassPerSite) continue;
                pixel[0] = i;
                var row = extractor.Gather(planes, pixel);
                var sitePixel = (long)(rowOffset + r) * layout.Grid.Width + colOffset + c;
                if (slot < 0) kept[k].Add((sitePixel, row));
                else kept[k][(int)slot] = (sitePixel, row);
            }
        }
    }

    /// <summary>
    /// The reservoir's seed for one site: SplitMix64 of the training seed and the whole 64-bit site id, the same in every
    /// process. (HashCode.Combine, used before, is salted per process, so every run drew other pixels and trained other trees.)
    /// </summary>
    internal static int SiteSeed(int seed, long siteId)
    {
        var h = (ulong)siteId * 0x9E3779B97F4A7C15UL ^ (ulong)(uint)seed * 0xC2B2AE3D27D4EB4FUL;
        h ^= h >> 30; h *= 0xBF58476D1CE4E5B9UL;
        h ^= h >> 27; h *= 0x94D049BB133111EBUL;
        h ^= h >> 31;
        return (int)(h & 0x7FFFFFFF);
    }

    /// <summary>The kept rows, by class and then by pixel position (a stable order).</summary>
    public TrainingTable ToTable()
    {
        var table = new TrainingTable(extractor.Set.Names.Count);
        for (var c = 1; c < kept.Length; c++)
            foreach (var (_, row) in kept[c].OrderBy(k => k.Pixel)) table.Add(row, (LulcClass)c, layout.Entry.Site.Id);
        return table;
    }

    /// <summary>Reference classes on a grid (0 = no label), burnt by pixel centre; geometries in the grid's CRS.</summary>
    public static byte[] RasterizeLabels(SiteGrid grid, IReadOnlyList<Geometry> geometries, IReadOnlyList<double> classes)
    {
        var raster = new byte[grid.PixelCount];
        if (geometries.Count == 0) return raster;
        using var mem = RasterDataset.CreateInMemory(new RasterProfile
        {
            Width = grid.Width,
            Height = grid.Height,
            DataType = RasterDataType.Byte,
            Transform = grid.Transform,
            CrsWkt = grid.CrsWkt,
        });
        GdalUtils.Rasterize(mem, 1, geometries, classes, allTouched: false);
        mem.Read(1, mem.FullWindow, raster.AsSpan());
        return raster;
    }
}

/// <summary>Whole-site helpers for analysis tools (small sites; the pipeline itself goes block by block).</summary>
public static class TrainingSampler
{
    /// <summary>Reference classes (0 = no label) on an aligned site's grid, burnt by pixel centre; labels in EPSG:4326.</summary>
    public static byte[] RasterizeLabels(AlignedSite site, IReadOnlyList<LabelPolygon> labels)
    {
        using var wgs84 = SpatialReference.Wgs84();
        using var gridCrs = SpatialReference.Parse(site.Grid.CrsWkt);
        using var toGrid = new CoordinateTransform(wgs84, gridCrs);
        return SiteSampler.RasterizeLabels(site.Grid, labels.Select(l => GeometryOps.Transform(l.Geometry, toGrid)).ToList(), labels.Select(l => (double)l.Class).ToList());
    }
}
