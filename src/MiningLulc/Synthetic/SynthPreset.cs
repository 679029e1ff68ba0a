namespace MiningLulc.Synthetic;

/// <summary>
/// The character of a synthetic region: where it lies (which sets its UTM zone and hemisphere),
/// how big its sites are, how much vegetation and water it has, and how hard it is.
/// </summary>
public sealed record SynthPreset
{
    public required string Name { get; init; }
    public required double CentreLongitude { get; init; }
    public required double CentreLatitude { get; init; }
    /// <summary>Side of the square area the sites are spread over, metres.</summary>
    public double ExtentM { get; init; } = 6000;
    public double SiteRadiusMinM { get; init; } = 280;
    public double SiteRadiusMaxM { get; init; } = 560;
    /// <summary>Share of the non-mine area of a site covered by vegetation, on average.</summary>
    public double Vegetation { get; init; } = 0.2;
    /// <summary>Relative spread of spectra between sites (geology, illumination).</summary>
    public double SiteSpectralShift { get; init; } = 0.10;
    /// <summary>Relative within-class texture.</summary>
    public double Texture { get; init; } = 0.10;
    /// <summary>Sensor noise, reflectance x 10000.</summary>
    public double SensorNoise { get; init; } = 40;
    /// <summary>Metre-level DCM noise (standard deviation).</summary>
    public double DcmNoiseM { get; init; } = 1.5;
    /// <summary>Composites of one year split into this many tiles (1 = one file).</summary>
    public int CompositeTiles { get; init; } = 1;

    public static readonly IReadOnlyDictionary<string, SynthPreset> All = new Dictionary<string, SynthPreset>
    {
        // Atacama-like, southern hemisphere, across the 70° W line (two DCM tiles, UTM 19S).
        ["sample"] = new() { Name = "sample", CentreLongitude = -70.0, CentreLatitude = -23.45, ExtentM = 5600, Vegetation = 0.12 },
        ["arid"] = new() { Name = "arid", CentreLongitude = -69.35, CentreLatitude = -22.6, Vegetation = 0.05 },
        ["tropical"] = new() { Name = "tropical", CentreLongitude = -55.3, CentreLatitude = -6.1, Vegetation = 0.55, SiteSpectralShift = 0.12 },
        ["southern"] = new() { Name = "southern", CentreLongitude = 27.5, CentreLatitude = -26.2, Vegetation = 0.25 },
        ["multitile"] = new() { Name = "multitile", CentreLongitude = 118.0, CentreLatitude = -20.0, ExtentM = 8000, CompositeTiles = 4 },
    };

    public static SynthPreset ByName(string name) => All.TryGetValue(name, out var p) ? p
        : throw new InvalidInputException($"unknown synthetic preset '{name}' (known: {string.Join(", ", All.Keys)})");
}
