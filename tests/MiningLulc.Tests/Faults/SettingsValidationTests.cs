using Xunit;

namespace MiningLulc.Tests.Faults;

/// <summary>
/// One validation for every source of settings: each out-of-range number or unknown name is bad
/// input (exit 2) whose message names the key and the file it came from.
/// </summary>
public class SettingsValidationTests
{
    [Theory]
    [InlineData("""{"align": {"dcm_resampling": "bicubic"}}""", "align.dcm_resampling")]
    [InlineData("""{"align": {"band_resampling": ""}}""", "resampling")]
    [InlineData("""{"align": {"time_resampling": "bilinear"}}""", "align.time_resampling")]
    [InlineData("""{"align": {"warp_error_pixels": -0.1}}""", "align.warp_error_pixels")]
    [InlineData("""{"align": {"warp_error_pixels": 2}}""", "align.warp_error_pixels")]
    [InlineData("""{"align": {"stamps_warp_error_pixels": -1}}""", "align.stamps_warp_error_pixels")]
    [InlineData("""{"features": {"set": "everything"}}""", "features.set")]
    [InlineData("""{"input": {"s2_pattern": "s2/*.tif"}}""", "input.s2_pattern")]
    [InlineData("""{"input": {"s2_scale": 0}}""", "input.s2_scale")]
    [InlineData("""{"input": {"min_year": 2023, "max_year": 2016}}""", "input.min_year")]
    [InlineData("""{"training": {"trees": 0}}""", "training.trees")]
    [InlineData("""{"training": {"leaves": 1}}""", "training.leaves")]
    [InlineData("""{"training": {"learning_rate": 0}}""", "training.learning_rate")]
    [InlineData("""{"training": {"learning_rate": 1.5}}""", "training.learning_rate")]
    [InlineData("""{"training": {"max_samples_per_class": -1}}""", "training.max_samples_per_class")]
    [InlineData("""{"features": {"set": "published"}, "training": {"mtry": 16}}""", "training.mtry")]
    [InlineData("""{"training": {"refinement": {"disturbed_min_dh": 2, "disturbed_max_dh": 1}}}""", "disturbed_min_dh")]
    [InlineData("""{"smooth": {"neighbours": 0}}""", "smooth.neighbours")]
    [InlineData("""{"smooth": {"neighbours": 5000}}""", "smooth.neighbours")]
    [InlineData("""{"vectorize": {"min_piece_area_m2": -1}}""", "vectorize.min_piece_area_m2")]
    [InlineData("""{"vectorize": {"max_features_per_file": 5001}}""", "vectorize.max_features_per_file")]
    [InlineData("""{"align": {"block_size": 0}}""", "align.block_size")]
    public void A_bad_setting_names_its_key_and_its_file(string json, string key)
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "bad.json");
        File.WriteAllText(path, json);
        var e = Assert.Throws<InvalidInputException>(() => EngineConfig.Load(path));
        Assert.Contains(key, e.Message);
        Assert.Contains("bad.json", e.ToString());
    }

    [Fact]
    public void Every_preset_and_the_defaults_pass()
    {
        EngineConfig.Default.Validate();
        foreach (var preset in EngineConfig.Presets) EngineConfig.LoadPreset(preset).Validate(preset);
    }

    [Fact]
    public void Settings_at_the_edges_of_their_ranges_pass()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "edges.json");
        File.WriteAllText(path, """
            {"align": {"time_resampling": "mode", "dcm_resampling": "cubic", "halo_pixels": 0},
             "features": {"set": "published"},
             "training": {"learning_rate": 1, "leaves": 2, "mtry": 15, "max_samples_per_class": 0},
             "smooth": {"neighbours": 1}, "vectorize": {"min_piece_area_m2": 0, "connectivity": 8}}
            """);
        var config = EngineConfig.Load(path);
        Assert.Equal("mode", config.Align.TimeResampling);
        Assert.Equal(15, config.Training.Mtry);
    }
}
