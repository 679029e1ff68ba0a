namespace MiningLulc.Synthetic;

/// <summary>
/// Spectra of the synthetic world: top-of-atmosphere reflectance x 10000 in the order
/// B02 B03 B04 B05 B06 B07 B08 B8A B11 B12 (Sentinel-2 L1C median composites, as the dataset's
/// authors used). The mineral materials are anchored on the per-class medians of the authors'
/// real training samples (<see cref="Mean"/>); the others are typical library shapes (red edge and
/// high NIR for vegetation, low NIR/SWIR for water, flat spectra for roofs and concrete) with the
/// blue path radiance of a TOA product.
/// </summary>
public static class Spectra
{
    public static readonly string[] BandNames = ["B02", "B03", "B04", "B05", "B06", "B07", "B08", "B8A", "B11", "B12"];

    /// <summary>Centre wavelengths (nm) of the ten bands.</summary>
    public static readonly float[] Wavelength = [490, 560, 665, 705, 740, 783, 842, 865, 1610, 2190];

    /// <summary>
    /// Per-class medians of the authors' 490 real samples (../shared/real/cheng2025, 70 per class),
    /// index = class code (0 unused). Those samples passed the refinement rules, so they are each
    /// class's clean core: pit, dump, disturbed land and bare soil are close to each other, and the
    /// elevation change is what separates them.
    /// </summary>
    public static readonly float[][] Mean =
    [
        [],
        [1078, 1265, 1511, 1650, 1668, 1667, 1700, 1736, 2000, 1740], // open pit
        [1222, 1562, 1838, 1952, 2033, 2109, 2144, 2163, 2478, 2130], // waste dump
        [1064, 1222, 1361, 1474, 1512, 1603, 1590, 1644, 1798, 1715], // general disturbed land
        [734, 1088, 905, 902, 388, 398, 340, 398, 247, 186],         // water body
        [579, 712, 745, 995, 1034, 1108, 902, 1221, 1762, 1715],      // facility
        [1019, 1258, 1475, 1711, 2054, 2187, 2266, 2372, 2936, 2559], // bare soil
        [380, 608, 602, 1030, 2068, 2308, 2560, 2686, 1719, 876],     // vegetation
    ];

    /// <summary>Median elevation change per class of the same samples, metres (from ../shared/real/README.md).</summary>
    public static readonly float[] MeanDh = [0, -49.0f, 27.6f, 0.25f, 2.1f, 0.9f, 0.24f, 0.13f];

    // --- Mineral end-members (before a site's geology tint) --------------------------------------

    /// <summary>Freshly exposed rock of pits and benches, sunlit (the pit median is this x ~0.92 of shade).</summary>
    public static readonly float[] Rock = [1170, 1375, 1640, 1795, 1815, 1810, 1850, 1885, 2175, 1890];
    /// <summary>Dumped waste rock: broken, drier and brighter than the pit it came from.</summary>
    public static readonly float[] WasteRock = [1222, 1562, 1838, 1952, 2033, 2109, 2144, 2163, 2478, 2130];
    /// <summary>Compacted, trafficked ground of cleared land and haul roads.</summary>
    public static readonly float[] Trafficked = [1090, 1250, 1390, 1500, 1540, 1630, 1620, 1675, 1830, 1745];
    /// <summary>Natural soil and weathered rock without vegetation (bare soil's median less ~15 % plant cover).</summary>
    public static readonly float[] Soil = [1155, 1392, 1682, 1854, 1958, 2008, 2048, 2155, 3136, 2869];
    /// <summary>Dry tailings beach: fine, pale grey silt.</summary>
    public static readonly float[] Tailings = [1520, 1720, 1860, 1950, 2000, 2040, 2050, 2090, 2280, 1990];

    // --- Vegetation ---------------------------------------------------------------------------
    /// <summary>Closed tree canopy (NDVI ~0.85).</summary>
    public static readonly float[] Forest = [290, 520, 330, 880, 2450, 3050, 3350, 3500, 1700, 760];
    /// <summary>Green shrub and grass (NDVI ~0.7).</summary>
    public static readonly float[] Grass = [360, 610, 470, 1020, 2150, 2550, 2750, 2880, 2050, 1050];
    /// <summary>Dry grass and litter (non-photosynthetic vegetation).</summary>
    public static readonly float[] DryGrass = [900, 1150, 1400, 1650, 1900, 2050, 2150, 2300, 3000, 2400];

    // --- Water --------------------------------------------------------------------------------
    public static readonly float[] ClearWater = [620, 720, 460, 380, 210, 195, 165, 180, 95, 70];
    /// <summary>Sediment-laden water (pit lakes, sedimentation ponds).</summary>
    public static readonly float[] TurbidWater = [1050, 1400, 1420, 1380, 700, 640, 560, 600, 260, 190];
    /// <summary>Green, algal water (process and wastewater ponds).</summary>
    public static readonly float[] AlgalWater = [520, 860, 600, 700, 720, 650, 560, 590, 170, 110];
    /// <summary>Supernatant of tailings ponds: milky, bright in the visible.</summary>
    public static readonly float[] TailingsWater = [1350, 1650, 1680, 1600, 980, 880, 780, 800, 380, 280];

    // --- Built-up -----------------------------------------------------------------------------
    /// <summary>Dark roofs and asphalt: low NIR, SWIR above NIR (NDBI &gt; 0.28, like the real facility median).</summary>
    public static readonly float[] DarkRoof = [540, 640, 680, 820, 860, 910, 870, 960, 1560, 1500];
    /// <summary>Concrete pads, parking and pale roofs.</summary>
    public static readonly float[] Concrete = [1280, 1420, 1520, 1640, 1690, 1740, 1700, 1760, 2350, 2250];
    /// <summary>Galvanised metal roofs: flat, moderately bright, lower SWIR.</summary>
    public static readonly float[] MetalRoof = [1150, 1190, 1200, 1230, 1240, 1250, 1240, 1260, 1420, 1330];
    /// <summary>Red painted roofs and rusty iron.</summary>
    public static readonly float[] RedRoof = [620, 720, 1120, 1300, 1350, 1390, 1400, 1450, 2050, 1850];

    /// <summary>Roof and pad materials of facilities, by index.</summary>
    public static readonly float[][] BuiltUp = [DarkRoof, Concrete, MetalRoof, RedRoof];
}
