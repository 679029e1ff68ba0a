using System.Text.Json;
using Xunit.Abstractions;
using MiningLulc.Model;

namespace MiningLulc.Tests.Deploy;

/// <summary>
/// The published CLI (README "Install / run outside the checkout") works from any directory: the presets
/// and the default settings are compiled in, the demo finds data-sample/ beside the artefact, and nothing
/// of the checkout is reachable (the artefact and the working directory are both in temporary folders).
/// </summary>
[Collection(DeployCollection.Name)]
public class PublishedArtefactTests(PublishedCliFixture cli, ITestOutputHelper log)
{
    private static string Repo(string relative) => Path.Combine(TestPaths.RepositoryRoot, relative);

    [Fact]
    public void TheArtefactHoldsTheEntryPointAndTheSampleAndNoCheckoutIsAbove()
    {
        cli.AssertPublished();
        log.WriteLine($"dotnet publish took {cli.PublishTime.TotalSeconds:F0} s into {cli.Directory}");
        Assert.True(File.Exists(Path.Combine(cli.Directory, "mining-lulc.dll")));
        Assert.True(File.Exists(Path.Combine(cli.Directory, "data-sample", "sites.gpkg")));
        Assert.Equal(Directory.GetFiles(Repo("data-sample"), "*", SearchOption.AllDirectories).Length,
            Directory.GetFiles(Path.Combine(cli.Directory, "data-sample"), "*", SearchOption.AllDirectories).Length);
        Assert.False(Directory.Exists(Path.Combine(cli.Directory, "configs")), "the presets are compiled in, not copied");
        for (var d = new DirectoryInfo(cli.Directory); d is not null; d = d.Parent)
            Assert.False(File.Exists(Path.Combine(d.FullName, "MiningLulc.Classifier.sln")), "the artefact must not sit inside a checkout");
        using var work = new TempDir();
        var help = cli.Run(work.Path, "--help");
        Assert.True(help.Code == 0, help.ToString());
        Assert.Contains("demo", help.Stdout);
    }

    [Fact]
    public void PresetsWorkOutsideTheCheckoutAndConfigStillOverrides()
    {
        using var work = new TempDir();
        var synth = cli.Run(work.Path, "synth", "--out", "region", "--sites", "6", "--seed", "5");
        Assert.True(synth.Code == 0, synth.ToString());

        // --config FILE still overrides (overlaid on the built-in defaults).
        File.WriteAllText(Path.Combine(work.Path, "tiny.json"), """{ "name": "tiny", "training": { "trees": 5, "samples_per_class_per_site": 60 } }""");
        var tiny = cli.Run(work.Path, "train", "--region", "region", "--out", "tiny.zip", "--config", "tiny.json");
        Assert.True(tiny.Code == 0, tiny.ToString());
        var card = ClassifierModel.Load(Path.Combine(work.Path, "tiny.zip")).Card;
        Assert.Equal("tiny", card.Config.Name);
        Assert.Equal(5, card.Config.Training.Trees);

        // --preset published: the run takes the published settings (centre-inside pixels, majority filter).
        var run = cli.Run(work.Path, "run", "--region", "region", "--model", "tiny.zip", "--out", "out", "--preset", "published");
        Assert.True(run.Code == 0, run.ToString());
        Assert.Contains("(published method)", run.Stdout);
        Assert.Contains("6 done", run.Stdout);
        using (var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(work.Path, "out", "manifest.json"))))
        {
            Assert.Equal(6, manifest.RootElement.GetProperty("sites_done").GetInt32());
            var files = manifest.RootElement.GetProperty("files").EnumerateArray().Select(f => f.GetString()!).ToList();
            Assert.NotEmpty(files);
            Assert.All(files, f => Assert.True(File.Exists(Path.Combine(work.Path, "out", f)), f));
        }

        var unknown = cli.Run(work.Path, "run", "--region", "region", "--model", "tiny.zip", "--out", "out2", "--preset", "nope");
        Assert.Equal(2, unknown.Code);
        Assert.Contains("unknown preset 'nope' (known: default, published)", unknown.Stderr);
    }

    [Fact]
    public void TheDemoRunsOnTheSampleBesideTheArtefactWithTheCompiledInDefaults()
    {
        using var work = new TempDir();
        // No option at all, as a user types it: the sample comes from beside the artefact, the settings
        // from the compiled-in default preset, the outputs land under the working directory.
        var demo = cli.Run(work.Path, "demo");
        Assert.True(demo.Code == 0, demo.ToString());
        Assert.Contains(Path.Combine(cli.Directory, "data-sample"), demo.Stdout.Replace("\n", ""));
        Assert.Contains("24 done, 0 failed, 0 skipped", demo.Stdout);
        var output = Path.Combine(work.Path, "out", "demo");
        Assert.True(File.Exists(Path.Combine(output, "gpkg", "sample_001.gpkg")));
        Assert.True(File.Exists(Path.Combine(output, "assessment", "report.json")));
        // The model was trained with configs/default.json (as compiled in), not the bare built-in record.
        var defaults = EngineConfig.Load(Repo("configs/default.json"));
        Assert.NotEqual(EngineConfig.Default.Description, defaults.Description); // so the check below tells them apart
        Assert.Equal(defaults.ToJson(), ClassifierModel.Load(Path.Combine(output, "model.zip")).Card.Config.ToJson());
    }

    [Fact]
    public void WithoutTheSampleTheDemoNamesWhatIsMissing()
    {
        cli.AssertPublished();
        using var work = new TempDir();
        // A copy of the artefact without data-sample/ (hard links: cheap, and the shared publish stays whole).
        var copy = Path.Combine(work.Path, "artefact");
        var cp = Proc.Run("cp", ["-al", cli.Directory, copy]);
        Assert.True(cp.Code == 0, cp.ToString());
        Directory.Delete(Path.Combine(copy, "data-sample"), recursive: true);
        var demo = Proc.Run(Path.Combine(copy, "mining-lulc"), ["demo"], work.Path);
        Assert.Equal(2, demo.Code);
        Assert.Contains("data-sample/ was not found", demo.Stderr);
        Assert.Contains(Path.Combine(copy, "data-sample"), demo.Stderr);
        Assert.Contains("--region", demo.Stderr);
        Assert.False(Directory.Exists(Path.Combine(work.Path, "out")), "nothing is written when the input is missing");
    }
}
