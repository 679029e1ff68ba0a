using System.Globalization;
using MiningLulc.Geo;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Union;

namespace MiningLulc.Align;

/// <summary>
/// One year's Sentinel-2 composite as the ten bands on one grid. The files of <c>s2/&lt;year&gt;/</c>
/// may be tiles of one ten-band mosaic (the usual Earth Engine export), or hold the bands apart:
/// a 10 m file with B02 B03 B04 B08 beside a 20 m file with the other six, or one file per band named
/// by its band description or by a token of its file name (<c>..._B8A.tif</c>). Files holding the same
/// bands at the same resolution are tiles of one mosaic (a VRT, never a copy). The grid is that of the
/// finest files (10 m); bands stored coarser are warped onto it by GDAL with
/// <see cref="AlignSettings.BandResampling"/> ("near" by default, which is what Earth Engine does when
/// a 20 m band is exported at scale 10). Not thread-safe: one instance per worker.
/// </summary>
public sealed class Composite : IDisposable
{
    private readonly List<BandGroup> groups;
    private readonly (BandGroup Group, int Band)[] bands;
    private readonly BandGroup reference;
    private readonly string resampling;
    private readonly double warpErrorPixels;
    private readonly IReadOnlyList<string> bandNames;

    private Composite(int year, string path, List<BandGroup> groups, (BandGroup, int)[] bands, BandGroup reference, string resampling, double warpErrorPixels, IReadOnlyList<string> bandNames)
    {
        this.bandNames = bandNames;
        Year = year;
        Path = path;
        this.groups = groups;
        this.bands = bands;
        this.reference = reference;
        this.resampling = resampling;
        this.warpErrorPixels = warpErrorPixels;
        Footprint = groups.Select(g => g.Footprint).Aggregate((a, b) => a.Intersection(b));
    }

    public int Year { get; }
    /// <summary>The file, or the year's folder when the composite has several files (for messages).</summary>
    public string Path { get; }
    public GeoTransform Transform => reference.Dataset.Transform;
    public string CrsWkt => reference.Dataset.CrsWkt;
    public Window FullWindow => reference.Dataset.FullWindow;
    public SpatialReference Crs() => reference.Dataset.Crs();
    /// <summary>Where every band has a tile (in the composite's CRS): a missing tile leaves a hole.</summary>
    public Geometry Footprint { get; }
    /// <summary>Bands stored at another resolution than the grid's, warped onto it on every read.</summary>
    public bool HasWarpedBands => groups.Any(g => !g.OnGrid);

    /// <summary>One line for reports: which files hold which bands, at what pixel size.</summary>
    public string Describe()
    {
        using var crs = Crs();
        var unit = crs.IsGeographic ? "°" : " m";
        return string.Join("; ", groups.Select(g =>
        $"{string.Join(" ", Enumerable.Range(0, bands.Length).Where(b => bands[b].Group == g).Select(b => bandNames[b]))} from {g.Files.Count} file(s) at {Math.Abs(g.Dataset.Transform.PixelWidth).ToString("G4", CultureInfo.InvariantCulture)}{unit}" +
        (g.OnGrid ? "" : $" (warped onto the grid, {resampling})")));
    }

    /// <summary>The nodata value a band's file declares, if any.</summary>
    public double? DeclaredNoData(int wanted) => bands[wanted].Group.Dataset.BandInfo(bands[wanted].Band).NoData;

    /// <summary>
    /// The raw values of every band (in the order of <see cref="InputSettings.BandNames"/>) on
    /// <paramref name="grid"/>, a window of this composite's grid. Warped bands carry NaN where their
    /// files have no data. With <paramref name="buffers"/>, the planes are the worker's reused arrays
    /// (at least the grid's pixel count long; see <see cref="BlockBuffers"/>).
    /// </summary>
    public float[][] Read(SiteGrid grid, BlockBuffers? buffers = null)
    {
        var planes = new float[bands.Length][];
        var warped = new Dictionary<BandGroup, RasterDataset>();
        try
        {
            for (var b = 0; b < bands.Length; b++)
            {
                var (group, band) = bands[b];
                var plane = buffers?.Floats(BlockBuffers.Use.Band, b, grid.PixelCount) ?? new float[grid.PixelCount];
                if (group.OnGrid) group.Dataset.Read(band, grid.SourceWindow, plane.AsSpan(0, grid.PixelCount));
                else
                {
                    if (!warped.TryGetValue(group, out var ds))
                        warped[group] = ds = GridWarp.Onto(grid, group.Dataset, resampling, group.Dataset.BandInfo(1).NoData ?? group.NoDataDefault, warpErrorPixels);
                    ds.Read(band, new Window(0, 0, grid.Width, grid.Height), plane.AsSpan(0, grid.PixelCount));
                }
                planes[b] = plane;
            }
        }
        finally
        {
            foreach (var ds in warped.Values) ds.Dispose();
        }
        return planes;
    }

    /// <summary>Opens the composite of one year from its files.</summary>
    /// <param name="warpErrorPixels">For bands stored at another resolution: <see cref="AlignSettings.WarpErrorPixels"/>.</param>
    public static Composite Open(int year, IReadOnlyList<string> files, InputSettings input, string bandResampling, double warpErrorPixels = 0)
    {
        if (files.Count == 0) throw new InvalidOperationException("no files");
        var folder = files.Count == 1 ? files[0] : System.IO.Path.GetDirectoryName(files[0])!;
        var wanted = input.BandNames.Select(BandMatcher.Normalize).ToList();
        var described = files.Select(f => Describe(f, wanted)).ToList();

        var crs = described[0].CrsWkt;
        using (var first = SpatialReference.Parse(crs, files[0]))
            foreach (var d in described.Skip(1))
            {
                using var other = SpatialReference.Parse(d.CrsWkt, d.Path);
                if (!first.IsSame(other))
                    throw new InvalidInputException($"the {year} composite's files are in different CRS ({first} in {System.IO.Path.GetFileName(files[0])}, {other} in {System.IO.Path.GetFileName(d.Path)}); reproject them to one CRS", folder);
            }

        var keyed = described.GroupBy(d => (Signature: string.Join(",", d.Names), Size: d.PixelSize)).ToList();
        var groups = new List<BandGroup>();
        try
        {
            foreach (var k in keyed) groups.Add(BandGroup.Open(k.Select(d => d.Path).ToList(), k.First().Names, k.First().PixelSize, k.Select(d => d.Footprint), input.S2NoData));
            var reference = groups.OrderBy(g => g.PixelSize).ThenBy(g => g.Files[0], StringComparer.Ordinal).First();
            foreach (var g in groups) g.OnGrid = g.Dataset.Transform == reference.Dataset.Transform && g.Dataset.Width == reference.Dataset.Width && g.Dataset.Height == reference.Dataset.Height;
            if (!reference.Dataset.HasTransform) throw new InvalidInputException("composite has no geotransform", folder);

            (BandGroup, int)[] map;
            if (groups.Count == 1)
            {
                // One mosaic holding every band: matched by description, else taken in order.
                var indices = BandMatcher.Match(reference.Dataset.Bands, input.BandNames, folder);
                map = indices.Select(i => (reference, i)).ToArray();
            }
            else map = MatchAcrossGroups(groups, wanted, input.BandNames, folder);
            return new Composite(year, folder, groups, map, reference, bandResampling, warpErrorPixels, input.BandNames);
        }
        catch
        {
            foreach (var g in groups) g.Dataset.Dispose();
            throw;
        }
    }

    private static (BandGroup, int)[] MatchAcrossGroups(List<BandGroup> groups, List<string> wanted, IReadOnlyList<string> bandNames, string folder)
    {
        var unnamed = groups.FirstOrDefault(g => g.Names.Any(n => n.Length == 0));
        if (unnamed is not null)
            throw new InvalidInputException($"cannot tell which band is which in {System.IO.Path.GetFileName(unnamed.Files[0])}: the composite's files hold different bands, so each band needs its name (B02..B12) in its band description or, for one-band files, in the file name", folder);
        var map = new (BandGroup, int)[wanted.Count];
        var missing = new List<string>();
        for (var w = 0; w < wanted.Count; w++)
        {
            var holders = groups.Where(g => g.Names.Contains(wanted[w])).ToList();
            if (holders.Count == 0) { missing.Add(bandNames[w]); continue; }
            if (holders.Count > 1)
                throw new InvalidInputException($"band {bandNames[w]} is in files of two layouts or resolutions ({System.IO.Path.GetFileName(holders[0].Files[0])}, {System.IO.Path.GetFileName(holders[1].Files[0])})", folder);
            map[w] = (holders[0], holders[0].Names.IndexOf(wanted[w]) + 1);
        }
        if (missing.Count > 0)
            throw new InvalidInputException($"missing bands {string.Join(", ", missing)} (found {string.Join(" ", groups.SelectMany(g => g.Names).Distinct())})", folder);
        return map;
    }

    private sealed record FileBands(string Path, List<string> Names, double PixelSize, string CrsWkt, Geometry Footprint);

    /// <summary>A file's band names (normalized; "" where unknown), pixel size, CRS and extent.</summary>
    private static FileBands Describe(string path, List<string> wanted)
    {
        using var ds = RasterDataset.Open(path);
        var names = ds.Bands.Select(b => BandMatcher.Normalize(b.Description)).Select(n => wanted.Contains(n) ? n : "").ToList();
        if (names.Count == 1 && names[0].Length == 0 && BandMatcher.FromFileName(path) is { } fromName && wanted.Contains(fromName)) names[0] = fromName;
        var t = ds.Transform;
        return new FileBands(path, names, Math.Round(Math.Abs(t.PixelWidth * t.PixelHeight), 12), ds.CrsWkt, GeometryOps.RasterExtent(t, ds.Width, ds.Height));
    }

    public void Dispose()
    {
        foreach (var g in groups) g.Dataset.Dispose();
    }

    /// <summary>Files holding the same bands at the same resolution: tiles of one mosaic.</summary>
    private sealed class BandGroup
    {
        public required IReadOnlyList<string> Files { get; init; }
        public required List<string> Names { get; init; }
        public required double PixelSize { get; init; }
        public required RasterDataset Dataset { get; init; }
        public required Geometry Footprint { get; init; }
        public required double NoDataDefault { get; init; }
        public bool OnGrid { get; set; }

        public static BandGroup Open(IReadOnlyList<string> files, List<string> names, double pixelSize, IEnumerable<Geometry> extents, double noData) => new()
        {
            Files = files,
            Names = names,
            PixelSize = pixelSize,
            NoDataDefault = noData,
            Dataset = files.Count == 1 ? RasterDataset.Open(files[0]) : GdalUtils.BuildVrt("", files),
            Footprint = CascadedPolygonUnion.Union(extents.ToList()),
        };
    }
}
