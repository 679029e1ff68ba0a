using System.Globalization;
using System.Text.Json;
using MiningLulc.Align;
using MiningLulc.Catalog;
using MiningLulc.Geo;
using MiningLulc.Pipeline;
using MiningLulc.Vectorize;
using NetTopologySuite.Geometries;

namespace MiningLulc.Synthetic;

/// <summary>What to generate. Years and composite CRS default to the preset's.</summary>
public sealed record SynthOptions
{
    public required string OutDirectory { get; init; }
    public int Sites { get; init; } = 16;
    public int Seed { get; init; } = 1;
    public int? YearMin { get; init; }
    public int? YearMax { get; init; }
    public string Preset { get; init; } = "sample";
    /// <summary>Composite CRS; null = the preset's.</summary>
    public S2Crs? S2Crs { get; init; }
}

/// <summary>What was generated; <see cref="ClassShares"/> are the shares of the sites' area per class name.</summary>
public sealed record SynthSummary(string Directory, string Region, int Sites, IReadOnlyList<int> Years, IReadOnlyList<string> DcmTiles, int LabelPolygons, long Bytes,
    string S2CrsName, IReadOnlyDictionary<string, double> ClassShares);

/// <summary>
/// Writes a synthetic region folder of docs/inputs.md with known truth: mining sites in
/// EPSG:4326 (<see cref="SitePlanner"/>, <see cref="MineLayout"/>), Sentinel-2-like composites per
/// year (<see cref="CompositeRenderer"/>) on the 10 m UTM grid or, on request, in EPSG:4326 at Earth
/// Engine's scale 10 (nearest neighbour from the UTM rendering, as Earth Engine resamples), in one
/// file or in Earth Engine-named tiles; TanDEM-X-like DCM and TIME tiles (1 arcsec, wider in
/// longitude above 50°) with the 30 m footprint, noise, voids and masked water; and reference labels
/// in the published schema. Deterministic: the same options give byte-identical files.
/// </summary>
public static class RegionGenerator
{
    /// <summary>Earth Engine's "scale 10" in EPSG:4326: 10 m over the degree of the equator on the WGS 84 sphere it uses.</summary>
    public const double GeographicPixel = 8.983152841195215e-05;
    private const double Pixel = 10;
    private const float DcmNoData = -32767;

    public static SynthSummary Generate(SynthOptions options, IProgress<PipelineProgress>? progress = null)
    {
        if (options.Sites < 1) throw new InvalidInputException($"--sites must be at least 1, got {options.Sites}");
        var preset = SynthPreset.ByName(options.Preset);
        var yearMin = options.YearMin ?? preset.YearMin;
        var yearMax = options.YearMax ?? preset.YearMax;
        if (yearMin < 2016 || yearMax > 2022 || yearMin > yearMax)
            throw new InvalidInputException($"--years must lie within 2016-2022, got {yearMin}-{yearMax}");
        var s2Crs = options.S2Crs ?? preset.S2Crs;
        var seed = options.Seed;
        var dir = Path.GetFullPath(options.OutDirectory);
        if (Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any() && !IsSyntheticRegion(dir))
            throw new InvalidInputException("is not empty and is not a synthetic region (no region.json marked \"synthetic\"): synth writes only into a new or empty folder, or over a region it generated, so that it never deletes files it did not write", dir);
        Directory.CreateDirectory(dir);
        RemoveGenerated(dir);
        var rng = new Random(seed);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var timing = Environment.GetEnvironmentVariable("MINING_LULC_SYNTH_TIMING") == "1";
        void Lap(string stage)
        {
            if (timing) Console.Error.WriteLine($"synth: {stage} at {clock.Elapsed.TotalSeconds:0.0} s (cpu {Environment.ProcessId} {System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds:0.0} s)");
        }

        using var wgs84 = SpatialReference.Wgs84();
        var utmEpsg = SpatialReference.UtmEpsgFor(preset.CentreLongitude, preset.CentreLatitude);
        using var utm = SpatialReference.FromEpsg(utmEpsg);
        using var toUtm = new CoordinateTransform(wgs84, utm);
        using var toWgs84 = new CoordinateTransform(utm, wgs84);
        var (cx0, cy0) = toUtm.Transform(preset.CentreLongitude, preset.CentreLatitude);
        var southern = preset.CentreLatitude < 0;

        // Sites and their mines; the land around them.
        var plan = SitePlanner.Plan(options.Sites, preset, rng, cx0, cy0);
        var utmEnv = new Envelope();
        foreach (var p in plan) utmEnv.ExpandToInclude(p.Outline.EnvelopeInternal);
        var extent = Math.Max(utmEnv.Width, utmEnv.Height);
        var terrain = new Terrain(preset, new Random(Mix(seed, 0, 3)), Mix(seed, 0, 4), utmEnv.Centre.X, utmEnv.Centre.Y, extent);
        var mines = plan.Select(p => new MineLayout(p.Id, p.CentreX, p.CentreY, p.Radius, p.Annex, southern, preset, terrain,
            new Random(Mix(seed, (int)p.Id, 1)), Mix(seed, (int)p.Id, 2))).ToList();
        var landscapeStyle = new SiteStyle(preset, new Random(Mix(seed, 0, 7)), terrain, utmEnv.Centre.X, utmEnv.Centre.Y);
        var world = new SyntheticWorld(mines, plan.Select(p => p.Outline).ToList(), terrain, landscapeStyle);
        var swaths = new AcquisitionSwaths(yearMin, yearMax, new Random(Mix(seed, 0, 5)), Mix(seed, 0, 6), utmEnv.Centre.X, utmEnv.Centre.Y, extent);

        // Sites in EPSG:4326, as users deliver them.
        var sites = plan.Select(p => new Site(p.Id, GeometryOps.ToMultiPolygon(GeometryOps.Transform(p.Outline, toWgs84), GeometryOps.Wgs84Factory))).ToList();
        WriteSites(Path.Combine(dir, "sites.gpkg"), sites, wgs84);
        progress?.Report(new PipelineProgress("sites", 1, 1));
        Lap("sites");

        // DCM and TIME tiles over the 1° cells the region touches; then the site years, read back as the catalog reads them.
        var regionEnv = new Envelope();
        foreach (var s in sites) regionEnv.ExpandToInclude(s.Geometry.EnvelopeInternal);
        regionEnv.ExpandBy(0.005);
        var dcmTiles = DcmWriter.Write(Path.Combine(dir, "dcm"), regionEnv, world, swaths, toUtm, preset, seed, progress);
        var siteYears = new Dictionary<long, int>();
        using (var resolver = new SiteYearResolver(Directory.GetFiles(Path.Combine(dir, "dcm"), "*_TIME.tif").Order(StringComparer.Ordinal).ToList(), 0))
        {
            foreach (var s in sites)
            {
                var (stamp, reason) = resolver.Resolve(s);
                siteYears[s.Id] = stamp is double t ? (int)Math.Floor(t)
                    : throw new InvalidOperationException($"synthetic site {s.Id} got no DCM year ({reason}); try another seed");
            }
        }

        Lap("dcm");
        // The 10 m UTM grid: the sites' bounding box and a margin, snapped to 60 m (the Sentinel-2 tiling, so 20 m pixels nest).
        utmEnv.ExpandBy(300);
        var x0 = Math.Floor(utmEnv.MinX / 60) * 60;
        var y1 = Math.Ceiling(utmEnv.MaxY / 60) * 60;
        var width = (int)(Math.Ceiling((utmEnv.MaxX - x0) / 60) * 6);
        var height = (int)(Math.Ceiling((y1 - utmEnv.MinY) / 60) * 6);
        var utmGrid = GeoTransform.NorthUp(x0, y1, Pixel, Pixel);
        var renderer = new CompositeRenderer(world, preset, utmGrid, width, height, seed);
        var output = s2Crs == S2Crs.Utm
            ? new OutputGrid(utmGrid, width, height, utm.ToWkt(), null)
            : GeographicGrid(utmGrid, width, height, toWgs84, toUtm, wgs84.ToWkt());

        var usedYears = siteYears.Values.Distinct().Order().ToList();
        foreach (var year in usedYears)
        {
            // Each year renders the surroundings of its own sites (with a margin for focal windows), as far as the grid goes.
            var windows = plan.Where(p => siteYears[p.Id] == year)
                .Select(p => SiteAligner.WindowAround(p.Outline.EnvelopeInternal, utmGrid, 12)).ToList();
            var quantized = renderer.RenderQuantized(year, windows);
            if (output.Map is int[] map) quantized = Resample(quantized, map);
            WriteComposite(Path.Combine(dir, "s2", year.ToString(CultureInfo.InvariantCulture)), year, quantized, output, preset.CompositeTilePixels);
            progress?.Report(new PipelineProgress("composites", usedYears.IndexOf(year) + 1, usedYears.Count));
            Lap($"composite {year}");
        }

        // Reference labels: the truth (majority of the sub-pixels) on the composite's grid, polygonized like the engine's output.
        var truth = output.Map is int[] m2 ? Resample(renderer.Truth, m2) : renderer.Truth;
        var (labelCount, shares) = WriteLabels(Path.Combine(dir, "labels"), preset.Name, sites, siteYears, truth, output);
        progress?.Report(new PipelineProgress("labels", 1, 1));
        Lap("labels");

        File.WriteAllText(Path.Combine(dir, "region.json"), JsonSerializer.Serialize(new
        {
            name = preset.Name,
            synthetic = true,
            preset = preset.Name,
            description = preset.Description,
            seed,
            sites = options.Sites,
            years = $"{yearMin}-{yearMax}",
            utm_epsg = utmEpsg,
            s2_crs = s2Crs == S2Crs.Utm ? $"EPSG:{utmEpsg}" : "EPSG:4326",
        }, new JsonSerializerOptions { WriteIndented = true }) + "\n");
        var bytes = Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        return new SynthSummary(dir, preset.Name, sites.Count, usedYears, dcmTiles, labelCount, bytes,
            s2Crs == S2Crs.Utm ? $"EPSG:{utmEpsg} (10 m)" : "EPSG:4326 (8.983e-5°)", shares);
    }

    /// <summary>Whether the folder holds a region this generator wrote: its region.json (written last) says "synthetic": true.</summary>
    private static bool IsSyntheticRegion(string dir)
    {
        var path = Path.Combine(dir, "region.json");
        if (!File.Exists(path)) return false;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("synthetic", out var v) && v.ValueKind == JsonValueKind.True;
        }
        catch (JsonException) { return false; }
    }

    /// <summary>Removes the files an earlier generation wrote into the folder (only those: composites, DCM tiles, label files), so tiles of another layout do not linger.</summary>
    private static void RemoveGenerated(string dir)
    {
        var patterns = new[] { ("s2", "s2_*.tif"), ("dcm", "*_DCM.tif"), ("dcm", "*_TIME.tif"), ("labels", "*.zip"), ("labels", "*.gpkg") };
        foreach (var (sub, pattern) in patterns)
        {
            var folder = Path.Combine(dir, sub);
            if (!Directory.Exists(folder)) continue;
            foreach (var f in Directory.GetFiles(folder, pattern, SearchOption.AllDirectories)) File.Delete(f);
        }
        var s2 = Path.Combine(dir, "s2");
        if (Directory.Exists(s2))
            foreach (var y in Directory.GetDirectories(s2))
                if (!Directory.EnumerateFileSystemEntries(y).Any()) Directory.Delete(y);
    }

    /// <summary>A stable seed from several integers (SplitMix64; unlike HashCode.Combine, the same in every process).</summary>
    internal static int Mix(int a, int b, int c)
    {
        var h = (ulong)(uint)a * 0x9E3779B97F4A7C15UL ^ (ulong)(uint)b * 0xC2B2AE3D27D4EB4FUL ^ (ulong)(uint)c * 0x165667B19E3779F9UL;
        h ^= h >> 30; h *= 0xBF58476D1CE4E5B9UL;
        h ^= h >> 27; h *= 0x94D049BB133111EBUL;
        h ^= h >> 31;
        return (int)(h & 0x7FFFFFFF);
    }

    /// <summary>The grid the composites and labels are written on; <see cref="Map"/> gives, per pixel, its source pixel on the UTM grid (-1 = none) when it is not that grid.</summary>
    private sealed record OutputGrid(GeoTransform Transform, int Width, int Height, string CrsWkt, int[]? Map);

    /// <summary>The EPSG:4326 grid at Earth Engine's scale 10 covering the UTM grid, origin on multiples of the pixel size, and its nearest-neighbour map.</summary>
    private static OutputGrid GeographicGrid(GeoTransform utmGrid, int width, int height, CoordinateTransform toWgs84, CoordinateTransform toUtm, string wkt)
    {
        // The UTM grid's outline in degrees (edges sampled, since UTM lines are not parallels).
        var xs = new List<double>();
        var ys = new List<double>();
        for (var k = 0; k <= 16; k++)
        {
            foreach (var (c, r) in new[] { (width * k / 16.0, 0.0), (width * k / 16.0, (double)height), (0.0, height * k / 16.0), ((double)width, height * k / 16.0) })
            {
                var (x, y) = utmGrid.ToWorld(c, r);
                xs.Add(x);
                ys.Add(y);
            }
        }
        var ax = xs.ToArray();
        var ay = ys.ToArray();
        toWgs84.Transform(ax, ay);
        const double p = GeographicPixel;
        var lon0 = Math.Ceiling(ax.Min() / p) * p;
        var lat1 = Math.Floor(ay.Max() / p) * p;
        var w = (int)Math.Floor((ax.Max() - lon0) / p);
        var h = (int)Math.Floor((lat1 - ay.Min()) / p);
        var transform = GeoTransform.NorthUp(lon0, lat1, p, p);
        var map = new int[w * h];
        var rx = new double[w];
        var ry = new double[w];
        for (var r = 0; r < h; r++)
        {
            for (var c = 0; c < w; c++) (rx[c], ry[c]) = transform.ToWorld(c + 0.5, r + 0.5);
            toUtm.Transform(rx, ry);
            for (var c = 0; c < w; c++)
            {
                var (uc, ur) = utmGrid.ToPixel(rx[c], ry[c]);
                int col = (int)Math.Floor(uc), row = (int)Math.Floor(ur);
                map[r * w + c] = col >= 0 && row >= 0 && col < width && row < height ? row * width + col : -1;
            }
        }
        return new OutputGrid(transform, w, h, wkt, map);
    }

    private static ushort[][] Resample(ushort[][] planes, int[] map) => planes.Select(p => Resample(p, map)).ToArray();

    private static T[] Resample<T>(T[] plane, int[] map) where T : struct
    {
        var result = new T[map.Length];
        for (var i = 0; i < map.Length; i++) if (map[i] >= 0) result[i] = plane[map[i]];
        return result;
    }

    private static void WriteSites(string path, IReadOnlyList<Site> sites, SpatialReference wgs84)
    {
        var tmp = path + ".tmp.gpkg";
        if (File.Exists(tmp)) File.Delete(tmp);
        using (var ds = VectorDataset.Create(tmp))
        {
            var layer = ds.CreateLayer("sites", wgs84, 6 /* MultiPolygon */, ["FID=fid", "GEOMETRY_NAME=geom"]);
            layer.CreateField("site_id", FieldType.Integer64);
            layer.CreateField("name", FieldType.String);
            ds.InTransaction(() =>
            {
                foreach (var s in sites) layer.Write(-1, [s.Id, $"Synthetic mine {s.Id}"], s.Geometry);
            });
        }
        File.Move(tmp, path, overwrite: true);
    }

    private static void WriteComposite(string dir, int year, ushort[][] planes, OutputGrid grid, int tilePixels)
    {
        Directory.CreateDirectory(dir);
        var profile = new RasterProfile
        {
            Width = grid.Width,
            Height = grid.Height,
            BandCount = 10,
            DataType = RasterDataType.UInt16,
            Transform = grid.Transform,
            CrsWkt = grid.CrsWkt,
            NoData = 0,
            BandDescriptions = Spectra.BandNames,
            CreationOptions = ["TILED=YES", "COMPRESS=DEFLATE", "PREDICTOR=2", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "INTERLEAVE=BAND"],
        };
        var tile = tilePixels > 0 ? tilePixels : Math.Max(grid.Width, grid.Height);
        for (var r0 = 0; r0 < grid.Height; r0 += tile)
        {
            for (var c0 = 0; c0 < grid.Width; c0 += tile)
            {
                int tw = Math.Min(tile, grid.Width - c0), th = Math.Min(tile, grid.Height - r0);
                // One file, or Earth Engine's export names: <prefix>-<row offset>-<column offset>.tif.
                var name = tilePixels > 0 ? $"s2_{year}-{r0:0000000000}-{c0:0000000000}.tif" : $"s2_{year}.tif";
                var path = Path.Combine(dir, name);
                using (var ds = RasterDataset.Create(path + ".tmp", profile with { Width = tw, Height = th, Transform = grid.Transform.Shift(c0, r0) }))
                {
                    var buffer = new ushort[tw * th];
                    for (var b = 0; b < 10; b++)
                    {
                        for (var r = 0; r < th; r++) planes[b].AsSpan((r0 + r) * grid.Width + c0, tw).CopyTo(buffer.AsSpan(r * tw, tw));
                        ds.Write(b + 1, ds.FullWindow, buffer.AsSpan());
                    }
                }
                File.Move(path + ".tmp", path, overwrite: true);
            }
        }
    }

    private static (int Count, IReadOnlyDictionary<string, double> Shares) WriteLabels(string dir, string region, IReadOnlyList<Site> sites,
        IReadOnlyDictionary<long, int> years, byte[] truth, OutputGrid output)
    {
        Directory.CreateDirectory(dir);
        using var wgs84 = SpatialReference.Wgs84();
        using var gridCrs = SpatialReference.Parse(output.CrsWkt);
        using var toGrid = new CoordinateTransform(wgs84, gridCrs);
        var owned = SiteOwnership.Compute(sites);
        var polygonizer = new SitePolygonizer(new VectorizeSettings());
        var all = new List<ClassRegion>();
        foreach (var site in sites)
        {
            var inGrid = GeometryOps.Transform(site.Geometry, toGrid);
            var window = SiteAligner.WindowAround(inGrid.EnvelopeInternal, output.Transform, 1).Intersect(new Window(0, 0, output.Width, output.Height));
            var grid = new SiteGrid(window.Width, window.Height, output.Transform.Shift(window.ColOff, window.RowOff), output.CrsWkt, window);
            var classes = new byte[grid.PixelCount];
            for (var r = 0; r < grid.Height; r++)
                truth.AsSpan((window.RowOff + r) * output.Width + window.ColOff, grid.Width).CopyTo(classes.AsSpan(r * grid.Width, grid.Width));
            var clip = GeometryOps.Transform(owned[site.Id], toGrid);
            all.AddRange(polygonizer.Polygonize(classes, grid, clip, site.Id, years[site.Id]));
        }
        var numbered = all.Select((r, i) => new GpkgTileWriter.NumberedRegion(i + 1, r)).ToList();
        var files = GpkgTileWriter.Write(dir, region, numbered);
        GpkgTileWriter.Zip(dir, region, files);
        foreach (var f in files) File.Delete(f);
        var total = all.Sum(r => r.AreaM2);
        var shares = LulcClasses.All.ToDictionary(LulcClasses.NameOf, c => total > 0 ? all.Where(r => r.Class == c).Sum(r => r.AreaM2) / total : 0);
        return (numbered.Count, shares);
    }
}
