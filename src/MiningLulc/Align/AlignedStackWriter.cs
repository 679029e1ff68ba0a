using MiningLulc.Geo;

namespace MiningLulc.Align;

/// <summary>
/// Writes one site's aligned stack as a multi-band Float32 GeoTIFF on the site grid, so it can be
/// opened next to the inputs: the ten reflectances, dh, time (the DCM's decimal year), valid (1/0) and
/// site_mask (1/0). NaN marks missing reflectance, DCM voids and pixels without a time stamp.
/// </summary>
public static class AlignedStackWriter
{
    public static void Write(AlignedSite site, IReadOnlyList<string> bandNames, string path)
    {
        var n = site.Grid.PixelCount;
        var descriptions = bandNames.Concat(["dh", "time", "valid", "site_mask"]).ToList();
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        var tmp = path + ".tmp.tif";
        using (var ds = RasterDataset.Create(tmp, new RasterProfile
        {
            Width = site.Grid.Width,
            Height = site.Grid.Height,
            BandCount = descriptions.Count,
            DataType = RasterDataType.Float32,
            Transform = site.Grid.Transform,
            CrsWkt = site.Grid.CrsWkt,
            NoData = float.NaN,
            BandDescriptions = descriptions,
        }))
        {
            var window = ds.FullWindow;
            for (var b = 0; b < site.Bands.Length; b++) ds.Write(b + 1, window, site.Bands[b].AsSpan());
            ds.Write(site.Bands.Length + 1, window, site.Dh.AsSpan());
            ds.Write(site.Bands.Length + 2, window, (site.Time ?? throw new InvalidOperationException("the site was read without its time stamps")).AsSpan());
            var plane = new float[n];
            for (var i = 0; i < n; i++) plane[i] = site.Valid[i];
            ds.Write(site.Bands.Length + 3, window, plane.AsSpan());
            for (var i = 0; i < n; i++) plane[i] = site.SiteMask[i];
            ds.Write(site.Bands.Length + 4, window, plane.AsSpan());
            // The masks are 0/1, not missing: only the data bands carry the NaN nodata.
            ds.SetNoData(site.Bands.Length + 3, -1);
            ds.SetNoData(site.Bands.Length + 4, -1);
        }
        File.Move(tmp, path, overwrite: true);
    }
}
