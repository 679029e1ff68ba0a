using System.IO.Compression;
using System.Text.Json;
using MiningLulc.Cli;

namespace MiningLulc.Tests.Cli;

/// <summary>--set key=value: one setting changed from the command line, checked like a settings file.</summary>
public class SetOptionTests
{
    [Fact]
    public void Overrides_are_typed_like_the_setting_they_replace()
    {
        var config = EngineConfig.Default.With([
            "training.trees=400", "training.learning_rate=0.05", "align.centre_inside=true",
            "features.set=published", "training.trainer=random_forest", "training.refinement.facility_min_ndbi=0.3",
            "training.trees=450", // the last one wins, as on any command line
        ]);
        Assert.Equal(450, config.Training.Trees);
        Assert.Equal(0.05, config.Training.LearningRate);
        Assert.True(config.Align.CentreInside);
        Assert.Equal("published", config.Features.Set);
        Assert.Equal(TrainerKind.RandomForest, config.Training.Trainer);
        Assert.Equal(0.3, config.Training.Refinement.FacilityMinNdbi);
        // Everything else is untouched.
        Assert.Equal(EngineConfig.Default.Align.BlockSize, config.Align.BlockSize);
        Assert.Same(EngineConfig.Default, EngineConfig.Default.With([]));
    }

    [Theory]
    [InlineData("training.trees", "expected key=value")]
    [InlineData("training.tress=5", "no setting 'training.tress'")]
    [InlineData("trainings.trees=5", "no settings section 'trainings'")]
    [InlineData("training=5", "'training' is a section")]
    [InlineData("training.trees=abc", "'abc' is not a number")]
    [InlineData("align.centre_inside=yes", "'yes' is not true or false")]
    [InlineData("training.trees=0", "training.trees must be at least 1")]
    [InlineData("training.trainer=xgboost", "invalid value")]
    [InlineData("align.time_resampling=bilinear", "align.time_resampling must be one of")]
    public void A_bad_override_is_bad_input_naming_it(string assignment, string expected)
    {
        var e = Assert.Throws<InvalidInputException>(() => EngineConfig.Default.With([assignment]));
        Assert.Contains(expected, e.Message);
        Assert.Contains("--set", e.ToString());
    }

    [Fact]
    public void Train_records_the_effective_settings_in_the_card()
    {
        // data-sample is the committed synthetic region; 10 trees keep the run short.
        using var tmp = new TempDir();
        var model = tmp.File("m.zip");
        var dll = Path.Combine(AppContext.BaseDirectory, "mining-lulc.dll");
        var (code, output) = Tools.Run("dotnet", [dll, "train", "--region", Path.Combine(TestPaths.RepositoryRoot, "data-sample"), "--out", model,
            "--set", "training.trees=10", "--set", "features.set=published"]);
        Assert.True(code == 0, output);
        using var zip = ZipFile.OpenRead(model);
        using var card = JsonDocument.Parse(zip.GetEntry("card.json")!.Open());
        var config = card.RootElement.GetProperty("config");
        Assert.Equal(10, config.GetProperty("training").GetProperty("trees").GetInt32());
        Assert.Equal("published", config.GetProperty("features").GetProperty("set").GetString());

        var (bad, message) = Tools.Run("dotnet", [dll, "train", "--region", Path.Combine(TestPaths.RepositoryRoot, "data-sample"), "--out", model, "--set", "smooth.neighbours=0"]);
        Assert.Equal((int)ExitCode.BadInput, bad);
        Assert.Contains("smooth.neighbours", message);
    }
}
