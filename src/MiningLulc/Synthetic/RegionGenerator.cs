using System.Globalization;
using System.Text.Json;
using MiningLulc.Align;
using MiningLulc.Catalog;
using MiningLulc.Geo;
using MiningLulc.Pipeline;
using MiningLulc.Vectorize;
using NetTopologySuite.Geometries;

namespace MiningLulc.Synthetic;

/// <summary>What to generate.</summary>
public sealed record SynthOptions
{
    public required string OutDirectory { get; init; }
    public int Sites { get; init; } = 16;
    public int Seed { get; init; } = 1;
    public int YearMin { get; init; } = 2019;
    public int YearMax { get; init; } = 2020;
    public string Preset { get; init; } = "sample";
}

/// <summary>What was generated.</summary>
public sealed record SynthSummary(string Directory, string Region, int Sites, IReadOnlyList<int> Years, IReadOnlyList<string> DcmTiles, int LabelPolygons, long Bytes);

/// <summary>
/// Writes a synthetic region folder of CONTRACT.md section 3 with known truth: mining sites in
/// EPSG:4326, Sentinel-2-like composites per year on a true 10 m UTM grid (ten UInt16 bands, 20 m
/// bands carrying 20 m detail, mixed pixels, per-site spectral shifts, texture, noise, cloud gaps),
/// TanDEM-X-like DCM and TIME tiles at 1 arcsec in EPSG:4326 (pits, dumps, penetration bias under
/// vegetation, noise, voids, masked water), and reference labels in the published schema.
/// Deterministic: the same options give byte-identical files.
/// </summary>
public static class RegionGenerator
{
    private const double Pixel = 10, SubPixel = 2.5;
    private const float DcmNoData = -32767;
    private static readonly string[] BandNames = ["B02", "B03", "B04", "B05", "B06", "B07", "B08", "B8A", "B11", "B12"];
    private static readonly bool[] Is20m = [false, false, false, true, true, true, false, true, true, true];

    public static SynthSummary Generate(SynthOptions options, IProgress<PipelineProgress>? progress = null)
    {
        if (options.Sites < 1) throw new InvalidInputException($"--sites must be at least 1, got {options.Sites}");
        if (options.YearMin < 2016 || options.YearMax > 2022 || options.YearMin > options.YearMax)
            throw new InvalidInputException($"--years must lie within 2016-2022, got {options.YearMin}-{options.YearMax}");
        var preset = SynthPreset.ByName(options.Preset);
        var dir = Path.GetFullPath(options.OutDirectory);
        Directory.CreateDirectory(dir);
        var rng = new Random(options.Seed);

        using var wgs84 = SpatialReference.Wgs84();
        var utmEpsg = SpatialReference.UtmEpsgFor(preset.CentreLongitude, preset.CentreLatitude);
        using var utm = SpatialReference.FromEpsg(utmEpsg);
        using var toUtm = new CoordinateTransform(wgs84, utm);
        using var toWgs84 = new CoordinateTransform(utm, wgs84);
        var (cx0, cy0) = toUtm.Transform(preset.CentreLongitude, preset.CentreLatitude);

        var mines = PlaceSites(options, preset, rng, cx0, cy0);
        var world = new World(mines, preset, options.Seed);
        var years = Enumerable.Range(options.YearMin, options.YearMax - options.YearMin + 1).ToArray();
        var time = new TimeStripes(years, options.Seed, preset.ExtentM);

        // Sites in EPSG:4326, as users deliver them.
        var sites = mines.Select(m => new Site(m.Id, GeometryOps.Wgs84Factory.CreateGeometry(GeometryOps.Transform(m.Polygon, toWgs84)))).ToList();
        WriteSites(Path.Combine(dir, "sites.gpkg"), sites, wgs84);
        progress?.Report(new PipelineProgress("sites", 1, 1));

        // DCM and TIME tiles over the 1° cells the region touches.
        var regionEnv = new Envelope();
        foreach (var s in sites) regionEnv.ExpandToInclude(s.Geometry.EnvelopeInternal);
        regionEnv.ExpandBy(0.01);
        var dcmTiles = WriteDcm(Path.Combine(dir, "dcm"), regionEnv, world, time, toUtm, options.Seed, progress);

        // Site years: the floor of the TIME stamp of the DCM pixel holding the site's centroid (as the catalog reads it).
        var siteYears = sites.ToDictionary(s => s.Id, s => (int)Math.Floor(TimeAtPixelOf(s.Geometry.Centroid, time, toUtm)));

        // The composite grid: the region's UTM bounding box, snapped to 20 m so 10 and 20 m pixels nest.
        var utmEnv = new Envelope();
        foreach (var m in mines) utmEnv.ExpandToInclude(m.Polygon.EnvelopeInternal);
        utmEnv.ExpandBy(400);
        var x0 = Math.Floor(utmEnv.MinX / 20) * 20;
        var y1 = Math.Ceiling(utmEnv.MaxY / 20) * 20;
        var width = (int)Math.Ceiling((utmEnv.MaxX - x0) / 20) * 2;
        var height = (int)Math.Ceiling((y1 - utmEnv.MinY) / 20) * 2;
        var gridTransform = GeoTransform.NorthUp(x0, y1, Pixel, Pixel);
        var usedYears = siteYears.Values.Distinct().Order().ToList();
        foreach (var year in usedYears)
        {
            var ofYear = mines.Where(m => siteYears[m.Id] == year).ToList();
            WriteComposite(Path.Combine(dir, "s2", year.ToString(CultureInfo.InvariantCulture)), year, width, height, gridTransform, utm.ToWkt(), world, ofYear, preset, options.Seed);
            progress?.Report(new PipelineProgress("composites", usedYears.IndexOf(year) + 1, usedYears.Count));
        }

        // Reference labels: the truth at 10 m (majority of the sub-pixels), polygonized like the engine's output.
        var labelCount = WriteLabels(Path.Combine(dir, "labels"), preset.Name, sites, siteYears, world, gridTransform, width, height, utm);
        progress?.Report(new PipelineProgress("labels", 1, 1));

        File.WriteAllText(Path.Combine(dir, "region.json"), JsonSerializer.Serialize(new
        {
            name = preset.Name, synthetic = true, preset = preset.Name, seed = options.Seed, sites = options.Sites,
            years = $"{options.YearMin}-{options.YearMax}", utm_epsg = utmEpsg,
        }, new JsonSerializerOptions { WriteIndented = true }) + "\n");
        var bytes = Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        return new SynthSummary(dir, preset.Name, sites.Count, usedYears, dcmTiles, labelCount, bytes);
    }

    private static List<MineLayout> PlaceSites(SynthOptions options, SynthPreset preset, Random rng, double cx0, double cy0)
    {
        var mines = new List<MineLayout>();
        var half = preset.ExtentM / 2;
        for (var k = 0; k < options.Sites; k++)
        {
            for (var attempt = 0; attempt < 2000; attempt++)
            {
                var r = preset.SiteRadiusMinM + (preset.SiteRadiusMaxM - preset.SiteRadiusMinM) * rng.NextDouble();
                var x = cx0 - half + r + (2 * half - 2 * r) * rng.NextDouble();
                var y = cy0 - half + r + (2 * half - 2 * r) * rng.NextDouble();
                // Most sites keep apart; about one in six may overlap a neighbour, as real extents do.
                var minGap = rng.NextDouble() < 0.16 ? 0.75 : 1.05;
                if (attempt < 1900 && mines.Any(m => Math.Sqrt((m.CentreX - x) * (m.CentreX - x) + (m.CentreY - y) * (m.CentreY - y)) < minGap * (m.Radius + r))) continue;
                mines.Add(new MineLayout(k + 1, x, y, r, preset, rng, options.Seed * 1000 + k));
                break;
            }
        }
        return mines;
    }

    private static void WriteSites(string path, IReadOnlyList<Site> sites, SpatialReference wgs84)
    {
        var tmp = path + ".tmp.gpkg";
        if (File.Exists(tmp)) File.Delete(tmp);
        using (var ds = VectorDataset.Create(tmp))
        {
            var layer = ds.CreateLayer("sites", wgs84, 3 /* Polygon */, ["FID=fid", "GEOMETRY_NAME=geom"]);
            layer.CreateField("site_id", FieldType.Integer64);
            layer.CreateField("name", FieldType.String);
            ds.InTransaction(() =>
            {
                foreach (var s in sites) layer.Write(-1, [s.Id, $"Synthetic mine {s.Id}"], s.Geometry);
            });
        }
        File.Move(tmp, path, overwrite: true);
    }

    private static double TimeAtPixelOf(Point lonLat, TimeStripes time, CoordinateTransform toUtm)
    {
        const double step = 1.0 / 3600;
        var lon = (Math.Floor(lonLat.X / step) + 0.5) * step;
        var lat = (Math.Floor(lonLat.Y / step) + 0.5) * step;
        var (x, y) = toUtm.Transform(lon, lat);
        return time.At(x, y);
    }

    private static IReadOnlyList<string> WriteDcm(string dir, Envelope env, World world, TimeStripes time, CoordinateTransform toUtm, int seed, IProgress<PipelineProgress>? progress)
    {
        Directory.CreateDirectory(dir);
        const int n = 3600;
        const double step = 1.0 / n;
        var names = new List<string>();
        var voids = new ValueNoise(seed + 101, 300, 2);
        for (var lat0 = (int)Math.Floor(env.MinY); lat0 <= (int)Math.Floor(env.MaxY); lat0++)
        {
            for (var lon0 = (int)Math.Floor(env.MinX); lon0 <= (int)Math.Floor(env.MaxX); lon0++)
            {
                var name = $"{(lat0 < 0 ? 'S' : 'N')}{Math.Abs(lat0):00}{(lon0 < 0 ? 'W' : 'E')}{Math.Abs(lon0):000}";
                var transform = GeoTransform.NorthUp(lon0, lat0 + 1, step, step);
                var c0 = Math.Clamp((int)Math.Floor((env.MinX - lon0) / step), 0, n);
                var c1 = Math.Clamp((int)Math.Ceiling((env.MaxX - lon0) / step), 0, n);
                var r0 = Math.Clamp((int)Math.Floor((lat0 + 1 - env.MaxY) / step), 0, n);
                var r1 = Math.Clamp((int)Math.Ceiling((lat0 + 1 - env.MinY) / step), 0, n);
                var profile = new RasterProfile
                {
                    Width = n, Height = n, DataType = RasterDataType.Float32, Transform = transform, CrsWkt = SpatialReference.Wgs84().ToWkt(),
                    CreationOptions = ["TILED=YES", "COMPRESS=DEFLATE", "PREDICTOR=3", "BLOCKXSIZE=512", "BLOCKYSIZE=512"],
                };
                var dcmPath = Path.Combine(dir, name + "_DCM.tif");
                var timePath = Path.Combine(dir, name + "_TIME.tif");
                using (var dcm = RasterDataset.Create(dcmPath + ".tmp", profile with { NoData = DcmNoData, BandDescriptions = ["elevation change (m)"] }))
                using (var tim = RasterDataset.Create(timePath + ".tmp", profile with { NoData = 0, BandDescriptions = ["acquisition time (decimal year)"] }))
                {
                    // Fill the whole tile with nodata block by block (bounded memory), then the region's rows.
                    var blank = new float[n * 64];
                    foreach (var w in new Window(0, 0, n, n).Subdivide(n, 64))
                    {
                        blank.AsSpan().Fill(DcmNoData);
                        dcm.Write(1, w, blank.AsSpan(0, (int)w.Area));
                        blank.AsSpan().Clear();
                        tim.Write(1, w, blank.AsSpan(0, (int)w.Area));
                    }
                    var cols = c1 - c0;
                    if (cols > 0 && r1 > r0)
                    {
                        var xs = new double[cols];
                        var ys = new double[cols];
                        var dh = new float[cols];
                        var tv = new float[cols];
                        for (var r = r0; r < r1; r++)
                        {
                            for (var c = 0; c < cols; c++)
                            {
                                (xs[c], ys[c]) = transform.ToWorld(c0 + c + 0.5, r + 0.5);
                            }
                            toUtm.Transform(xs, ys);
                            for (var c = 0; c < cols; c++)
                            {
                                var (_, trueDh) = world.ClassAndDh(xs[c], ys[c]);
                                var noise = world.Preset.DcmNoiseM * Gauss(c0 + c, r, seed + lon0 * 31 + lat0);
                                var isVoid = double.IsNaN(trueDh) || voids.At(xs[c], ys[c]) > 0.62;
                                dh[c] = isVoid ? DcmNoData : (float)(trueDh + noise);
                                tv[c] = (float)time.At(xs[c], ys[c]);
                            }
                            dcm.Write(1, new Window(c0, r, cols, 1), dh.AsSpan());
                            tim.Write(1, new Window(c0, r, cols, 1), tv.AsSpan());
                        }
                    }
                }
                File.Move(dcmPath + ".tmp", dcmPath, overwrite: true);
                File.Move(timePath + ".tmp", timePath, overwrite: true);
                names.Add(name);
                progress?.Report(new PipelineProgress("dcm tiles", names.Count, names.Count));
            }
        }
        return names;
    }

    private static void WriteComposite(string dir, int year, int width, int height, GeoTransform transform, string crsWkt, World world,
        IReadOnlyList<MineLayout> sitesOfYear, SynthPreset preset, int seed)
    {
        Directory.CreateDirectory(dir);
        var planes = new float[10][];
        for (var b = 0; b < 10; b++) planes[b] = new float[width * height];
        var render = new bool[width * height];
        foreach (var m in sitesOfYear)
        {
            var env = m.Polygon.EnvelopeInternal;
            var w = SiteAligner.WindowAround(env, transform, 40).Intersect(new Window(0, 0, width, height));
            for (var r = w.RowOff; r < w.RowOff + w.Height; r++)
                for (var c = w.ColOff; c < w.ColOff + w.Width; c++) render[r * width + c] = true;
        }
        var yearRng = new Random(HashCode.Combine(seed, year));
        var illumination = (float)(1 + 0.04 * MineLayout.Gaussian(yearRng));
        var texture = new ValueNoise(seed + year, 35, 2);
        var clouds = new ValueNoise(seed + year * 3, 250, 2);
        var spectrum = new float[10];
        for (var r = 0; r < height; r++)
        {
            for (var c = 0; c < width; c++)
            {
                var i = r * width + c;
                if (!render[i]) continue;
                Array.Clear(spectrum);
                var (px, py) = transform.ToWorld(c, r);
                for (var sy = 0; sy < 4; sy++)
                {
                    for (var sx = 0; sx < 4; sx++)
                    {
                        var x = px + (sx + 0.5) * SubPixel;
                        var y = py - (sy + 0.5) * SubPixel;
                        var (cls, mine, turbid) = world.Sample(x, y);
                        var mean = turbid ? Spectra.TurbidWater : Spectra.Mean[(int)cls];
                        var tex = 1 + preset.Texture * texture.At(x + (int)cls * 977, y);
                        for (var b = 0; b < 10; b++) spectrum[b] += (float)(mean[b] * (mine?.SpectralShift[b] ?? 1) * tex);
                    }
                }
                for (var b = 0; b < 10; b++) planes[b][i] = spectrum[b] / 16 * illumination;
            }
        }
        // The 20 m bands carry 20 m detail: average each 2x2 block of 10 m pixels.
        for (var b = 0; b < 10; b++)
        {
            if (!Is20m[b]) continue;
            var p = planes[b];
            for (var r = 0; r + 1 < height; r += 2)
                for (var c = 0; c + 1 < width; c += 2)
                {
                    int a = r * width + c, d = a + width;
                    var v = (p[a] + p[a + 1] + p[d] + p[d + 1]) / 4;
                    p[a] = p[a + 1] = p[d] = p[d + 1] = v;
                }
        }
        var profile = new RasterProfile
        {
            Width = width, Height = height, BandCount = 10, DataType = RasterDataType.UInt16, Transform = transform, CrsWkt = crsWkt,
            NoData = 0, BandDescriptions = BandNames,
            CreationOptions = ["TILED=YES", "COMPRESS=DEFLATE", "PREDICTOR=2", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "INTERLEAVE=BAND"],
        };
        var tiles = Math.Max(1, preset.CompositeTiles);
        var tileWidth = (int)Math.Ceiling(width / (double)tiles / 20) * 20;
        for (var t = 0; t * tileWidth < width; t++)
        {
            var colOff = t * tileWidth;
            var tw = Math.Min(tileWidth, width - colOff);
            var name = tiles == 1 ? $"s2_{year}.tif" : $"s2_{year}-0000000000-{colOff:0000000000}.tif";
            var path = Path.Combine(dir, name);
            using (var ds = RasterDataset.Create(path + ".tmp", profile with { Width = tw, Transform = transform.Shift(colOff, 0) }))
            {
                var buffer = new ushort[tw * height];
                for (var b = 0; b < 10; b++)
                {
                    for (var r = 0; r < height; r++)
                    {
                        for (var c = 0; c < tw; c++)
                        {
                            var i = r * width + colOff + c;
                            if (!render[i]) { buffer[r * tw + c] = 0; continue; }
                            var (x, y) = transform.ToWorld(colOff + c + 0.5, r + 0.5);
                            if (clouds.At(x, y) > 0.72) { buffer[r * tw + c] = 0; continue; } // cloud gap
                            var v = planes[b][i] + preset.SensorNoise * Gauss(colOff + c, r, seed + year * 10 + b);
                            buffer[r * tw + c] = (ushort)Math.Clamp(Math.Round(v), 1, 65535);
                        }
                    }
                    ds.Write(b + 1, ds.FullWindow, buffer.AsSpan());
                }
            }
            File.Move(path + ".tmp", path, overwrite: true);
        }
    }

    private static int WriteLabels(string dir, string region, IReadOnlyList<Site> sites, IReadOnlyDictionary<long, int> years, World world,
        GeoTransform gridTransform, int width, int height, SpatialReference utm)
    {
        Directory.CreateDirectory(dir);
        using var wgs84 = SpatialReference.Wgs84();
        using var toUtm = new CoordinateTransform(wgs84, utm);
        var owned = SiteOwnership.Compute(sites);
        var polygonizer = new SitePolygonizer(new VectorizeSettings());
        var all = new List<ClassRegion>();
        var crsWkt = utm.ToWkt();
        foreach (var site in sites)
        {
            var inUtm = GeometryOps.Transform(site.Geometry, toUtm);
            var window = SiteAligner.WindowAround(inUtm.EnvelopeInternal, gridTransform, 1).Intersect(new Window(0, 0, width, height));
            var grid = new SiteGrid(window.Width, window.Height, gridTransform.Shift(window.ColOff, window.RowOff), crsWkt, window);
            var truth = new byte[grid.PixelCount];
            var votes = new int[LulcClasses.Count + 1];
            for (var r = 0; r < grid.Height; r++)
            {
                for (var c = 0; c < grid.Width; c++)
                {
                    Array.Clear(votes);
                    var (px, py) = grid.Transform.ToWorld(c, r);
                    for (var sy = 0; sy < 4; sy++)
                        for (var sx = 0; sx < 4; sx++)
                            votes[(int)world.Sample(px + (sx + 0.5) * SubPixel, py - (sy + 0.5) * SubPixel).Class]++;
                    var best = 1;
                    for (var k = 2; k <= LulcClasses.Count; k++) if (votes[k] > votes[best]) best = k;
                    truth[r * grid.Width + c] = (byte)best;
                }
            }
            var clip = GeometryOps.Transform(owned[site.Id], toUtm);
            all.AddRange(polygonizer.Polygonize(truth, grid, clip, site.Id, years[site.Id]));
        }
        var numbered = all.Select((r, i) => new GpkgTileWriter.NumberedRegion(i + 1, r)).ToList();
        var files = GpkgTileWriter.Write(dir, region, numbered);
        GpkgTileWriter.Zip(dir, region, files);
        foreach (var f in files) File.Delete(f);
        return numbered.Count;
    }

    /// <summary>A standard normal value for a pixel, from a hash (no shared random state: order-independent).</summary>
    private static double Gauss(long x, long y, int seed)
    {
        var u1 = (ValueNoise.Hash(x, y, seed) + 1) / 2;
        var u2 = (ValueNoise.Hash(x, y, seed ^ 0x5bd1e995) + 1) / 2;
        return Math.Sqrt(-2 * Math.Log(Math.Max(u1, 1e-12))) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>The ground truth of the whole region: which mine (if any) owns a point, and what is there.</summary>
    private sealed class World(IReadOnlyList<MineLayout> mines, SynthPreset preset, int seed)
    {
        private readonly ValueNoise background = new(seed + 7, 200);
        private readonly NetTopologySuite.Algorithm.Locate.IndexedPointInAreaLocator[] locators =
            mines.Select(m => new NetTopologySuite.Algorithm.Locate.IndexedPointInAreaLocator(m.Polygon)).ToArray();

        public SynthPreset Preset => preset;

        /// <summary>Class, owning mine (null outside every site) and turbidity at a point; sites with smaller ids win overlaps.</summary>
        public (LulcClass Class, MineLayout? Mine, bool Turbid) Sample(double x, double y)
        {
            var mine = Owner(x, y);
            if (mine is null) return (BackgroundClass(x, y), null, false);
            var (cls, _, turbid) = mine.Sample(x, y);
            return (cls, mine, turbid);
        }

        public (LulcClass Class, double Dh) ClassAndDh(double x, double y)
        {
            var mine = Owner(x, y);
            if (mine is null)
            {
                var cls = BackgroundClass(x, y);
                return (cls, cls == LulcClass.Vegetation ? -2.5 : 0);
            }
            var (c, dh, _) = mine.Sample(x, y);
            return (c, dh);
        }

        private LulcClass BackgroundClass(double x, double y) =>
            background.At(x, y) > 1 - 2 * preset.Vegetation ? LulcClass.Vegetation : LulcClass.BareSoil;

        private MineLayout? Owner(double x, double y)
        {
            var p = new Coordinate(x, y);
            for (var i = 0; i < mines.Count; i++)
            {
                var m = mines[i];
                var dx = x - m.CentreX;
                var dy = y - m.CentreY;
                if (dx * dx + dy * dy > 4 * m.Radius * m.Radius) continue; // sites reach at most ~1.5 radii
                if (locators[i].Locate(p) != Location.Exterior) return m;
            }
            return null;
        }
    }

    /// <summary>Acquisition swaths: diagonal stripes, each with its own date, cycling through the years.</summary>
    private sealed class TimeStripes(int[] years, int seed, double extent)
    {
        private readonly double angle = 0.3 + 0.5 * ((ValueNoise.Hash(seed, 1, 3) + 1) / 2);
        private readonly double stripe = extent / Math.Max(2, years.Length) * 0.9;

        public double At(double x, double y)
        {
            var s = (x * Math.Cos(angle) + y * Math.Sin(angle)) / stripe;
            var k = (long)Math.Floor(s);
            var year = years[(int)(((k % years.Length) + years.Length) % years.Length)];
            return year + 0.05 + 0.9 * ((ValueNoise.Hash(k, 7, seed) + 1) / 2);
        }
    }
}
