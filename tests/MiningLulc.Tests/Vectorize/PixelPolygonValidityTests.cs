using MiningLulc.Geo;
using MiningLulc.Vectorize;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace MiningLulc.Tests.Vectorize;

/// <summary>
/// The polygonizer's shortcut past the general validity check: it may say "valid" only when NTS's
/// IsValid agrees (else the outputs would change), and should say so for ordinary regions.
/// </summary>
public class PixelPolygonValidityTests
{
    [Theory]
    // A square; an L; a ring around a one-pixel hole.
    [InlineData("POLYGON ((0 0, 2 0, 2 2, 0 2, 0 0))", true)]
    [InlineData("POLYGON ((0 0, 3 0, 3 1, 1 1, 1 3, 0 3, 0 0))", true)]
    [InlineData("POLYGON ((0 0, 3 0, 3 3, 0 3, 0 0), (1 1, 2 1, 2 2, 1 2, 1 1))", true)]
    // A hole touching the shell at one corner, and two holes touching each other: valid (OGC), shown so.
    [InlineData("POLYGON ((0 0, 4 0, 4 4, 0 4, 0 0), (1 1, 2 1, 2 2, 1 2, 1 1), (2 2, 3 2, 3 3, 2 3, 2 2))", true)]
    [InlineData("POLYGON ((0 0, 3 0, 3 2, 2 2, 2 3, 0 3, 0 0), (1 1, 2 1, 2 2, 1 2, 1 1))", true)]
    // The shell touching itself at a corner (two pixels meeting diagonally, as 8-connectivity gives).
    [InlineData("POLYGON ((0 0, 1 0, 1 1, 2 1, 2 2, 1 2, 1 1, 0 1, 0 0))", false)]
    // A hole touching the shell at two corners: the interior is cut in two.
    [InlineData("POLYGON ((0 0, 3 0, 3 3, 0 3, 0 0), (1 1, 2 1, 2 2, 1 2, 1 1), (0 0, 1 0, 1 1, 0 1, 0 0))", false)]
    // Not from the polygonizer: fractional vertices, or the hole listed first.
    [InlineData("POLYGON ((0 0, 2.5 0, 2.5 2, 0 2, 0 0))", false)]
    [InlineData("POLYGON ((1 1, 2 1, 2 2, 1 2, 1 1), (0 0, 3 0, 3 3, 0 3, 0 0))", false)]
    public void ShownValidOnlyWhenValid(string wkt, bool shown)
    {
        var g = new WKTReader().Read(wkt);
        Assert.Equal(shown, SitePolygonizer.IsValidPixelPolygon(g));
        if (shown) Assert.True(g.IsValid);
    }

    [Theory]
    [InlineData(4, 1)]
    [InlineData(4, 2)]
    [InlineData(8, 3)]
    public void OnRandomClassRastersEveryPolygonShownValidIsValid(int connectivity, int seed)
    {
        // Random class rasters (synthetic): noise gives many pixels meeting diagonally, holes and rings touching.
        var random = new Random(seed);
        const int side = 40;
        var classes = new byte[side * side];
        for (var i = 0; i < classes.Length; i++) classes[i] = (byte)(random.Next(3) == 0 ? random.Next(8) : (i / side + i % side) / 9 % 3 + 1);
        using var raster = RasterDataset.CreateInMemory(new RasterProfile { Width = side, Height = side, DataType = RasterDataType.Byte, Transform = GeoTransform.Identity });
        raster.Write(1, raster.FullWindow, classes.AsSpan());
        using var memory = VectorDataset.Create("", "Memory");
        var layer = memory.CreateLayer("regions", null, 3);
        layer.CreateField("class", FieldType.Integer);
        GdalUtils.Polygonize(raster, 1, raster, 1, layer, 0, connectivity == 8);

        int shown = 0, valid = 0, total = 0;
        foreach (var f in layer.Features(new GeometryFactory()))
        {
            total++;
            var isValid = f.Geometry!.IsValid;
            if (isValid) valid++;
            if (!SitePolygonizer.IsValidPixelPolygon(f.Geometry)) continue;
            shown++;
            Assert.True(isValid, f.Geometry.ToString());
        }
        Assert.True(total > 100, $"{total} polygons");
        // 4-connected regions are mostly valid and the shortcut finds nearly all of them; 8-connected
        // ones often touch themselves, and those go to the full check.
        if (connectivity == 4) Assert.True(shown >= 0.95 * valid, $"{shown} shown of {valid} valid");
        else Assert.True(valid < total, "8-connectivity should give some invalid polygons");
    }
}
