using Xunit.Abstractions;

namespace MiningLulc.Tests.Faults;

/// <summary>
/// An output disk that fills up mid-run (a small tmpfs as OUTDIR; the test is skipped with the reason
/// where one cannot be mounted): exit 3 with one line naming the file that could not be written and
/// the system's reason, no half file under a final name, and once there is room the rerun completes
/// with the files an unhindered run writes. Region and model are synthetic.
/// </summary>
[Collection(SyntheticRegionCollection.Name)]
public class DiskFullTests(SyntheticRegionFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    [TmpfsFact]
    public void AFullDiskStopsTheRunWithOneLineNamingTheFileAndARerunCompletes()
    {
        var work = fixture.NewFolder("disk-full");
        var model = Path.Combine(work, "model.zip");
        fixture.Model.Save(model);
        string[] Run(string outDir) => ["run", "--region", fixture.Region, "--model", model, "--out", outDir, "--zip"];

        var reference = Path.Combine(work, "roomy");
        var roomy = CliChild.Run(Limit, Run(reference));
        Assert.True(roomy.Code == 0, roomy.Stderr);
        var stored = Directory.GetFiles(Path.Combine(reference, "work")).Sum(f => new FileInfo(f).Length);
        var gpkg = Directory.GetFiles(reference, "*.gpkg").Sum(f => new FileInfo(f).Length);

        // Sized from the unhindered run: a disk that fills while the sites' results are stored, and one that
        // fills while the GeoPackage is written (the stored results fit, the GeoPackage does not).
        foreach (var (kilobytes, where) in new[] { ((int)(stored / 2 / 1024), "work"), ((int)((stored + gpkg / 2) / 1024), ".gpkg") })
        {
            using var disk = Tmpfs.Mount(kilobytes);
            var outDir = Path.Combine(disk.Path, "out");
            var full = CliChild.Run(Limit, Run(outDir));
            Assert.True(full.Code == 3, $"exit {full.Code}: {full.Stderr}");
            var error = Assert.Single(full.Stderr.Split('\n'), l => l.StartsWith("error: ", StringComparison.Ordinal));
            output.WriteLine($"{kilobytes} KB disk: exit {full.Code}; {error}");
            Assert.StartsWith($"error: {outDir}", error);
            Assert.Contains(where, error);                                 // the file it could not write
            Assert.Contains("could not be written", error);
            Assert.DoesNotContain("internal error", full.Stderr);
            Assert.DoesNotContain("   at ", full.Stderr);                  // no stack trace
            Assert.DoesNotContain(Directory.GetFiles(outDir), f => !Path.GetFileName(f).StartsWith('.') && (f.EndsWith(".gpkg") || f.EndsWith(".zip")));
            Assert.Empty(Directory.GetFiles(outDir, ".*.tmp.gpkg*"));      // the half-written GeoPackage is gone too
            Assert.False(File.Exists(Path.Combine(outDir, "manifest.json")));

            // Room again (the same folder, grown): the rerun reuses what was stored and completes.
            disk.Resize(kilobytes * 8);
            var again = CliChild.Run(Limit, Run(outDir));
            Assert.True(again.Code == 0, again.Stderr);
            AssertSameFiles(reference, outDir);
        }

        // And into another, good folder.
        var good = Path.Combine(work, "good");
        var rerun = CliChild.Run(Limit, Run(good));
        Assert.True(rerun.Code == 0, rerun.Stderr);
        AssertSameFiles(reference, good);
    }

    private static void AssertSameFiles(string expected, string actual)
    {
        var names = Directory.GetFiles(expected, "*.gpkg").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(names, Directory.GetFiles(actual, "*.gpkg").Select(Path.GetFileName).Where(n => !n!.StartsWith('.')).Order(StringComparer.Ordinal));
        foreach (var name in names.Append("sample.zip"))
            Assert.True(File.ReadAllBytes(Path.Combine(expected, name!)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(actual, name!))), $"{name} differs");
    }
}
