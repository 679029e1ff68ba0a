using MiningLulc.Cli;

namespace MiningLulc.Tests.Cli;

/// <summary>The command line: exit codes and messages (runs the built CLI in a child process).</summary>
public class CliTests
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "mining-lulc.dll");

    private static (int Code, string Output) Cli(params string[] args) => Tools.Run("dotnet", [Dll, .. args]);

    [Fact]
    public void HelpListsEveryCommand()
    {
        var (code, output) = Cli("--help");
        Assert.Equal(0, code);
        foreach (var c in new[] { "demo", "synth", "train", "run", "assess", "inspect", "bench" }) Assert.Contains(c, output);
    }

    [Fact]
    public void BadUsageIsExitCode2()
    {
        var (code, output) = Cli("run", "--region");
        Assert.Equal((int)ExitCode.BadInput, code);
        Assert.Contains("error", output);
    }

    [Fact]
    public void MissingInputIsOneLineNamingTheFileAndExitCode2()
    {
        using var tmp = new TempDir();
        var (code, output) = Cli("inspect", tmp.File("absent.tif"));
        Assert.Equal((int)ExitCode.BadInput, code);
        Assert.Contains("absent.tif", output);
        Assert.DoesNotContain("   at ", output); // no stack trace
        var (code2, output2) = Cli("train", "--region", tmp.Path, "--out", tmp.File("m.zip"));
        Assert.Equal((int)ExitCode.BadInput, code2);
        Assert.Contains("sites.gpkg", output2);
    }

    [Fact]
    public void InspectOnABrokenZipIsOneLineNamingItAndExitCode2()
    {
        using var tmp = new TempDir();
        var labels = Directory.GetFiles(Path.Combine(TestPaths.RepositoryRoot, "data-sample", "labels"), "*.zip").Single();
        File.WriteAllBytes(tmp.File("truncated.zip"), File.ReadAllBytes(labels)[..3000]);   // a download cut short
        File.WriteAllText(tmp.File("page.zip"), "<html>404 Not Found</html>");             // an error page saved as .zip
        foreach (var name in new[] { "truncated.zip", "page.zip" })
        {
            var (code, output) = Cli("inspect", tmp.File(name));
            Assert.Equal((int)ExitCode.BadInput, code);
            Assert.Contains(name, output);
            Assert.Contains("not a readable zip", output);
            Assert.DoesNotContain("internal error", output);
        }
    }

    [Fact]
    public void InspectJsonListsEverySiteOfTheSample()
    {
        var (code, output) = Cli("inspect", Path.Combine(TestPaths.RepositoryRoot, "data-sample"), "--json");
        Assert.Equal(0, code);
        using var doc = System.Text.Json.JsonDocument.Parse(output);
        var table = doc.RootElement.GetProperty("table");
        Assert.Equal(24, table.GetArrayLength()); // data-sample: 24 synthetic sites
        Assert.All(table.EnumerateArray(), row => Assert.Equal("ready", row.GetProperty("status").GetString()));
        Assert.Contains("EPSG:32719", doc.RootElement.GetProperty("facts").GetProperty("composite 2019").GetString());
        Assert.Equal(0, doc.RootElement.GetProperty("problems").GetArrayLength());
    }
}
