using MiningLulc.Geo;

namespace MiningLulc.Tests.Geo;

public class RasterDatasetTests
{
    private static RasterProfile Utm(int w, int h, int bands = 2) => new()
    {
        Width = w,
        Height = h,
        BandCount = bands,
        DataType = RasterDataType.UInt16,
        Transform = GeoTransform.NorthUp(500000, 7400000, 10, 10),
        CrsWkt = SpatialReference.FromEpsg(32719).ToWkt(),
        NoData = 0,
        BandDescriptions = ["B02", "B03"],
    };

    [Fact]
    public void GeoTiffRoundTripKeepsValuesGridCrsDescriptionsAndNoData()
    {
        using var tmp = new TempDir();
        var path = tmp.File("a.tif");
        var values = Enumerable.Range(0, 300 * 200).Select(i => (ushort)(i % 65000 + 1)).ToArray();
        using (var ds = RasterDataset.Create(path, Utm(300, 200)))
        {
            ds.Write(1, ds.FullWindow, values.AsSpan());
            ds.Write(2, new Window(10, 20, 3, 2), new ushort[] { 7, 8, 9, 10, 11, 12 }.AsSpan());
        }
        using var read = RasterDataset.Open(path);
        Assert.Equal((300, 200, 2), (read.Width, read.Height, read.BandCount));
        Assert.Equal(GeoTransform.NorthUp(500000, 7400000, 10, 10), read.Transform);
        using (var crs = read.Crs()) Assert.Equal(32719, crs.Epsg);
        Assert.Equal(new RasterBandInfo(1, RasterDataType.UInt16, "B02", 0), read.BandInfo(1));
        Assert.Equal("B03", read.BandInfo(2).Description);

        var back = new ushort[values.Length];
        read.Read(1, read.FullWindow, back.AsSpan());
        Assert.Equal(values, back);
        var window = new float[6];
        read.Read(2, new Window(10, 20, 3, 2), window.AsSpan()); // converted to float by GDAL
        Assert.Equal(new float[] { 7, 8, 9, 10, 11, 12 }, window);
        Assert.Equal((256, 256), read.BlockSize(1)); // tiled, as the profile asks
    }

    [Fact]
    public void WindowOutsideTheRasterIsRejectedWithThePath()
    {
        using var tmp = new TempDir();
        using var ds = RasterDataset.Create(tmp.File("b.tif"), Utm(10, 10, 1));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ds.Read(1, new Window(5, 5, 10, 1), new float[10].AsSpan()));
        Assert.Contains("b.tif", e.Message);
    }

    [Fact]
    public void TruncatedGeoTiffGivesAnExceptionNamingTheFile()
    {
        using var tmp = new TempDir();
        var path = tmp.File("whole.tif");
        var rng = new Random(1);
        using (var ds = RasterDataset.Create(path, Utm(512, 512, 1) with { CreationOptions = ["TILED=YES", "COMPRESS=DEFLATE"] }))
            ds.Write(1, ds.FullWindow, Enumerable.Range(0, 512 * 512).Select(_ => (ushort)rng.Next(1, 60000)).ToArray().AsSpan());
        var bytes = File.ReadAllBytes(path);
        var cut = tmp.File("cut.tif");
        File.WriteAllBytes(cut, bytes[..(bytes.Length / 2)]);

        var e = Assert.ThrowsAny<InvalidInputException>(() =>
        {
            using var ds = RasterDataset.Open(cut);
            ds.Read(1, ds.FullWindow, new float[512 * 512].AsSpan());
        });
        Assert.Contains("cut.tif", e.Message);
    }

    [Fact]
    public void MissingAndNonRasterFilesAreClearErrors()
    {
        using var tmp = new TempDir();
        var missing = Assert.Throws<InvalidInputException>(() => RasterDataset.Open(tmp.File("nope.tif")));
        Assert.Contains("nope.tif", missing.Message);
        File.WriteAllText(tmp.File("text.tif"), "this is not a raster");
        var garbage = Assert.ThrowsAny<InvalidInputException>(() => RasterDataset.Open(tmp.File("text.tif")));
        Assert.Contains("text.tif", garbage.Message);
    }

    [Fact]
    public void TranslateWritesACloudOptimizedGeoTiff()
    {
        using var tmp = new TempDir();
        using var src = RasterDataset.CreateInMemory(Utm(64, 64, 1));
        src.Write(1, src.FullWindow, Enumerable.Range(0, 64 * 64).Select(i => (ushort)(i + 1)).ToArray().AsSpan());
        using (GdalUtils.Translate(tmp.File("c.tif"), src, ["-of", "COG", "-co", "COMPRESS=DEFLATE"])) { }
        using var cog = RasterDataset.Open(tmp.File("c.tif"));
        var v = new ushort[1];
        cog.Read(1, new Window(63, 63, 1, 1), v.AsSpan());
        Assert.Equal(64 * 64, v[0]);
        Assert.Equal(src.Transform, cog.Transform);
    }

    [ToolFact("gdal_translate")]
    public void ReadsAFileWrittenByGdalTranslate()
    {
        using var tmp = new TempDir();
        using (var ds = RasterDataset.Create(tmp.File("src.tif"), Utm(40, 30, 1)))
            ds.Write(1, ds.FullWindow, Enumerable.Range(0, 1200).Select(i => (ushort)i).ToArray().AsSpan());
        var (code, output) = Tools.Run("gdal_translate", "-of", "GTiff", "-co", "COMPRESS=LZW", "-srcwin", "5", "4", "10", "10", tmp.File("src.tif"), tmp.File("out.tif"));
        Assert.True(code == 0, output);
        using var read = RasterDataset.Open(tmp.File("out.tif"));
        Assert.Equal(GeoTransform.NorthUp(500050, 7399960, 10, 10), read.Transform);
        var v = new ushort[1];
        read.Read(1, new Window(0, 0, 1, 1), v.AsSpan());
        Assert.Equal(4 * 40 + 5, v[0]);
    }

    [Fact]
    public void GeoTransformMapsPixelsAndBack()
    {
        var t = new GeoTransform(100, 2, 0.5, 200, 0.25, -3);
        var (x, y) = t.ToWorld(3.5, 7.25);
        var (c, r) = t.ToPixel(x, y);
        Assert.Equal(3.5, c, 12);
        Assert.Equal(7.25, r, 12);
        Assert.Equal(t.ToWorld(4, 2), (t.Shift(4, 2).OriginX, t.Shift(4, 2).OriginY));
    }

    [Theory]
    [InlineData(0, 0, 10, 10, 5, 5, 10, 10, 5, 5, 5, 5)]
    [InlineData(0, 0, 10, 10, 10, 0, 3, 3, 10, 0, 0, 0)]
    [InlineData(2, 3, 4, 5, 0, 0, 100, 100, 2, 3, 4, 5)]
    public void WindowIntersection(int c0, int r0, int w0, int h0, int c1, int r1, int w1, int h1, int ec, int er, int ew, int eh)
    {
        var i = new Window(c0, r0, w0, h0).Intersect(new Window(c1, r1, w1, h1));
        Assert.Equal((ew, eh), (i.Width, i.Height));
        if (ew > 0) Assert.Equal((ec, er), (i.ColOff, i.RowOff));
    }

    [Fact]
    public void SubdivideCoversTheWindowExactlyOnce()
    {
        var w = new Window(3, 4, 1000, 517);
        var blocks = w.Subdivide(256, 100).ToList();
        Assert.Equal(w.Area, blocks.Sum(b => b.Area));
        Assert.All(blocks, b => Assert.Equal(b, b.Intersect(w)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Window(0, 0, -1, 3));
    }
}
