namespace MiningLulc.Assessment;

/// <summary>How predicted and reference polygons are compared (both give the figures of docs/assessment.md).</summary>
public enum AssessmentMethod
{
    /// <summary>
    /// Cell count (default): both label sets rasterized by GDAL onto a fine grid in an equal-area
    /// projection, window by window; figures within 0.002 of <see cref="Overlay"/>, in seconds.
    /// </summary>
    Raster,

    /// <summary>Exact polygon overlay: the geodesic area of every reference x predicted intersection (the reference implementation; slow).</summary>
    Overlay,
}

/// <summary>What the reference labels are, which decides how figures and their intervals are estimated (docs/assessment.md).</summary>
public enum ReferenceDesign
{
    /// <summary>
    /// The labels cover the sites they describe wholly (the published labels, a labelled region): the
    /// figures are area-weighted over the area both label sets cover, and their 95 % intervals come from
    /// a bootstrap over sites (<see cref="ClusterBootstrap"/>).
    /// </summary>
    Census,

    /// <summary>
    /// Each reference feature (a point, or a small polygon) is one unit of a random sample of the map,
    /// stratified by map class or simple random: Olofsson et al. (2014) estimates with analytic standard
    /// errors (<see cref="StratifiedEstimator"/>, <see cref="SampleAssessor"/>).
    /// </summary>
    Sample,
}

/// <summary>Settings of an assessment. Validated by <see cref="Validate"/>, never rewritten.</summary>
public sealed record AssessOptions
{
    /// <summary>5 m: a quarter of a 10 m Sentinel-2 pixel; figures agree with the exact overlay to about 0.001.</summary>
    public const double DefaultCellSizeM = 5;

    /// <summary>2048 cells a side: a window holds at most 2048² cells (about 20 MB of rasters per worker).</summary>
    public const int DefaultWindowCells = 2048;

    public static AssessOptions Default { get; } = new();

    public AssessmentMethod Method { get; init; } = AssessmentMethod.Raster;

    /// <summary>Census (default) or sample; a sample is read unit by unit, so <see cref="Method"/> and <see cref="CellSizeM"/> do not apply to it.</summary>
    public ReferenceDesign Reference { get; init; } = ReferenceDesign.Census;

    /// <summary>Side of a grid cell in metres, in the equal-area projection (<see cref="AssessmentMethod.Raster"/> only).</summary>
    public double CellSizeM { get; init; } = DefaultCellSizeM;

    /// <summary>Largest window side in cells; bigger groups of reference polygons are split into windows of this size.</summary>
    public int WindowCells { get; init; } = DefaultWindowCells;

    /// <summary>Windows counted in parallel (default: all cores).</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;

    /// <summary>Throws <see cref="ArgumentException"/> quoting the bad value.</summary>
    public AssessOptions Validate()
    {
        if (!double.IsFinite(CellSizeM) || CellSizeM <= 0 || CellSizeM > 1000)
            throw new ArgumentException($"cell size must be a positive number of metres up to 1000, got {CellSizeM}");
        if (WindowCells is < 16 or > 16384) throw new ArgumentException($"window size must be 16..16384 cells, got {WindowCells}");
        if (Workers < 1) throw new ArgumentException($"workers must be at least 1, got {Workers}");
        return this;
    }
}
