using MiningLulc.Align;
using MiningLulc.Catalog;
using MiningLulc.Features;
using MiningLulc.Geo;
using NetTopologySuite.Geometries;

namespace MiningLulc.Training;

/// <summary>
/// Turns a labelled site into training rows: reference polygons are rasterized onto the site grid
/// (pixel centre inside, so border pixels carry the class that covers them), the classifiable pixels
/// that got a label are optionally refined, then up to N per class are drawn with a seeded shuffle.
/// </summary>
public static class TrainingSampler
{
    public static TrainingTable Collect(AlignedSite site, float[][] planes, IReadOnlyList<LabelPolygon> labels, FeatureExtractor extractor, TrainingSettings settings)
    {
        var table = new TrainingTable(extractor.Set.Names.Count);
        var labelRaster = RasterizeLabels(site, labels);
        var byClass = new List<int>[LulcClasses.Count + 1];
        for (var c = 0; c < byClass.Length; c++) byClass[c] = [];
        for (var i = 0; i < labelRaster.Length; i++)
        {
            var cls = (LulcClass)labelRaster[i];
            if (cls == LulcClass.None || !site.IsClassifiable(i)) continue;
            if (settings.Refinement.Enabled && !Refinement.Passes(cls, planes, i, settings.Refinement)) continue;
            byClass[(int)cls].Add(i);
        }
        var rng = new Random(HashCode.Combine(settings.Seed, site.Entry.Site.Id));
        for (var c = 1; c < byClass.Length; c++)
        {
            var pixels = byClass[c].ToArray();
            rng.Shuffle(pixels);
            var take = pixels.Take(settings.SamplesPerClassPerSite).Order().ToList();
            var rows = extractor.Gather(planes, take);
            for (var r = 0; r < take.Count; r++) table.Add(rows.AsSpan(r * table.FeatureCount, table.FeatureCount), (LulcClass)c, site.Entry.Site.Id);
        }
        return table;
    }

    /// <summary>Reference classes on the site grid (0 = no label), burnt by pixel centre.</summary>
    public static byte[] RasterizeLabels(AlignedSite site, IReadOnlyList<LabelPolygon> labels)
    {
        var raster = new byte[site.Grid.PixelCount];
        if (labels.Count == 0) return raster;
        using var wgs84 = SpatialReference.Wgs84();
        using var gridCrs = SpatialReference.Parse(site.Grid.CrsWkt);
        using var toGrid = new CoordinateTransform(wgs84, gridCrs);
        var geometries = new List<Geometry>(labels.Count);
        var values = new List<double>(labels.Count);
        foreach (var l in labels)
        {
            geometries.Add(GeometryOps.Transform(l.Geometry, toGrid));
            values.Add((double)l.Class);
        }
        using var mem = RasterDataset.CreateInMemory(new RasterProfile
        {
            Width = site.Grid.Width, Height = site.Grid.Height, DataType = RasterDataType.Byte, Transform = site.Grid.Transform, CrsWkt = site.Grid.CrsWkt,
        });
        GdalUtils.Rasterize(mem, 1, geometries, values, allTouched: false);
        mem.Read(1, mem.FullWindow, raster.AsSpan());
        return raster;
    }
}
