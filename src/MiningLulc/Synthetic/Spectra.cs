namespace MiningLulc.Synthetic;

/// <summary>
/// Per-class mean top-of-atmosphere reflectance x 10000 for B02 B03 B04 B05 B06 B07 B08 B8A B11 B12:
/// the per-class medians of the dataset authors' real training samples (../shared/real/cheng2025,
/// Sentinel-2 L1C median composites). Pit, dump, disturbed land and bare soil are close to each
/// other there, as in reality: the elevation change is what separates them.
/// </summary>
public static class Spectra
{
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

    /// <summary>Turbid water (tailings ponds): brighter in the visible, still dark in SWIR.</summary>
    public static readonly float[] TurbidWater = [1150, 1450, 1420, 1380, 760, 700, 620, 640, 380, 260];
}
