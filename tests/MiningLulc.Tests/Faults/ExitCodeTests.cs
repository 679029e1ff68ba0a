using System.IO.Compression;
using MiningLulc.Cli;
using MiningLulc.Geo;
using MiningLulc.Model;

namespace MiningLulc.Tests.Faults;

/// <summary>
/// Each kind of failure gets the contract's exit code (README.md, "Commands") and one line naming the
/// file: bad input 2, a result that cannot be written 3, the engine's own failures 3. Synthetic data.
/// </summary>
[Collection(SyntheticRegionCollection.Name)]
public class ExitCodeTests(SyntheticRegionFixture fixture)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    [Fact]
    public void EachKindOfFailureMapsToItsExitCode()
    {
        Assert.Equal(2, CommandAction.Run(() => throw new InvalidInputException("not a readable raster", "a.tif")));
        Assert.Equal(3, CommandAction.Run(() => throw new OutputWriteException("could not be written (No space left on device)", "/out/a_001.gpkg")));
        Assert.Equal(3, CommandAction.Run(() => throw new GdalException("polygonize failed: out of memory")));
        Assert.Equal(3, CommandAction.Run(() => throw new InvalidOperationException("a bug")));
        // A parallel loop wraps what its workers threw: the code is that of the engine's exception inside.
        Assert.Equal(3, CommandAction.Run(() => throw new AggregateException(new OutputWriteException("could not be written", "/out/work/site-1.bin"))));
        Assert.Equal(2, CommandAction.Run(() => throw new AggregateException(new InvalidOperationException("other"), new InvalidInputException("bad labels", "ref.gpkg"))));
    }

    [Fact]
    public void GdalFailuresAreTypedByWhatFailedNotByGdal()
    {
        using var tmp = new TempDir();
        // Reading a user's file that GDAL cannot parse: bad input naming it.
        File.WriteAllText(tmp.File("page.tif"), "<html>502 Bad Gateway</html>");
        var read = Assert.ThrowsAny<InvalidInputException>(() => RasterDataset.Open(tmp.File("page.tif")));
        Assert.Contains("page.tif", read.Message);
        // Creating a result where it cannot be written: an output failure naming the file, not "bad input".
        var missing = Path.Combine(tmp.Path, "no-such-folder", "x_001.gpkg");
        var write = Assert.Throws<OutputWriteException>(() => VectorDataset.Create(missing).Dispose());
        Assert.Equal(missing, write.Path);
        Assert.Throws<OutputWriteException>(() => RasterDataset.Create(Path.Combine(tmp.Path, "no-such-folder", "x.tif"),
            new RasterProfile { Width = 4, Height = 4, DataType = RasterDataType.Byte, Transform = GeoTransform.NorthUp(0, 4, 1, 1) }).Dispose());
        // GDAL failing on the engine's own work (here: a driver that does not exist) is neither.
        Assert.Throws<GdalException>(() => VectorDataset.Create("", "NoSuchDriver"));
    }

    [Theory]
    [InlineData("null", "holds null")]
    [InlineData("[]", "holds an array")]
    [InlineData("42", "holds a number")]
    [InlineData("\"default\"", "holds a string")]
    [InlineData("{\"align\": null}", "align is null")]
    [InlineData("{\"training\": {\"refinement\": null}}", "training.refinement is null")]
    [InlineData("{\"input\": {\"band_names\": [\"B02\", null]}}", "input.band_names[1] is null")]
    public void AConfigThatIsNotAnObjectOrHoldsNullsIsBadInputNamingTheFile(string json, string expected)
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp.File("settings.json"), json);
        var e = Assert.Throws<InvalidInputException>(() => EngineConfig.Load(tmp.File("settings.json")));
        Assert.StartsWith(tmp.File("settings.json") + ": ", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void ANullConfigIsExit2OnTheCommandLine()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp.File("null.json"), "null");
        var (code, _, stderr) = CliChild.Run(Limit, "inspect", fixture.Region, "--config", tmp.File("null.json"));
        Assert.Equal((int)ExitCode.BadInput, code);
        Assert.Contains("null.json", stderr);
        Assert.DoesNotContain("internal error", stderr);
    }

    [Fact]
    public void AModelWhoseMlNetPayloadIsCorruptIsBadInputNamingTheModel()
    {
        using var tmp = new TempDir();
        var good = tmp.File("good.zip");
        fixture.Model.Save(good);
        // A valid zip with a valid card around a damaged ML.NET stream (every predictor entry overwritten with seeded garbage).
        var bad = tmp.File("damaged.zip");
        using (var source = ZipFile.OpenRead(good))
        using (var target = ZipFile.Open(bad, ZipArchiveMode.Create))
        {
            var random = new Random(12);
            foreach (var entry in source.Entries)
            {
                using var input = entry.Open();
                var bytes = new MemoryStream();
                input.CopyTo(bytes);
                var content = bytes.ToArray();
                if (entry.FullName.EndsWith("Predictor/Model.key", StringComparison.Ordinal)) random.NextBytes(content.AsSpan(Math.Min(40, content.Length)));
                using var output = target.CreateEntry(entry.FullName).Open();
                output.Write(content);
            }
        }
        var e = Assert.Throws<InvalidInputException>(() => ClassifierModel.Load(bad));
        // The trees train stored are refused with it: they no longer match the ML.NET model they were read from.
        Assert.StartsWith(bad + ": the ML.NET model inside", e.Message);

        var (code, _, stderr) = CliChild.Run(Limit, "run", "--region", fixture.Region, "--model", bad, "--out", tmp.File("out"));
        Assert.Equal((int)ExitCode.BadInput, code);
        Assert.Contains("damaged.zip", stderr);
        Assert.DoesNotContain("internal error", stderr);
        Assert.DoesNotContain("   at ", stderr); // no stack trace
    }

    [Fact]
    public void InspectExits1WhenItListsProblemsAnd0WhenClean()
    {
        var clean = CliChild.Run(Limit, "inspect", fixture.Region);
        Assert.True(clean.Code == 0, clean.Stdout + clean.Stderr);

        using var tmp = new TempDir();
        var notRegion = CliChild.Run(Limit, "inspect", tmp.Path, "--json");
        Assert.Equal((int)ExitCode.ProblemsFound, notRegion.Code);
        Assert.Contains("not a region folder", notRegion.Stdout);

        // An HTML error page saved as a TIME tile: listed, with the file, and the sites on it.
        var region = fixture.CopyOfRegion("inspect-broken");
        var time = Directory.GetFiles(Path.Combine(region, "dcm"), "*_TIME.tif").Order(StringComparer.Ordinal).First();
        File.WriteAllText(time, "<html><body>502 Bad Gateway</body></html>");
        var broken = CliChild.Run(Limit, "inspect", region, "--json");
        Assert.Equal((int)ExitCode.ProblemsFound, broken.Code);
        using var doc = System.Text.Json.JsonDocument.Parse(broken.Stdout);
        var problems = doc.RootElement.GetProperty("problems").EnumerateArray().Select(p => p.GetString()!).ToList();
        Assert.Contains(problems, p => p.StartsWith("DCM TIME tile " + time + ": not a readable raster", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("site ", StringComparison.Ordinal) && p.Contains(Path.GetFileName(time)));
    }
}
