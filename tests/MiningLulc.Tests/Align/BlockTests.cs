using MiningLulc.Align;
using MiningLulc.Catalog;
using MiningLulc.Geo;
using MiningLulc.Pipeline;
using NetTopologySuite.Geometries;

namespace MiningLulc.Tests.Align;

/// <summary>Block-wise processing: same answers as the whole site, memory bounded by the block.</summary>
[Collection(SyntheticRegionCollection.Name)]
public class BlockTests(SyntheticRegionFixture region)
{
    [Fact]
    public void SmallBlocksGiveTheSameClassesAsOneBlock()
    {
        var catalog = RegionCatalog.Build(region.Region, region.Config.Input);
        var entry = catalog.Ready.OrderByDescending(e => e.AreaM2).First();
        byte[] Classes(int blockSize)
        {
            var config = region.Config with { Align = region.Config.Align with { BlockSize = blockSize } };
            using var p = new SiteProcessor(catalog.Folder, config, region.Model.FeatureSet);
            return p.ClassRaster(region.Model, p.Plan(entry));
        }
        var whole = Classes(8192);
        Assert.True(whole.Count(c => c != 0) > 1000);
        Assert.Equal(whole, Classes(17)); // odd block size: blocks end mid-feature-window everywhere
    }

    /// <summary>
    /// The pipeline's reused block arrays (<see cref="BlockBuffers"/>) give the classes that fresh
    /// arrays give, although every block starts from what the last one left; and once a worker has
    /// seen its largest block, later blocks allocate no block arrays and little else.
    /// </summary>
    [Fact]
    public void ReusedBlockArraysGiveTheClassesOfFreshOnesAndStopGrowing()
    {
        var catalog = RegionCatalog.Build(region.Region, region.Config.Input);
        var largest = catalog.Ready.OrderByDescending(e => e.AreaM2).First();
        const int blockSize = 48;
        var config = region.Config with { Align = region.Config.Align with { BlockSize = blockSize } };
        using var processor = new SiteProcessor(catalog.Folder, config, region.Model.FeatureSet);
        var layout = processor.Plan(largest);

        // Fresh arrays for every block: the reference.
        using var aligner = new SiteAligner(catalog.Folder, config.Align);
        var fresh = new byte[layout.Grid.PixelCount];
        var blocks = 0;
        foreach (var (block, interior) in aligner.Blocks(layout, blockSize))
        {
            var blockPlanes = processor.Extractor.ComputePlanes(block);
            var offset = (block.Grid.SourceWindow.ColOff - layout.Grid.SourceWindow.ColOff, block.Grid.SourceWindow.RowOff - layout.Grid.SourceWindow.RowOff);
            MiningLulc.Inference.SiteClassifier.Classify(region.Model, block, blockPlanes, processor.Extractor, interior, fresh, layout.Grid.Width, offset);
            blocks++;
        }
        Assert.True(blocks > 4, $"the site should span several blocks, got {blocks}");
        Assert.Equal(fresh, processor.ClassRaster(region.Model, layout));

        // Warm: every site once. The arrays then hold what the largest block needs, at most 25 % more.
        foreach (var entry in catalog.Ready) processor.ClassRaster(region.Model, processor.Plan(entry));
        var allocated = processor.Buffers.AllocatedBytes;
        var side = blockSize + 2 * config.Align.HaloPixels;
        var planes = (long)side * side * sizeof(float);
        var oneBlock = planes * (FeatureSchema.Count + 12) + (long)blockSize * blockSize * region.Model.FeatureSet.Names.Count * sizeof(float) + 3L * side * side;
        Assert.InRange(processor.Buffers.HeldBytes, planes * FeatureSchema.Count, oneBlock * 5 / 4);

        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var entry in catalog.Ready) processor.ClassRaster(region.Model, processor.Plan(entry));
        var perBlock = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)catalog.Ready.Sum(e => BlockCount(processor.Plan(e).Grid, blockSize));
        Assert.Equal(allocated, processor.Buffers.AllocatedBytes); // nothing more once warm
        // What still comes per block: small objects (the block, its plane lists, GDAL call arguments) and
        // each site's own class raster, against the ~40 planes of a block reused here.
        Assert.True(perBlock < oneBlock / 10, $"{perBlock:0} bytes allocated per block; its arrays are {oneBlock} bytes");
    }

    private static int BlockCount(MiningLulc.Align.SiteGrid grid, int size) => ((grid.Width + size - 1) / size) * ((grid.Height + size - 1) / size);
}

/// <summary>Live memory is measured for the whole process, so this runs alone (no other test allocating meanwhile).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "serial (process-wide measurements)";
}

[Collection(SerialCollection.Name)]
public class BlockMemoryTests(Xunit.Abstractions.ITestOutputHelper output)
{
    /// <summary>
    /// A 1,600 x 1,600 px site (synthetic, constant reflectance): live managed memory while reading it
    /// block by block stays near the 1-byte-per-pixel mask plus one block, far below the ~50 bytes
    /// per pixel that reading the whole stack at once would hold.
    /// </summary>
    [Fact]
    public void ReadingALargeSiteHoldsOneBlockAtATime()
    {
        using var tmp = new TempDir();
        using var utm = SpatialReference.FromEpsg(32719);
        using var wgs84 = SpatialReference.Wgs84();
        const int side = 1600;
        var grid = GeoTransform.NorthUp(400000, 7450000, 10, 10);
        var (cx, cy) = grid.ToWorld(side / 2.0, side / 2.0);
        var (lon, lat) = new CoordinateTransform(utm, wgs84).Transform(cx, cy);
        var half = side * 10 / 2.0 - 100;
        var square = new GeometryFactory().CreatePolygon([new(cx - half, cy - half), new(cx + half, cy - half), new(cx + half, cy + half), new(cx - half, cy + half), new(cx - half, cy - half)]);
        new RegionBuilder(tmp.Path)
            .Sites(wgs84, (1, GeometryOps.Transform(square, new CoordinateTransform(utm, wgs84))))
            .Composite(2020, "s2.tif", utm, grid, side, side, (b, c, r) => (ushort)(1000 + b))
            .DcmTile((int)Math.Floor(lon), (int)Math.Floor(lat), 120, (_, _) => 0f);
        var catalog = RegionCatalog.Build(tmp.Path, EngineConfig.Default.Input);
        using var aligner = new SiteAligner(catalog.Folder, new AlignSettings { BlockSize = 256 });
        var layout = aligner.Plan(catalog.Ready.Single());
        Assert.True(layout.Grid.PixelCount > 2_500_000);

        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        var baseline = GC.GetTotalMemory(true);
        long peak = 0, pixels = 0;
        foreach (var (block, interior) in aligner.Blocks(layout, 256))
        {
            pixels += interior.Area;
            peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true) - baseline); // live objects only
            GC.KeepAlive(block);
        }
        Assert.Equal(layout.Grid.PixelCount, pixels);
        var wholeStack = (long)layout.Grid.PixelCount * (11 * sizeof(float) + 2);
        output.WriteLine($"{layout.Grid.PixelCount} px in 256-px blocks: peak live managed memory {peak / 1e6:0.0} MB; the whole stack would be {wholeStack / 1e6:0.0} MB");
        Assert.True(peak < wholeStack / 10, $"peak live memory {peak / 1e6:0.0} MB while the whole stack is {wholeStack / 1e6:0.0} MB");
    }
}
