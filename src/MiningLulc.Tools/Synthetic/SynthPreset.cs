namespace MiningLulc.Synthetic;

/// <summary>The CRS the Sentinel-2 composites are written in.</summary>
public enum S2Crs
{
    /// <summary>The UTM zone of the region, 10 m pixels on the Sentinel-2 grid (origins on multiples of 60 m).</summary>
    Utm,
    /// <summary>EPSG:4326 at Earth Engine's "scale 10" (8.983152841195215e-5° pixels), as the dataset's authors exported them.</summary>
    Geographic,
}

/// <summary>
/// The character of a synthetic region: where it lies (which sets its UTM zone, hemisphere, DCM
/// tiles and pixel spacing), how big and how crowded its sites are, what kinds of mines it holds,
/// its land cover, geology and weather, and how its files are laid out. Immutable.
/// </summary>
/// <remarks>
/// Shares are probabilities per site (0..1); spreads are standard deviations of natural logs
/// (multiplicative) unless the unit is given. Every preset centres its region on a 1° line (or
/// corner) so that the sites straddle DCM tiles.
/// </remarks>
public sealed record SynthPreset
{
    public required string Name { get; init; }
    public string Description { get; init; } = "";
    public required double CentreLongitude { get; init; }
    public required double CentreLatitude { get; init; }
    /// <summary>Default range of DCM acquisition years (used when the caller gives none).</summary>
    public int YearMin { get; init; } = 2017;
    public int YearMax { get; init; } = 2022;

    // --- Sites -----------------------------------------------------------------------------
    /// <summary>Site areas are drawn log-uniformly in this range (km²), before the irregular outline.</summary>
    public double SiteAreaMinKm2 { get; init; } = 0.2;
    public double SiteAreaMaxKm2 { get; init; } = 5.0;
    /// <summary>Share of the region's area covered by sites: sets the region's extent from the sites' total area.</summary>
    public double SiteDensity { get; init; } = 0.28;
    /// <summary>Share of sites generated as a pair sharing a border (neighbouring concessions).</summary>
    public double TouchingShare { get; init; } = 0.14;
    /// <summary>Share of sites allowed to overlap a neighbour.</summary>
    public double OverlapShare { get; init; } = 0.14;
    /// <summary>Share of sites with a detached second part (a MultiPolygon site).</summary>
    public double AnnexShare { get; init; } = 0.10;

    // --- Kinds of mine ---------------------------------------------------------------------
    /// <summary>Share of artisanal / small-scale sites: many shallow pits, spoil heaps, ponds, mud.</summary>
    public double ArtisanalShare { get; init; } = 0.15;
    /// <summary>Share of (industrial) sites with a tailings storage facility.</summary>
    public double TailingsShare { get; init; } = 0.35;
    /// <summary>Share of pits with water at the bottom.</summary>
    public double PitWaterShare { get; init; } = 0.5;

    // --- Land cover ------------------------------------------------------------------------
    /// <summary>Share of natural ground (inside and around sites) covered by vegetation, on average.</summary>
    public double Vegetation { get; init; } = 0.2;
    /// <summary>Of the vegetation, the share that is tree cover (the rest is shrub and grass).</summary>
    public double ForestShare { get; init; } = 0.3;
    /// <summary>Share of sites cleared of forest after the DCM baseline: their cleared ground shows the canopy's loss as negative dh.</summary>
    public double ClearedForestShare { get; init; }
    /// <summary>Mean fraction of sparse vegetation in bare soil (0..1).</summary>
    public double SoilVegetation { get; init; } = 0.15;

    // --- Spectra ---------------------------------------------------------------------------
    /// <summary>Region geology: 0 = neutral, &gt; 0 = iron-rich red soils and rock (e.g. Pilbara), &lt; 0 = pale carbonate.</summary>
    public double IronTint { get; init; }
    /// <summary>Spread of brightness between sites (geology, moisture, illumination).</summary>
    public double SiteBrightness { get; init; } = 0.22;
    /// <summary>Spread of spectral shape between sites (per-band geology tint).</summary>
    public double GeologySpread { get; init; } = 0.12;
    /// <summary>Within-class texture (relative amplitude of smooth variation).</summary>
    public double Texture { get; init; } = 0.10;
    /// <summary>Sensor and compositing noise, reflectance x 10000 (plus 1.5 % of the value).</summary>
    public double SensorNoise { get; init; } = 25;
    /// <summary>Residual haze and thin cloud of median composites: mean additive visible reflectance x 10000.</summary>
    public double Haze { get; init; } = 40;
    /// <summary>Share of a composite's area left as nodata by clouds (roughly).</summary>
    public double CloudGaps { get; init; } = 0.02;

    // --- DCM -------------------------------------------------------------------------------
    /// <summary>Standard deviation of the DCM's pixel noise, metres (1-2 m in TanDEM-X).</summary>
    public double DcmNoiseM { get; init; } = 1.5;
    /// <summary>Mean X-band penetration bias under vegetation, metres (negative: the later surface looks lower).</summary>
    public double VegetationBiasM { get; init; } = -0.5;
    /// <summary>Share of sites whose water bodies are masked (void) in the DCM.</summary>
    public double WaterMaskedShare { get; init; } = 0.4;

    // --- Files -----------------------------------------------------------------------------
    /// <summary>Composite CRS.</summary>
    public S2Crs S2Crs { get; init; } = S2Crs.Utm;
    /// <summary>Composites of one year split into tiles of this many pixels a side, named like Earth Engine exports (0 = one file).</summary>
    public int CompositeTilePixels { get; init; }

    public static readonly IReadOnlyDictionary<string, SynthPreset> All = new Dictionary<string, SynthPreset>
    {
        // The committed data-sample: small, Atacama-like (southern hemisphere, UTM 19S), across the 70° W line.
        ["sample"] = new()
        {
            Name = "sample",
            Description = "Atacama-like desert at 23.45° S 70.0° W, small sites across two DCM tiles, 2019-2020 (the committed data-sample)",
            CentreLongitude = -70.0,
            CentreLatitude = -23.45,
            YearMin = 2019,
            YearMax = 2020,
            SiteAreaMaxKm2 = 1.6,
            SiteDensity = 0.3,
            Vegetation = 0.10,
            ForestShare = 0.1,
            SoilVegetation = 0.12,
            ArtisanalShare = 0.15,
            TailingsShare = 0.35,
            CloudGaps = 0.005,
            IronTint = 0.2,
        },
        ["arid"] = new()
        {
            Name = "arid",
            Description = "Atacama copper belt at 22.5° S 69.0° W: large pits, dumps and tailings, little vegetation",
            CentreLongitude = -69.0,
            CentreLatitude = -22.5,
            Vegetation = 0.04,
            ForestShare = 0.0,
            SoilVegetation = 0.04,
            ArtisanalShare = 0.05,
            TailingsShare = 0.55,
            PitWaterShare = 0.2,
            CloudGaps = 0.003,
            Haze = 25,
            IronTint = 0.3,
        },
        ["tropical"] = new()
        {
            Name = "tropical",
            Description = "Amazon gold fields at 6.1° S 55.0° W: artisanal pits in cleared forest, frequent cloud, wet pits",
            CentreLongitude = -55.0,
            CentreLatitude = -6.1,
            Vegetation = 0.55,
            ForestShare = 0.75,
            SoilVegetation = 0.2,
            ArtisanalShare = 0.25,
            TailingsShare = 0.25,
            PitWaterShare = 0.7,
            ClearedForestShare = 0.25,
            CloudGaps = 0.04,
            Haze = 80,
            IronTint = 0.35,
            VegetationBiasM = -1.5,
            WaterMaskedShare = 0.5,
        },
        ["southern"] = new()
        {
            Name = "southern",
            Description = "Highveld gold and platinum at 26.2° S 27.0° E (UTM 35S): grassland, large tailings dams",
            CentreLongitude = 27.0,
            CentreLatitude = -26.2,
            Vegetation = 0.3,
            ForestShare = 0.15,
            SoilVegetation = 0.15,
            ArtisanalShare = 0.08,
            TailingsShare = 0.6,
            PitWaterShare = 0.45,
            CloudGaps = 0.01,
            IronTint = 0.1,
        },
        ["multitile"] = new()
        {
            Name = "multitile",
            Description = "Pilbara iron ore at the corner of four DCM tiles (23° S 118° E); composites exported in 256-pixel tiles",
            CentreLongitude = 118.0,
            CentreLatitude = -23.0,
            Vegetation = 0.12,
            ForestShare = 0.05,
            SoilVegetation = 0.1,
            ArtisanalShare = 0.03,
            TailingsShare = 0.3,
            PitWaterShare = 0.25,
            CompositeTilePixels = 256,
            IronTint = 0.8,
            CloudGaps = 0.005,
        },
        ["gee"] = new()
        {
            Name = "gee",
            Description = "Lignite and quarries at 50.9° N 6.5° E: composites in EPSG:4326 at Earth Engine's scale 10, in tiles, as the authors exported them; DCM at 1.5\" longitude spacing",
            CentreLongitude = 7.0,
            CentreLatitude = 50.9,
            Vegetation = 0.4,
            ForestShare = 0.5,
            SoilVegetation = 0.25,
            ArtisanalShare = 0.0,
            TailingsShare = 0.15,
            PitWaterShare = 0.4,
            CloudGaps = 0.03,
            Haze = 60,
            IronTint = -0.2,
            S2Crs = S2Crs.Geographic,
            CompositeTilePixels = 1024,
        },
    };

    public static SynthPreset ByName(string name) => All.TryGetValue(name, out var p) ? p
        : throw new InvalidInputException($"unknown synthetic preset '{name}' (known: {string.Join(", ", All.Keys)})");
}
