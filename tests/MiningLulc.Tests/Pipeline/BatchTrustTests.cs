using MiningLulc.Catalog;
using MiningLulc.Geo;
using MiningLulc.Pipeline;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Utilities;
using MiningLulc.Model;

namespace MiningLulc.Tests.Pipeline;

/// <summary>
/// What batch users must be able to trust (README.md, "Batch runs"), on the tiny synthetic region:
/// a stored site result is reused only when nothing that made it changed; an output folder holds one
/// region; shards started together never race; a second writer of the same part is refused.
/// </summary>
[Collection(SyntheticRegionCollection.Name)]
public class BatchTrustTests(SyntheticRegionFixture fixture)
{
    private RunResult Run(string region, string output, Shard? shard = null) => RegionRunner.Run(new RunRequest
    {
        RegionDirectory = region,
        Model = fixture.Model,
        OutDirectory = output,
        Config = fixture.Config,
        Shard = shard ?? Shard.All,
    });

    private static void AssertSameFiles(RunResult expected, RunResult actual)
    {
        Assert.Equal(expected.Features, actual.Features);
        Assert.Equal(expected.Files.Select(Path.GetFileName), actual.Files.Select(Path.GetFileName));
        foreach (var (a, b) in expected.Files.Zip(actual.Files)) Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(b));
    }

    [Fact]
    public void EditingOneSitePolygonRecomputesItAndTheRunEqualsAFreshOne()
    {
        var region = fixture.CopyOfRegion("edited");
        var output = fixture.NewFolder("edited-out");
        var first = Run(region, output);
        Assert.Equal(6, first.Done);

        // Shrink site 3 to 70 % about its centroid, every other site written back unchanged.
        var sites = new List<(long Id, Geometry Geometry)>();
        using (var ds = VectorDataset.Open(Path.Combine(region, "sites.gpkg")))
            foreach (var f in ds.Layer(0).Features(GeometryOps.Wgs84Factory))
                sites.Add((f.GetInt64("site_id")!.Value, f.Geometry!));
        var c = sites.Single(s => s.Id == 3).Geometry.Centroid.Coordinate;
        var shrink = AffineTransformation.ScaleInstance(0.7, 0.7, c.X, c.Y);
        File.Delete(Path.Combine(region, "sites.gpkg"));
        using (var wgs84 = SpatialReference.Wgs84())
            new RegionBuilder(region).Sites(wgs84, sites.Select(s => s.Id == 3 ? (s.Id, shrink.Transform(s.Geometry)) : s).ToArray());

        var again = Run(region, output);
        Assert.InRange(again.Reused, 3, 5);                              // site 3 and any neighbour whose owned area changed are redone
        Assert.NotEqual(0, first.Features);
        var fresh = Run(region, fixture.NewFolder("edited-fresh"));
        Assert.Equal(0, fresh.Reused);
        AssertSameFiles(fresh, again);
    }

    [Fact]
    public void ARewrittenCompositeRecomputesTheSitesOfItsYearOnly()
    {
        var region = fixture.CopyOfRegion("touched");
        var output = fixture.NewFolder("touched-out");
        Run(region, output);
        var catalog = RegionCatalog.Build(region, fixture.Config.Input);
        var year = catalog.Ready.Select(e => e.Year!.Value).Distinct().Order().First();
        foreach (var f in new RegionFolder[] { catalog.Folder }.SelectMany(f => f.S2Files(year)))
            File.SetLastWriteTimeUtc(f, File.GetLastWriteTimeUtc(f).AddMinutes(1)); // as if written again
        var again = Run(region, output);
        Assert.Equal(catalog.Ready.Count(e => e.Year != year), again.Reused);
    }

    [Fact]
    public void AnOutputFolderHoldsOneRegion()
    {
        var output = fixture.NewFolder("one-region");
        Run(fixture.Region, output);
        var other = fixture.CopyOfRegion("other");
        var e = Assert.Throws<InvalidInputException>(() => Run(other, output));
        Assert.Contains(Path.GetFullPath(fixture.Region), e.Message);
        Assert.Contains(Path.GetFullPath(other), e.Message);
        Assert.Contains("--out", e.Message);
    }

    [Fact]
    public void ASecondWriterOfTheSamePartIsRefusedWhileDifferentShardsRunTogether()
    {
        var output = fixture.NewFolder("locks");
        var name = RegionFolder.Open(fixture.Region, fixture.Config.Input).Name;
        using (OutputFolder.Claim(output, name, fixture.Region, Shard.All))
        {
            var e = Assert.Throws<InvalidInputException>(() => Run(fixture.Region, output));
            Assert.Contains("another run of this region is writing", e.Message);
            using var shard1 = OutputFolder.Claim(output, name, fixture.Region, new Shard(1, 2));
            using var shard2 = OutputFolder.Claim(output, name, fixture.Region, new Shard(2, 2));
            Assert.Contains("shard 1/2", Assert.Throws<InvalidInputException>(() => OutputFolder.Claim(output, name, fixture.Region, new Shard(1, 2))).Message);
        }
        Assert.Equal(6, Run(fixture.Region, output).Done);               // the lock went with its holder
    }

    [Fact]
    public async Task ShardsStartedAtTheSameMomentNeverRace()
    {
        var single = Run(fixture.Region, fixture.NewFolder("race-single"));
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var output = fixture.NewFolder("race");
            using var start = new Barrier(3);
            var shards = Enumerable.Range(1, 3).Select(i => Task.Factory.StartNew(() =>
            {
                start.SignalAndWait();
                return Run(fixture.Region, output, new Shard(i, 3));
            }, TaskCreationOptions.LongRunning)).ToArray();
            var results = await Task.WhenAll(shards);
            Assert.Equal(6, results.Sum(s => s.Done));
            Assert.Empty(Directory.EnumerateFiles(output, "*.tmp", SearchOption.AllDirectories));
            AssertSameFiles(single, Run(fixture.Region, output));
        }
    }

    [Fact]
    public void StaleFileCleanupDeletesOnlyThisRegionsOwnFiles()
    {
        var output = fixture.NewFolder("cleanup");
        var first = Run(fixture.Region, output);
        var keep = Path.Combine(fixture.NewFolder("outside"), "precious.gpkg");
        File.WriteAllText(keep, "not ours");
        var stale = Path.Combine(output, first.Region + "_099.gpkg");
        File.WriteAllText(stale, "an old tile");
        var notOurs = Path.Combine(output, "notes_001.gpkg");
        File.WriteAllText(notOurs, "the user's");
        // A manifest that names files outside the folder, another region's file and an old tile of ours.
        var manifest = File.ReadAllText(first.ManifestPath).Replace("\"files\": [", $"\"files\": [\"{keep}\", \"../{Path.GetFileName(keep)}\", \"notes_001.gpkg\", \"{Path.GetFileName(stale)}\", ");
        File.WriteAllText(first.ManifestPath, manifest);
        Run(fixture.Region, output);
        Assert.True(File.Exists(keep));
        Assert.True(File.Exists(notOurs));
        Assert.False(File.Exists(stale));
    }

    [Fact]
    public void ASiteWhoseCompositeIsAllNodataIsSkippedWithItsReasonNotDoneEmpty()
    {
        var region = fixture.CopyOfRegion("nodata");
        var catalog = RegionCatalog.Build(region, fixture.Config.Input);
        var year = catalog.Ready.Select(e => e.Year!.Value).Distinct().Order().Last();
        foreach (var file in catalog.Folder.S2Files(year))
        {
            using var ds = RasterDataset.Open(file, update: true);
            var zeros = new ushort[ds.Width * ds.Height];
            for (var b = 1; b <= ds.BandCount; b++) ds.Write(b, ds.FullWindow, zeros.AsSpan());
        }
        var result = Run(region, fixture.NewFolder("nodata-out"));
        var ofYear = catalog.Ready.Where(e => e.Year == year).Select(e => e.Site.Id).ToHashSet();
        Assert.NotEmpty(ofYear);
        Assert.All(result.Sites.Where(s => ofYear.Contains(s.SiteId)), s =>
        {
            Assert.Equal(SiteOutcome.Skipped, s.Outcome);
            Assert.Contains($"no valid reflectance in the {year} composite", s.Reason);
        });
        Assert.Equal(6 - ofYear.Count, result.Done);
        Assert.Equal(ofYear.Count, result.Skipped);
    }

    [Fact]
    public void TheModelsContentHashSurvivesSaveAndLoad()
    {
        using var tmp = new TempDir();
        var path = tmp.File("m.zip");
        fixture.Model.Save(path);
        var loaded = ClassifierModel.Load(path);
        Assert.Equal(fixture.Model.ContentHash, loaded.ContentHash);
        Assert.Matches("^[0-9a-f]{32}$", loaded.ContentHash);
    }
}
