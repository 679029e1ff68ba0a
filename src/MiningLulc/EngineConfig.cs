using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace MiningLulc;

/// <summary>
/// Every setting of the engine, as one immutable record tree. Loaded from JSON (configs/*.json);
/// a file overlays only the keys it names on the built-in defaults (<see cref="Default"/>), so a
/// preset is a short file. Validated on load; never rewritten silently.
/// </summary>
public sealed record EngineConfig
{
    /// <summary>Name shown in summaries and model cards ("default", "published", ...).</summary>
    public string Name { get; init; } = "default";
    public string Description { get; init; } = "The engine's own method.";
    public InputSettings Input { get; init; } = new();
    public AlignSettings Align { get; init; } = new();
    public FeatureSettings Features { get; init; } = new();
    public TrainingSettings Training { get; init; } = new();
    public SmoothSettings Smooth { get; init; } = new();
    public VectorizeSettings Vectorize { get; init; } = new();

    public static EngineConfig Default { get; } = new();

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>Loads a config file, overlaid on the defaults. Unknown keys are an error naming the file.</summary>
    public static EngineConfig Load(string path)
    {
        if (!File.Exists(path)) throw new InvalidInputException("config file not found", path);
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>
    /// The presets compiled into the engine, by name, sorted: every configs/*.json of the source tree,
    /// embedded at build time (so a preset works wherever the engine runs, with no configs/ folder beside it).
    /// </summary>
    public static IReadOnlyList<string> Presets { get; } = typeof(EngineConfig).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(PresetResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal))
        .Select(n => n[PresetResourcePrefix.Length..^".json".Length])
        .Order(StringComparer.Ordinal)
        .ToList();

    private const string PresetResourcePrefix = "MiningLulc.configs.";

    /// <summary>The text of a compiled-in preset (configs/NAME.json as it was at build time), or null when there is none of that name.</summary>
    public static string? PresetText(string name)
    {
        using var stream = typeof(EngineConfig).Assembly.GetManifestResourceStream(PresetResourcePrefix + name + ".json");
        if (stream is null) return null;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Loads a compiled-in preset by name ("default", "published", ...); an unknown name is an error listing the known ones.</summary>
    public static EngineConfig LoadPreset(string name)
    {
        var text = PresetText(name) ?? throw new InvalidInputException($"unknown preset '{name}' (known: {string.Join(", ", Presets)})");
        return Parse(text, $"preset '{name}' (built in)");
    }

    /// <summary>Loads a preset by name from a configs folder on disk (e.g. "published" → configs/published.json).</summary>
    public static EngineConfig LoadPreset(string name, string configsDirectory)
    {
        var path = Path.Combine(configsDirectory, name + ".json");
        if (!File.Exists(path))
        {
            var known = Directory.Exists(configsDirectory)
                ? string.Join(", ", Directory.GetFiles(configsDirectory, "*.json").Select(Path.GetFileNameWithoutExtension).Order())
                : "none";
            throw new InvalidInputException($"unknown preset '{name}' (known: {known})", configsDirectory);
        }
        return Load(path);
    }

    /// <summary>A config from JSON text, overlaid on the defaults; <paramref name="source"/> names it in errors.</summary>
    private static EngineConfig Parse(string json, string source)
    {
        try
        {
            var defaults = JsonSerializer.SerializeToNode(Default, Json)!.AsObject();
            var node = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (node is not JsonObject overlay)
                throw new InvalidInputException($"a config must be a JSON object ({{\"section\": {{\"key\": value}}}}), this file holds {Describe(node)}", source);
            RejectNulls(overlay, "", source);
            Merge(defaults, overlay);
            var config = defaults.Deserialize<EngineConfig>(Json) ?? throw new InvalidInputException("empty config", source);
            config.Validate(source);
            return config;
        }
        catch (JsonException e)
        {
            throw new InvalidInputException($"invalid config: {e.Message}", source, e);
        }
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>
    /// This config with <c>key=value</c> overrides applied in order (dotted keys of the config, e.g.
    /// <c>training.trees=400</c>, <c>align.centre_inside=true</c>), validated like a config file. A value
    /// is read as JSON when the key holds a number, a boolean or a list, and taken as it is when the key
    /// holds text (so <c>features.set=published</c> needs no quotes).
    /// </summary>
    public EngineConfig With(IReadOnlyList<string> assignments)
    {
        if (assignments.Count == 0) return this;
        var root = JsonSerializer.SerializeToNode(this, Json)!.AsObject();
        foreach (var assignment in assignments)
        {
            var source = $"--set {assignment}";
            var eq = assignment.IndexOf('=');
            if (eq <= 0) throw new InvalidInputException("expected key=value with a dotted key, e.g. --set training.trees=400", source);
            var path = assignment[..eq].Trim().Split('.');
            var parent = root;
            for (var i = 0; i < path.Length - 1; i++)
                parent = parent[path[i]] as JsonObject
                    ?? throw new InvalidInputException($"no settings section '{string.Join('.', path[..(i + 1)])}' (sections: {KeysOf(parent)})", source);
            var key = path[^1];
            if (!parent.TryGetPropertyValue(key, out var current))
                throw new InvalidInputException($"no setting '{string.Join('.', path)}' (settings here: {KeysOf(parent)})", source);
            if (current is JsonObject section)
                throw new InvalidInputException($"'{string.Join('.', path)}' is a section: set one of its keys ({KeysOf(section)})", source);
            parent[key] = Value(assignment[(eq + 1)..], current, source);
        }
        try
        {
            var config = root.Deserialize<EngineConfig>(Json) ?? throw new InvalidInputException("empty config", "--set");
            config.Validate("--set " + string.Join(" --set ", assignments));
            return config;
        }
        catch (JsonException e)
        {
            throw new InvalidInputException($"invalid value: {e.Message}", "--set " + string.Join(" --set ", assignments), e);
        }
    }

    private static string KeysOf(JsonObject o) => string.Join(", ", o.Select(kv => kv.Key));

    /// <summary>A --set value, typed like the setting it replaces.</summary>
    private static JsonNode Value(string text, JsonNode? current, string source)
    {
        if (current is JsonValue v && v.GetValueKind() == JsonValueKind.String) return JsonValue.Create(text);
        try
        {
            var node = JsonNode.Parse(text);
            if (node is not null) return node;
        }
        catch (JsonException) { }
        var expected = current switch { JsonArray => "a JSON list", JsonValue cv when cv.GetValueKind() == JsonValueKind.Number => "a number", _ => "true or false" };
        throw new InvalidInputException($"'{text}' is not {expected}", source);
    }

    private static string Describe(JsonNode? node) => node switch
    {
        null => "null",
        JsonArray => "an array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            _ => "true or false",
        },
        _ => "something else",
    };

    /// <summary>
    /// A null anywhere in an overlay is a mistake, not "the default": it would replace a whole section
    /// (or a name) with nothing. The error names the key, e.g. <c>align.block_size</c>.
    /// </summary>
    private static void RejectNulls(JsonNode node, string path, string source)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o)
                {
                    var at = path.Length == 0 ? key : $"{path}.{key}";
                    if (value is null) throw new InvalidInputException($"{at} is null: give a value, or leave the key out for the default", source);
                    RejectNulls(value, at, source);
                }
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    if (a[i] is not { } item) throw new InvalidInputException($"{path}[{i}] is null", source);
                    RejectNulls(item, $"{path}[{i}]", source);
                }
                break;
        }
    }

    private static void Merge(JsonObject target, JsonObject overlay)
    {
        foreach (var (key, value) in overlay)
        {
            if (value is JsonObject o && target[key] is JsonObject t) Merge(t, o);
            else target[key] = value?.DeepClone();
        }
    }

    /// <summary>Checks ranges; throws <see cref="InvalidInputException"/> naming the setting.</summary>
    public void Validate(string? path = null)
    {
        void Require(bool ok, string message) { if (!ok) throw new InvalidInputException(message, path); }
        // Settings read from elsewhere than a file (a model card) can hold nulls the type does not admit.
        foreach (var (name, section) in new (string, object?)[] { ("input", Input), ("align", Align), ("features", Features), ("training", Training), ("smooth", Smooth), ("vectorize", Vectorize) })
            Require(section is not null, $"{name} must be an object, not null");
        Require(Training.Refinement is not null, "training.refinement must be an object, not null");
        Require(Name is not null, "name must be a string, not null");
        Require(new[] { Input.SitesFile, Input.SiteIdField, Input.S2Pattern, Input.S2VrtPattern, Input.DcmPattern, Input.TimePattern, Input.LabelsFolder, Align.DcmResampling, Align.TimeResampling, Align.BandResampling, Features.Set }
            .All(v => !string.IsNullOrWhiteSpace(v)), "file patterns, field names, resampling and feature set names must be non-empty strings");
        Require(Input.BandNames is { Count: 10 } bands && bands.All(b => !string.IsNullOrWhiteSpace(b)), "input.band_names must list the ten Sentinel-2 bands");
        Require(Align.HaloPixels >= 0 && Align.HaloPixels <= 64, "align.halo_pixels must be within 0..64");
        Require(Align.WarpErrorPixels is >= 0 and <= 0.5, "align.warp_error_pixels must be within 0..0.5 (source pixels; 0 = exact)");
        Require(Align.StampsWarpErrorPixels is >= 0 and <= 0.5, "align.stamps_warp_error_pixels must be within 0..0.5 (source pixels; 0 = exact)");
        Require(Align.BlockSize is >= 16 and <= 8192, "align.block_size must be within 16..8192");
        Require(Smooth.Neighbours >= 1, "smooth.neighbours must be at least 1");
        Require(Vectorize.Connectivity is 4 or 8, "vectorize.connectivity must be 4 or 8");
        Require(Vectorize.MaxFeaturesPerFile is >= 1 and <= 5000, "vectorize.max_features_per_file must be within 1..5000 (the published files hold at most 5,000)");
        Require(Vectorize.SieveMinPixels >= 1, "vectorize.sieve_min_pixels must be at least 1 (1 = off)");
        Require(Training.SamplesPerClassPerSite >= 1, "training.samples_per_class_per_site must be at least 1");
        Require(Training.Trees >= 1, "training.trees must be at least 1");
        Require(Training.Mtry >= 0, "training.mtry must be at least 0 (0 = the square root of the feature count)");
        Require(Training.MinSamplesPerLeaf >= 1, "training.min_samples_per_leaf must be at least 1");

        // Named settings: one of the values the engine knows.
        Require(Resamplings.Contains(Align.DcmResampling), $"align.dcm_resampling must be one of {string.Join(", ", Resamplings)}, not '{Align.DcmResampling}'");
        Require(Resamplings.Contains(Align.BandResampling), $"align.band_resampling must be one of {string.Join(", ", Resamplings)}, not '{Align.BandResampling}'");
        // A time stamp must stay one acquisition's stamp: only methods that return one of the source values.
        Require(StampResamplings.Contains(Align.TimeResampling), $"align.time_resampling must be one of {string.Join(", ", StampResamplings)} (a time stamp is never averaged), not '{Align.TimeResampling}'");
        Require(FeatureSets.Contains(Features.Set), $"features.set must be one of {string.Join(", ", FeatureSets)}, not '{Features.Set}'");
        Require(Enum.IsDefined(Training.Trainer), $"training.trainer must be one of lightgbm, random_forest, not {Training.Trainer}");
        Require(Input.S2Pattern.Contains("{year}", StringComparison.Ordinal) && Input.S2VrtPattern.Contains("{year}", StringComparison.Ordinal), "input.s2_pattern and input.s2_vrt_pattern must contain {year}");

        // Numbers: finite, and in the range where they mean something.
        Require(double.IsFinite(Input.S2Scale) && Input.S2Scale > 0, "input.s2_scale must be a finite number above 0");
        Require(double.IsFinite(Input.S2Offset), "input.s2_offset must be a finite number");
        Require(!double.IsInfinity(Input.S2NoData) && !double.IsInfinity(Input.DcmNoData) && !double.IsInfinity(Input.TimeNoData), "input.s2_no_data, input.dcm_no_data and input.time_no_data must not be infinite");
        Require(Input.MinYear is >= 1900 and <= 2100 && Input.MaxYear is >= 1900 and <= 2100 && Input.MinYear <= Input.MaxYear, "input.min_year and input.max_year must be years within 1900..2100, min_year <= max_year");
        Require(Training.Trees <= 100_000, "training.trees must be at most 100,000");
        Require(Training.Leaves is >= 2 and <= 131_072, "training.leaves must be within 2..131072");
        Require(double.IsFinite(Training.LearningRate) && Training.LearningRate > 0 && Training.LearningRate <= 1, "training.learning_rate must be within (0, 1]");
        Require(Training.MaxSamplesPerClass >= 0, "training.max_samples_per_class must be at least 0 (0 = no cap)");
        Require(Training.Mtry <= FeatureSettings.FeatureCount(Features.Set), $"training.mtry must be at most the number of features of the '{Features.Set}' set ({FeatureSettings.FeatureCount(Features.Set)})");
        var r = Training.Refinement!;
        Require(new[] { r.OpenPitMaxDh, r.WasteDumpMinDh, r.DisturbedMinDh, r.DisturbedMaxDh, r.DisturbedMaxBsi, r.FacilityMinNdbi, r.WaterMinMndwi, r.VegetationMinNdvi }.All(double.IsFinite),
            "training.refinement thresholds must be finite numbers");
        Require(r.DisturbedMinDh <= r.DisturbedMaxDh, "training.refinement.disturbed_min_dh must not exceed disturbed_max_dh");
        Require(Smooth.Neighbours <= 1000, "smooth.neighbours must be at most 1000");
        Require(double.IsFinite(Vectorize.MinPieceAreaM2) && Vectorize.MinPieceAreaM2 >= 0, "vectorize.min_piece_area_m2 must be a finite number, at least 0");
        Require(Vectorize.SieveMinPixels <= 1_000_000, "vectorize.sieve_min_pixels must be at most 1,000,000");
    }

    /// <summary>GDAL's warp resampling methods.</summary>
    public static readonly IReadOnlyList<string> Resamplings = ["near", "bilinear", "cubic", "cubicspline", "lanczos", "average", "rms", "mode", "max", "min", "med", "q1", "q3", "sum"];

    /// <summary>The resampling methods whose result is always one of the source values.</summary>
    public static readonly IReadOnlyList<string> StampResamplings = ["near", "mode", "max", "min", "med", "q1", "q3"];

    /// <summary>The names of the feature sets (<see cref="FeatureSet.Named"/>).</summary>
    public static IReadOnlyList<string> FeatureSets => [.. FeatureSet.Named.Select(s => s.Name)];
}

/// <summary>How the region folder's files are found and read (docs/inputs.md).</summary>
public sealed record InputSettings
{
    public string SitesFile { get; init; } = "sites.gpkg";
    public string SiteIdField { get; init; } = "site_id";
    /// <summary>Glob (relative to the region) of a year's composite tiles; {year} is substituted.</summary>
    public string S2Pattern { get; init; } = "s2/{year}/*.tif";
    public string S2VrtPattern { get; init; } = "s2/{year}/*.vrt";
    public IReadOnlyList<string> BandNames { get; init; } = ["B02", "B03", "B04", "B05", "B06", "B07", "B08", "B8A", "B11", "B12"];
    /// <summary>Reflectance x 10000 = raw * scale + offset.</summary>
    public double S2Scale { get; init; } = 1.0;
    public double S2Offset { get; init; } = 0.0;
    public double S2NoData { get; init; } = 0;
    public string DcmPattern { get; init; } = "dcm/*_DCM.tif";
    public string TimePattern { get; init; } = "dcm/*_TIME.tif";
    public double DcmNoData { get; init; } = -32767;
    public double TimeNoData { get; init; } = 0;
    public int MinYear { get; init; } = 2016;
    public int MaxYear { get; init; } = 2022;
    public string LabelsFolder { get; init; } = "labels";
}

public sealed record AlignSettings
{
    /// <summary>GDAL resampling for the DCM onto the composite grid.</summary>
    public string DcmResampling { get; init; } = "bilinear";
    /// <summary>GDAL resampling for the DCM's time stamps (a decimal year must never be interpolated between acquisitions).</summary>
    public string TimeResampling { get; init; } = "near";
    /// <summary>GDAL resampling for composite bands stored coarser than the grid (20 m bands onto 10 m); Earth Engine uses nearest.</summary>
    public string BandResampling { get; init; } = "near";
    /// <summary>
    /// Largest position error, in source pixels, allowed when warping the DCM and coarser bands
    /// (GDAL's -et). 0 (the default): every pixel transformed exactly, which PROJ's inverse UTM
    /// makes the costliest part of reading (~0.4 µs a pixel). A small value (0.001 px, ~3 cm on the
    /// DCM) lets GDAL interpolate along rows, about 15 % less run time, at the price of outputs that
    /// are no longer byte-identical to exact ones (docs/scale.md). GDAL's own default is 0.125.
    /// </summary>
    public double WarpErrorPixels { get; init; }
    /// <summary>
    /// The same for the DCM's time stamps, which only the coverage report uses (the share of a site's
    /// dh from another year than the site's): nearest-neighbour stamps move only where a pixel centre
    /// falls on a stamp border, so GDAL's default (0.125) is the default here. Exact stamps (0) cost
    /// about 4 % of a run's time when a third of the sites mix years, and change no GeoPackage (docs/inputs.md).
    /// </summary>
    public double StampsWarpErrorPixels { get; init; } = 0.125;
    /// <summary>Pixels added around each site's bounding box, for focal features.</summary>
    public int HaloPixels { get; init; } = 3;
    /// <summary>Sites are read and classified in blocks of at most this many pixels a side (bounds memory).</summary>
    public int BlockSize { get; init; } = 512;
    /// <summary>Pixel selection: false = every pixel the site touches (default), true = centre inside (the authors' sampling).</summary>
    public bool CentreInside { get; init; }
}

public sealed record FeatureSettings
{
    /// <summary>
    /// Named feature set over the feature schema (<see cref="FeatureSet.Named"/>: "full" (v1's 24), "published",
    /// "spectral", "full-context", "full-site", "full2" (v2's 39, the default preset's)). The code's default stays
    /// v1's "full"; configs/default.json names "full2".
    /// </summary>
    public string Set { get; init; } = "full";

    /// <summary>How many features a named set holds (0 for a name the engine does not know).</summary>
    public static int FeatureCount(string set) => FeatureSet.Named.FirstOrDefault(s => s.Name == set)?.Names.Count ?? 0;
}

/// <summary>
/// The learner: LightGBM multiclass (<c>lightgbm</c>, the default), or Breiman's random forest
/// (<c>random_forest</c>, the engine's own, docs/random-forest.md: the published recipe's R forest).
/// </summary>
public enum TrainerKind { Lightgbm, RandomForest }

public sealed record TrainingSettings
{
    public TrainerKind Trainer { get; init; } = TrainerKind.Lightgbm;
    /// <summary>Pixels drawn per class from each training site (stratified), to bound memory and balance sites.</summary>
    public int SamplesPerClassPerSite { get; init; } = 400;
    /// <summary>Balance the classes by drawing at most this many samples per class overall (0 = no cap).</summary>
    public int MaxSamplesPerClass { get; init; }
    /// <summary>Boosting iterations (LightGBM) or trees (random forest).</summary>
    public int Trees { get; init; } = 200;
    /// <summary>Leaves per tree (LightGBM; the random forest grows its trees until their leaves are pure).</summary>
    public int Leaves { get; init; } = 31;
    /// <summary>LightGBM only.</summary>
    public double LearningRate { get; init; } = 0.1;
    /// <summary>Least samples in a leaf (the random forest: bootstrap draws, R's <c>nodesize</c>).</summary>
    public int MinSamplesPerLeaf { get; init; } = 20;
    /// <summary>Features drawn at every node of the random forest (R <c>mtry</c>); 0 = R's default, the floor of the square root of the feature count.</summary>
    public int Mtry { get; init; }
    public int Seed { get; init; } = 42;
    /// <summary>The authors' refinement rules for training pixels (docs/published-method.md).</summary>
    public RefinementSettings Refinement { get; init; } = new();
}

/// <summary>Training-sample refinement: a training pixel is kept only if it passes its class's rule.</summary>
public sealed record RefinementSettings
{
    public bool Enabled { get; init; }
    public double OpenPitMaxDh { get; init; } = 0;
    public double WasteDumpMinDh { get; init; } = 1;
    public double DisturbedMinDh { get; init; } = 0;
    public double DisturbedMaxDh { get; init; } = 1;
    public double DisturbedMaxBsi { get; init; } = 0.2;
    public double FacilityMinNdbi { get; init; } = 0.28;
    public double WaterMinMndwi { get; init; } = 0;
    public double VegetationMinNdvi { get; init; } = 0.3;
}

public sealed record SmoothSettings
{
    public bool Enabled { get; init; }
    public int Neighbours { get; init; } = 48;
}

public sealed record VectorizeSettings
{
    public int Connectivity { get; init; } = 4;
    public int SieveMinPixels { get; init; } = 1;
    public int MaxFeaturesPerFile { get; init; } = 5000;
    /// <summary>Clip pieces smaller than this are dropped (m²).</summary>
    public double MinPieceAreaM2 { get; init; } = 1.0;
}
