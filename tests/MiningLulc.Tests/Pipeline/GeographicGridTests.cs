using MiningLulc.Align;
using MiningLulc.Assessment;
using MiningLulc.Catalog;
using MiningLulc.Geo;
using MiningLulc.Pipeline;
using MiningLulc.Synthetic;
using MiningLulc.Vectorize;

namespace MiningLulc.Tests.Pipeline;

/// <summary>
/// The grids the authors exported (Earth Engine, EPSG:4326 at 8.983153e-5°, about 6.4 x 10 m at
/// 50° N) run through the whole published method like UTM grids do. Synthetic data: one generated
/// world written twice, once with EPSG:4326 composites and once with UTM ones (same seed, so the
/// same sites, labels and DCM), each trained and classified with the published preset.
/// </summary>
public sealed class GeographicGridTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private const double EarthEngineScale10 = 8.983152841195215e-5;
    private readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void AGeographicCompositeRunsThePublishedMethodLikeAUtmOne()
    {
        var config = EngineConfig.LoadPreset("published", Path.Combine(TestPaths.RepositoryRoot, "configs"));
        config = config with { Training = config.Training with { Trees = 40 } }; // fewer trees: test time

        var geographic = RunWorld(S2Crs.Geographic, config);
        var utm = RunWorld(S2Crs.Utm, config);

        // The geographic world really is on Earth Engine's grid, and every site was processed.
        var catalog = RegionCatalog.Build(geographic.Region, config.Input);
        using (var aligner = new SiteAligner(catalog.Folder, config.Align))
        {
            var layout = aligner.Plan(catalog.Ready.First());
            Assert.Equal(EarthEngineScale10, layout.Grid.Transform.PixelWidth, 1e-15);
            using var crs = SpatialReference.Parse(layout.Grid.CrsWkt);
            Assert.Equal(4326, crs.Epsg);
            var (dx, dy) = layout.Grid.PixelSizeInMetres();
            Assert.InRange(dy, 9.9, 10.1);                  // a degree of latitude is ~111 km
            Assert.InRange(dx, 5.0, 8.0);                   // shrunk by cos(latitude)
        }
        Assert.Equal(0, geographic.Run.Failed);
        Assert.Equal(utm.Run.Done, geographic.Run.Done);

        // Output in the published schema, areas geodesic and adding up to the owned site area.
        foreach (var f in geographic.Run.Files) Assert.Empty(PublishedSchemaValidator.Check(f));
        var predicted = LabelReader.Read(geographic.Output);
        Assert.All(predicted, p => Assert.Equal(p.AreaM2!.Value, GeodesicArea.Of(p.Geometry), 1e-6 * p.AreaM2!.Value + 1e-6));
        var (sites, _) = SiteReader.Read(Path.Combine(geographic.Region, "sites.gpkg"));
        var owned = SiteOwnership.Compute(sites).Values.Sum(GeodesicArea.Of);
        Assert.InRange(predicted.Sum(p => p.AreaM2!.Value), 0.9 * owned, 1.0005 * owned);

        output.WriteLine($"overall accuracy: EPSG:4326 {geographic.Report.OverallAccuracy:F3}, UTM {utm.Report.OverallAccuracy:F3}; compared {geographic.Report.ComparedAreaM2:F0} vs {utm.Report.ComparedAreaM2:F0} m²");
        // Like a UTM grid: the same world classified on either grid agrees with the labels about
        // equally well (measured: 0.747 vs 0.735 on 10 sites, seed 3), and well above a
        // majority-class guess (~0.4 here).
        Assert.True(geographic.Report.OverallAccuracy > 0.65, $"EPSG:4326 overall accuracy {geographic.Report.OverallAccuracy:F3}");
        Assert.True(Math.Abs(geographic.Report.OverallAccuracy - utm.Report.OverallAccuracy) < 0.06,
            $"EPSG:4326 {geographic.Report.OverallAccuracy:F3} vs UTM {utm.Report.OverallAccuracy:F3}");
        // Both grids cover the same ground: the compared areas agree to a fraction of a percent.
        Assert.Equal(utm.Report.ComparedAreaM2, geographic.Report.ComparedAreaM2, 0.01 * utm.Report.ComparedAreaM2);
    }

    private sealed record WorldRun(string Region, string Output, RunResult Run, AccuracyReport Report);

    private WorldRun RunWorld(S2Crs crs, EngineConfig config)
    {
        var name = crs == S2Crs.Geographic ? "geographic" : "utm";
        var region = Path.Combine(dir.Path, name);
        RegionGenerator.Generate(new SynthOptions { OutDirectory = region, Sites = 6, Seed = 3, Preset = "gee", S2Crs = crs });
        var model = TrainingRunner.Train(new TrainRequest { Regions = [region], Config = config }).Model;
        var output = Path.Combine(dir.Path, name + "-out");
        var run = RegionRunner.Run(new RunRequest { RegionDirectory = region, Model = model, OutDirectory = output, Config = config });
        var report = AccuracyAssessor.Assess(LabelReader.Read(output), LabelReader.Read(Path.Combine(region, "labels")));
        return new WorldRun(region, output, run, report);
    }
}
