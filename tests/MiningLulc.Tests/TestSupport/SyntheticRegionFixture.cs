using MiningLulc.Pipeline;
using MiningLulc.Synthetic;
using MiningLulc.Model;

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

    /// <summary>A copy of the region in a new folder, to break or edit without touching the shared one.</summary>
    public string CopyOfRegion(string name) => CopyRegionTo(NewFolder(name));

    /// <summary>Copies the region's files into <paramref name="target"/> (created), keeping their modification times; returns it.</summary>
    public string CopyRegionTo(string target)
    {
        foreach (var file in Directory.EnumerateFiles(Region, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(target, Path.GetRelativePath(Region, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
            File.SetLastWriteTimeUtc(copy, File.GetLastWriteTimeUtc(file));
        }
        return target;
    }

    /// <summary>Cuts a region copy's composite of <paramref name="year"/> to two thirds, as a download cut short: its sites fail to read.</summary>
    public static string TruncateComposite(string region, int year)
    {
        var composite = Directory.GetFiles(Path.Combine(region, "s2", year.ToString(System.Globalization.CultureInfo.InvariantCulture))).Single();
        var bytes = File.ReadAllBytes(composite);
        File.WriteAllBytes(composite, bytes[..(bytes.Length * 2 / 3)]);
        return composite;
    }

    public void Dispose() => dir.Dispose();
}

[CollectionDefinition(Name)]
public sealed class SyntheticRegionCollection : ICollectionFixture<SyntheticRegionFixture>
{
    public const string Name = "synthetic region";
}
