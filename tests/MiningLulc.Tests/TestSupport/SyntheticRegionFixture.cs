using MiningLulc.Pipeline;
using MiningLulc.Synthetic;
using MiningLulc.Training;

namespace MiningLulc.Tests;

/// <summary>
/// One small synthetic region (generated, not real data) and a model trained on it, shared by the
/// tests of a collection so the suite generates and trains once.
/// </summary>
public sealed class SyntheticRegionFixture : IDisposable
{
    private readonly TempDir dir = new();

    public SyntheticRegionFixture()
    {
        Region = Path.Combine(dir.Path, "tiny");
        Summary = RegionGenerator.Generate(new SynthOptions { OutDirectory = Region, Sites = 6, Seed = 5, Preset = "sample" });
        Config = EngineConfig.Default with { Training = EngineConfig.Default.Training with { Trees = 60 } };
        Training = TrainingRunner.Train(new TrainRequest { Regions = [Region], Config = Config, Holdout = 0.34 });
    }

    public string Region { get; }
    public SynthSummary Summary { get; }
    public EngineConfig Config { get; }
    public TrainResult Training { get; }
    public ClassifierModel Model => Training.Model;
    public string NewFolder(string name) => Directory.CreateDirectory(Path.Combine(dir.Path, name + "-" + Guid.NewGuid().ToString("N")[..6])).FullName;

    public void Dispose() => dir.Dispose();
}

[CollectionDefinition(Name)]
public sealed class SyntheticRegionCollection : ICollectionFixture<SyntheticRegionFixture>
{
    public const string Name = "synthetic region";
}
