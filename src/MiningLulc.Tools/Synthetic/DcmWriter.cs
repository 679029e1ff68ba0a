using MiningLulc.Geo;
using MiningLulc.Pipeline;
using NetTopologySuite.Geometries;

namespace MiningLulc.Synthetic;

/// <summary>
/// Writes TanDEM-X-like DEM Change Map tiles (<c>&lt;cell&gt;_DCM.tif</c>, Float32 metres, nodata
/// -32767) and their TIME layers (<c>&lt;cell&gt;_TIME.tif</c>, decimal year, nodata 0) for every 1°
/// cell a region touches: EPSG:4326, pixel-is-area, 1 arcsec in latitude and 1 to 10 arcsec in
/// longitude by latitude band as the TanDEM-X products are, named by the cell's lower-left corner.
/// Each pixel averages the true elevation change over its ~30 m footprint (3 x 3 samples), then
/// gets metre-level white and correlated noise, extra noise over water, and voids (radar shadow
/// and masked water from the world, scattered small voids, and a few patches with no acquisition,
/// where TIME is empty too). Only the region's window of each tile is filled; the rest is nodata
/// (sparse GeoTIFF blocks, which GDAL reads as nodata).
/// </summary>
internal static class DcmWriter
{
    private const float NoData = -32767;
    private const int Sub = 3;

    public static IReadOnlyList<string> Write(string dir, Envelope env, SyntheticWorld world, AcquisitionSwaths swaths, CoordinateTransform toUtm,
        SynthPreset preset, int seed, IProgress<PipelineProgress>? progress)
    {
        Directory.CreateDirectory(dir);
        var names = new List<string>();
        var voids = new ValueNoise(seed + 101, 250, 2);
        var gaps = new ValueNoise(seed + 103, 500, 2);
        var drift = new ValueNoise(seed + 107, 600, 2);
        using var wgs84 = SpatialReference.Wgs84();
        var wkt = wgs84.ToWkt();
        var cells = new List<(int Lat0, int Lon0)>();
        for (var lat0 = (int)Math.Floor(env.MinY); lat0 <= (int)Math.Floor(env.MaxY); lat0++)
            for (var lon0 = (int)Math.Floor(env.MinX); lon0 <= (int)Math.Floor(env.MaxX); lon0++) cells.Add((lat0, lon0));
        foreach (var (lat0, lon0) in cells)
        {
            var name = $"{(lat0 < 0 ? 'S' : 'N')}{Math.Abs(lat0):00}{(lon0 < 0 ? 'W' : 'E')}{Math.Abs(lon0):000}";
            const int rows = 3600;
            var cols = (int)Math.Round(3600 / LongitudeSpacing(lat0));
            double stepY = 1.0 / rows, stepX = 1.0 / cols;
            var transform = GeoTransform.NorthUp(lon0, lat0 + 1, stepX, stepY);
            var c0 = Math.Clamp((int)Math.Floor((env.MinX - lon0) / stepX), 0, cols);
            var c1 = Math.Clamp((int)Math.Ceiling((env.MaxX - lon0) / stepX), 0, cols);
            var r0 = Math.Clamp((int)Math.Floor((lat0 + 1 - env.MaxY) / stepY), 0, rows);
            var r1 = Math.Clamp((int)Math.Ceiling((lat0 + 1 - env.MinY) / stepY), 0, rows);
            int w = c1 - c0, h = r1 - r0;
            var dh = new float[Math.Max(0, w * h)];
            var time = new float[dh.Length];
            if (w > 0 && h > 0)
            {
                // Pixel centres in UTM, in one batch; then every pixel in parallel (pure functions of position).
                var xs = new double[w * h];
                var ys = new double[w * h];
                for (var r = 0; r < h; r++)
                    for (var c = 0; c < w; c++) (xs[r * w + c], ys[r * w + c]) = transform.ToWorld(c0 + c + 0.5, r0 + r + 0.5);
                toUtm.Transform(xs, ys);
                var latMid = lat0 + 1 - (r0 + h / 2.0) * stepY;
                var footX = stepX * 111320 * Math.Cos(latMid * Math.PI / 180);
                var footY = stepY * 110574;
                var noise = preset.DcmNoiseM;
                Parallel.For(0, h, r =>
                {
                    for (var c = 0; c < w; c++)
                    {
                        var i = r * w + c;
                        double x = xs[i], y = ys[i];
                        double sum = 0;
                        int valid = 0, masked = 0, water = 0;
                        for (var sy = 0; sy < Sub; sy++)
                        {
                            for (var sx = 0; sx < Sub; sx++)
                            {
                                var (g, _) = world.Sample(x + (sx - 1) * footX / Sub, y + (sy - 1) * footY / Sub);
                                if (g.Class == LulcClass.WaterBody) water++;
                                if (float.IsNaN(g.Dh)) { masked++; continue; }
                                sum += g.Dh;
                                valid++;
                            }
                        }
                        var gap = gaps.At(x, y) > 0.78; // no acquisition: neither height nor time
                        time[i] = gap ? 0 : (float)swaths.At(x, y);
                        if (gap || masked * 2 > Sub * Sub || valid == 0 || voids.At(y, x) > 0.66) { dh[i] = NoData; continue; }
                        long gc = (lon0 + 180L) * 4000 + c0 + c, gr = (90L - lat0) * 4000 + r0 + r;
                        var e = noise * (SynthRandom.Gauss(gc, gr, seed + 109) + 0.6 * drift.At(x, y));
                        if (water * 2 > Sub * Sub) e += 4 * SynthRandom.Gauss(gc, gr, seed + 113); // phase noise over water
                        dh[i] = (float)(sum / valid + e);
                    }
                });
            }

            // Sparse tiles: blocks outside the region's window are never written and read as nodata, so a
            // mostly empty 1° tile costs neither time nor space (GDAL's SPARSE_OK GeoTIFFs).
            var profile = new RasterProfile
            {
                Width = cols,
                Height = rows,
                DataType = RasterDataType.Float32,
                Transform = transform,
                CrsWkt = wkt,
                CreationOptions = ["TILED=YES", "COMPRESS=DEFLATE", "PREDICTOR=3", "BLOCKXSIZE=512", "BLOCKYSIZE=512", "SPARSE_OK=TRUE"],
            };
            var dcmPath = Path.Combine(dir, name + "_DCM.tif");
            var timePath = Path.Combine(dir, name + "_TIME.tif");
            using (var dcm = RasterDataset.Create(dcmPath + ".tmp", profile with { NoData = NoData, BandDescriptions = ["elevation change (m)"] }))
            using (var tim = RasterDataset.Create(timePath + ".tmp", profile with { NoData = 0, BandDescriptions = ["acquisition time (decimal year)"] }))
            {
                if (w > 0 && h > 0)
                {
                    var window = new Window(c0, r0, w, h);
                    dcm.Write(1, window, dh.AsSpan());
                    tim.Write(1, window, time.AsSpan());
                }
            }
            File.Move(dcmPath + ".tmp", dcmPath, overwrite: true);
            File.Move(timePath + ".tmp", timePath, overwrite: true);
            names.Add(name);
            progress?.Report(new PipelineProgress("dcm tiles", names.Count, cells.Count));
        }
        return names;
    }

    /// <summary>TanDEM-X longitude spacing (arcsec) of a 1° cell by latitude band: 1" below 50°, wider towards the poles.</summary>
    internal static double LongitudeSpacing(int lat0)
    {
        var lat = lat0 >= 0 ? lat0 : -(lat0 + 1); // the cell's edge nearest the equator
        return lat switch { < 50 => 1, < 60 => 1.5, < 70 => 2, < 80 => 3, < 85 => 5, _ => 10 };
    }
}
