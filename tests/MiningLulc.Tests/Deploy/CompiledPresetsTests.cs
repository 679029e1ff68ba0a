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

    [Fact]
    public void AnUnknownPresetListsTheKnownOnes()
    {
        Assert.Null(EngineConfig.PresetText("nope"));
        var e = Assert.Throws<InvalidInputException>(() => EngineConfig.LoadPreset("nope"));
        Assert.Equal("unknown preset 'nope' (known: default, published)", e.Message);
    }
}
