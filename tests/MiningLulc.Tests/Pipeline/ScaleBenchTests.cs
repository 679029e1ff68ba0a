using System.Text.Json;
using MiningLulc.Bench;

namespace MiningLulc.Tests.Pipeline;

/// <summary>The scale benchmark (bench --scale): its JSON and figures on tiny regions, run through the built CLI as a user would.</summary>
public class ScaleBenchTests
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "mining-lulc.dll");

    [Fact]
    public void ScaleJsonHasOneSaneRowPerSizeAndAccountsForEverySite()
    {
        using var tmp = new TempDir();
        var keep = tmp.File("regions");
        var (code, stdout, stderr) = Cli("bench", "--scale", "--sizes", "8,4", "--keep", keep, "--json");
        Assert.True(code == 0, stdout + stderr);
        using var doc = JsonDocument.Parse(stdout); // stdout holds the JSON object alone
        var root = doc.RootElement;

        Assert.Equal(Environment.ProcessorCount, root.GetProperty("cores").GetInt32());
        var rows = root.GetProperty("scale").EnumerateArray().ToList();
        Assert.Equal([4, 8], rows.Select(r => r.GetProperty("sites").GetInt32())); // ascending, whatever the order asked
        foreach (var row in rows)
        {
            var sites = row.GetProperty("sites").GetInt32();
            var wall = row.GetProperty("wall_s").GetDouble();
            Assert.InRange(wall, 0.05, 600);
            Assert.InRange(row.GetProperty("peak_rss_mb").GetDouble(), 20, 64_000);
            Assert.True(row.GetProperty("mpx_per_s").GetDouble() > 0);
            Assert.InRange(row.GetProperty("cpu_s").GetDouble(), 0.05, 6000);
            // Both rounded: wall_s to 1 ms (an error of up to 0.5 ms / sites here), s_per_site to 10 µs.
            var tolerance = 5e-4 / sites + 1e-5;
            Assert.InRange(row.GetProperty("s_per_site").GetDouble(), wall / sites - tolerance, wall / sites + tolerance);
            Assert.True(row.GetProperty("classified_pixels").GetInt64() > 1000);
            // Every site of the region has an outcome in the run's manifest, and these synthetic sites all classify.
            Assert.Equal(sites, row.GetProperty("sites_done").GetInt32());
            Assert.Equal(0, row.GetProperty("sites_failed").GetInt32());
            Assert.Equal(0, row.GetProperty("sites_skipped").GetInt32());
            // Generated in this invocation: synth was timed and its memory read too.
            Assert.True(row.GetProperty("synth_s").GetDouble() > 0);
            Assert.True(row.GetProperty("synth_peak_rss_mb").GetDouble() > 20);
            Assert.Equal(1, row.GetProperty("runs").GetInt32());
        }
        var rss = rows.Select(r => r.GetProperty("peak_rss_mb").GetDouble()).ToList();
        var perSite = rows.Select(r => r.GetProperty("s_per_site").GetDouble()).ToList();
        Assert.InRange(root.GetProperty("memory_flat").GetDouble(), rss[1] / rss[0] * 0.99, rss[1] / rss[0] * 1.01);
        Assert.InRange(root.GetProperty("time_linear").GetDouble(), perSite[1] / perSite[0] * 0.99, perSite[1] / perSite[0] * 1.01);

        // The regions were kept for the next invocation; the scratch folder (model, run outputs) was not.
        Assert.True(File.Exists(Path.Combine(keep, "sample-4-seed1", "region.json")));
        Assert.True(File.Exists(Path.Combine(keep, "sample-8-seed1", "sites.gpkg")));
        Assert.Empty(Directory.GetDirectories(keep, "work-*"));
    }

    private static (int Code, string Stdout, string Stderr) Cli(params string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo(Tools.Find("dotnet") ?? "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout, stderr.Result);
    }

    [Fact]
    public void SizesParseSortedAndBadSizesAreBadInput()
    {
        Assert.Equal([250, 1000, 4000], ScaleBench.ParseSizes("4000, 250,1000,250"));
        Assert.Throws<InvalidInputException>(() => ScaleBench.ParseSizes("250,x"));
        Assert.Throws<InvalidInputException>(() => ScaleBench.ParseSizes("0"));
        Assert.Throws<InvalidInputException>(() => ScaleBench.ParseSizes(","));
    }

    [Fact]
    public void ManifestFiguresSumTheSitesAndPreferTheRunsOwnPeakRss()
    {
        using var tmp = new TempDir();
        var path = tmp.File("manifest.json");
        File.WriteAllText(path, """
            {"sites_done": 2, "sites": [
              {"site_id": 1, "outcome": "done", "classified_pixels": 100},
              {"site_id": 2, "outcome": "done", "classified_pixels": 50},
              {"site_id": 3, "outcome": "failed", "classified_pixels": 0},
              {"site_id": 4, "outcome": "skipped", "classified_pixels": 0}]}
            """);
        Assert.Equal((150L, 2, 1, 1, (double?)null), ScaleBench.ReadManifest(path));
        File.WriteAllText(path, """{"sites_done": 3, "sites_failed": 0, "sites_skipped": 1, "classified_pixels": 999, "peak_rss_mb": 412.5}""");
        Assert.Equal((999L, 3, 0, 1, (double?)412.5), ScaleBench.ReadManifest(path));
    }
}
