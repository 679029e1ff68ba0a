namespace MiningLulc.Tests.Deploy;

/// <summary>The presets compiled into the engine are configs/*.json as built: one source of truth.</summary>
public class CompiledPresetsTests
{
    private static string Configs => Path.Combine(TestPaths.RepositoryRoot, "configs");

    [Fact]
    public void EveryConfigFileIsCompiledInByteForByte()
    {
        var files = Directory.GetFiles(Configs, "*.json").Select(f => Path.GetFileNameWithoutExtension(f)!).Order(StringComparer.Ordinal).ToList();
        Assert.Contains("default", files);
        Assert.Contains("published", files);
        Assert.Equal(files, EngineConfig.Presets);
        foreach (var name in files)
            Assert.Equal(File.ReadAllText(Path.Combine(Configs, name + ".json")), EngineConfig.PresetText(name));
    }

    [Theory]
    [InlineData("default")]
    [InlineData("published")]
    public void ACompiledPresetLoadsLikeItsFile(string name) =>
        Assert.Equal(EngineConfig.LoadPreset(name, Configs).ToJson(), EngineConfig.LoadPreset(name).ToJson());

    /// <summary>
    /// The default method's training settings (docs/cross-validation.md, "Generalisation"): 2400 rows per class and
    /// site and the features of schema v2, chosen on regions never trained on; the other settings are the code's
    /// defaults, and the published preset keeps its own 400 and its 15 features.
    /// </summary>
    [Fact]
    public void TheDefaultPresetDrawsTheRowsThatGeneraliseAndThePublishedOneIsUnchanged()
    {
        var d = EngineConfig.LoadPreset("default");
        d.Validate();
        Assert.Equal(2400, d.Training.SamplesPerClassPerSite);
        Assert.Equal((TrainerKind.Lightgbm, 200, 31, 0.1, 20, 0), (d.Training.Trainer, d.Training.Trees, d.Training.Leaves, d.Training.LearningRate, d.Training.MinSamplesPerLeaf, d.Training.MaxSamplesPerClass));
        Assert.Equal("full2", d.Features.Set); // schema v2: context at 150-310 m and per-site medians (docs/cross-validation.md)
        Assert.False(d.Smooth.Enabled);
        Assert.Equal(400, EngineConfig.LoadPreset("published").Training.SamplesPerClassPerSite);
        Assert.Equal("published", EngineConfig.LoadPreset("published").Features.Set);
    }

    [Fact]
    public void AnUnknownPresetListsTheKnownOnes()
    {
        Assert.Null(EngineConfig.PresetText("nope"));
        var e = Assert.Throws<InvalidInputException>(() => EngineConfig.LoadPreset("nope"));
        Assert.Equal("unknown preset 'nope' (known: default, published)", e.Message);
    }
}
