using MiningLulc.Synthetic;

namespace MiningLulc.Tests.Synthetic;

/// <summary>synth never deletes files it did not write: it writes into a new or empty folder, or over a region it generated.</summary>
public class SynthFolderTests
{
    [Fact]
    public void AFolderHoldingSomeoneElsesFilesIsRefusedAndLeftAsItWas()
    {
        using var tmp = new TempDir();
        var dcm = Directory.CreateDirectory(tmp.File("dcm")).FullName;
        File.WriteAllText(Path.Combine(dcm, "S24W070_DCM.tif"), "a real download");
        File.WriteAllText(tmp.File("notes.txt"), "field notes");
        var e = Assert.Throws<InvalidInputException>(() => RegionGenerator.Generate(new SynthOptions { OutDirectory = tmp.Path, Sites = 2, Seed = 3 }));
        Assert.Contains(tmp.Path, e.Message);
        Assert.Contains("not a synthetic region", e.Message);
        Assert.Equal("a real download", File.ReadAllText(Path.Combine(dcm, "S24W070_DCM.tif")));
        Assert.True(File.Exists(tmp.File("notes.txt")));
    }

    [Fact]
    public void ARegionItGeneratedIsRegeneratedInPlace()
    {
        using var tmp = new TempDir();
        var first = RegionGenerator.Generate(new SynthOptions { OutDirectory = tmp.Path, Sites = 2, Seed = 3 });
        var again = RegionGenerator.Generate(new SynthOptions { OutDirectory = tmp.Path, Sites = 3, Seed = 4 });
        Assert.Equal(2, first.Sites);
        Assert.Equal(3, again.Sites);
    }
}
