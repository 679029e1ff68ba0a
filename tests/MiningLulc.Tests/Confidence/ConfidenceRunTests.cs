using MiningLulc.Assessment;
using MiningLulc.Catalog;
using MiningLulc.Geo;
using MiningLulc.Inspection;
using MiningLulc.Pipeline;
using MiningLulc.Synthetic;
using MiningLulc.Vectorize;
using MiningLulc.Model;

namespace MiningLulc.Tests.Confidence;

/// <summary>run --confidence on the tiny synthetic region (generated data, see SyntheticRegionFixture).</summary>
[Collection(SyntheticRegionCollection.Name)]
public class ConfidenceRunTests(SyntheticRegionFixture region)
{
    private RunResult Run(string output, bool confidence, bool rasters = false, ClassifierModel? model = null) =>
        RegionRunner.Run(new RunRequest { RegionDirectory = region.Region, Model = model ?? region.Model, OutDirectory = output, Config = region.Config, Confidence = confidence, WriteRasters = rasters });

    [Fact]
    public void ConfidenceIsAFieldAfterThePublishedOnesAndChangesNothingElse()
    {
        var plainDir = region.NewFolder("plain");
        var withDir = region.NewFolder("confidence");
        var plain = Run(plainDir, confidence: false);
        var with = Run(withDir, confidence: true, rasters: true);
        Assert.Equal(plain.Features, with.Features);

        // The manifest says whether the files carry confidence, and how it was calibrated (the fixture's model: on its held-out sites).
        using (var m = System.Text.Json.JsonDocument.Parse(File.ReadAllText(plain.ManifestPath)))
            Assert.Equal(System.Text.Json.JsonValueKind.Null, m.RootElement.GetProperty("confidence").ValueKind);
        using (var m = System.Text.Json.JsonDocument.Parse(File.ReadAllText(with.ManifestPath)))
            Assert.Equal("temperature scaling, fitted on held-out sites", m.RootElement.GetProperty("confidence").GetProperty("calibration").GetString());

        foreach (var file in with.Files)
        {
            Assert.Empty(PublishedSchemaValidator.Check(file));
            using var ds = VectorDataset.Open(file);
            var fields = ds.Layer(0).Fields.Select(f => (f.Name, f.Type)).ToList();
            Assert.Equal([("index_n", FieldType.Integer64), ("class_name", FieldType.String), ("area_m2", FieldType.Real), ("year", FieldType.Integer64), ("confidence", FieldType.Real)], fields);
        }
        foreach (var file in plain.Files)
        {
            using var ds = VectorDataset.Open(file);
            Assert.Equal(PublishedSchema.Fields.Select(f => f.Name), ds.Layer(0).Fields.Select(f => f.Name));
        }

        // The same features, field for field and geometry for geometry; only the confidence is added.
        var a = Features(plain.Files);
        var b = Features(with.Files);
        Assert.Equal(a.Count, b.Count);
        foreach (var (p, q) in a.Zip(b))
        {
            Assert.Equal(p.Fid, q.Fid);
            foreach (var (name, _) in PublishedSchema.Fields) Assert.Equal(p.Attributes[name], q.Attributes[name]);
            Assert.True(p.Geometry!.EqualsExact(q.Geometry));
            Assert.False(p.Attributes.ContainsKey("confidence"));
            Assert.InRange(q.GetDouble("confidence")!.Value, 0.0, 1.0);
        }
        // Polygons are mostly sure of themselves here (a model tested on its own region), never all equally.
        var confidences = b.Select(f => f.GetDouble("confidence")!.Value).ToList();
        Assert.InRange(confidences.Average(), 0.5, 1.0);
        Assert.True(confidences.Max() - confidences.Min() > 0.1);

        // A confidence raster beside each class raster, on its grid, valid exactly where a class is.
        var site = with.Sites.First(s => s.Outcome == SiteOutcome.Done).SiteId;
        using var classes = RasterDataset.Open(SiteRasterWriter.ClassRasterPath(withDir, with.Region, site));
        using var conf = RasterDataset.Open(SiteRasterWriter.ConfidenceRasterPath(withDir, with.Region, site));
        Assert.Equal((classes.Width, classes.Height), (conf.Width, conf.Height));
        var c = new byte[classes.Width * classes.Height];
        var probability = new float[c.Length];
        classes.Read<byte>(1, classes.FullWindow, c);
        conf.Read<float>(1, conf.FullWindow, probability);
        for (var i = 0; i < c.Length; i++)
            if (c[i] == 0) Assert.True(float.IsNaN(probability[i]));
            else Assert.InRange(probability[i], 0f, 1f);
    }

    [Fact]
    public void ResultsWithAndWithoutConfidenceAreNeverReusedForEachOther()
    {
        var output = region.NewFolder("resume-confidence");
        Assert.Equal(0, Run(output, confidence: false).Reused);
        var with = Run(output, confidence: true);
        Assert.Equal(0, with.Reused);                    // the plain results are not reused
        var again = Run(output, confidence: true);
        Assert.Equal(with.Done, again.Reused);           // results with confidence are, confidence and all
        foreach (var (x, y) in with.Files.Zip(again.Files)) Assert.Equal(File.ReadAllBytes(x), File.ReadAllBytes(y));
        Assert.Equal(0, Run(output, confidence: false).Reused);
    }

    [Fact]
    public void CalibrationChangesConfidenceButNeverAClass()
    {
        // The fixture's model was trained with held-out sites, so its card carries a fitted temperature.
        Assert.NotNull(region.Model.Card.Calibration);
        Assert.True(region.Model.Card.Calibration!.LogLossAfter <= region.Model.Card.Calibration.LogLossBefore);
        var hot = new ClassifierModel(region.Model, region.Model.Card with { Calibration = new ScoreCalibration("temperature", 4.0, 1, 0, 0) });
        var raw = new ClassifierModel(region.Model, region.Model.Card with { Calibration = null });
        var catalog = RegionCatalog.Build(region.Region, region.Config.Input);
        var owned = SiteOwnership.Compute(catalog.Entries.Select(e => e.Site).ToList());
        using var processor = new SiteProcessor(catalog.Folder, region.Config, region.Model.FeatureSet);
        foreach (var entry in catalog.Ready.Take(2))
        {
            var plain = processor.Process(region.Model, entry, owned[entry.Site.Id]);
            var a = processor.Process(raw, entry, owned[entry.Site.Id], withConfidence: true);
            var b = processor.Process(hot, entry, owned[entry.Site.Id], withConfidence: true);
            Assert.Equal(plain.Classes, a.Classes);
            Assert.Equal(plain.Classes, b.Classes);
            Assert.Equal(plain.Regions.Select(r => (r.Row, r.Column, r.Class, r.AreaM2)), b.Regions.Select(r => (r.Row, r.Column, r.Class, r.AreaM2)));
            // A higher temperature flattens the scores: every region is less sure (or as sure, at 1 or a lone class).
            foreach (var (x, y) in a.Regions.Zip(b.Regions)) Assert.True(y.Confidence <= x.Confidence + 1e-6, $"{y.Confidence} > {x.Confidence}");
            Assert.True(b.Regions.Average(r => r.Confidence!.Value) < a.Regions.Average(r => r.Confidence!.Value) - 0.05);
        }
    }

    [Fact]
    public void AssessingPredictionsWithConfidenceGivesAReliabilityTable()
    {
        var output = region.NewFolder("assess-confidence");
        Run(output, confidence: true);
        var reportDir = region.NewFolder("report");
        var report = ReportWriter.AssessFiles(output, Path.Combine(region.Region, "labels"), reportDir, options: new AssessOptions { Workers = 2 });
        var bins = report.Reliability!;
        Assert.Equal(ReliabilityTable.Bins, bins.Count);
        Assert.Equal(report.ComparedAreaM2, bins.Sum(b => b.ComparedAreaM2), 1e-6 * report.ComparedAreaM2);
        // The accuracy of the table, area-weighted over its bins, is the report's overall accuracy.
        Assert.Equal(report.OverallAccuracy, bins.Where(b => b.ComparedAreaM2 > 0).Sum(b => b.Accuracy * b.ComparedAreaM2) / report.ComparedAreaM2, 1e-9);
        Assert.InRange(report.ExpectedCalibrationError!.Value, 0.0, 0.2);
        var json = File.ReadAllText(Path.Combine(reportDir, "report.json"));
        Assert.Contains("\"expected_calibration_error\"", json);
        Assert.Contains("| confidence | compared km²", File.ReadAllText(Path.Combine(reportDir, "report.md")));
    }

    private static List<VectorFeature> Features(IEnumerable<string> files)
    {
        var all = new List<VectorFeature>();
        foreach (var f in files)
        {
            using var ds = VectorDataset.Open(f);
            all.AddRange(ds.Layer(0).Features(GeometryOps.Wgs84Factory));
        }
        return all;
    }
}

[Collection(SyntheticRegionCollection.Name)]
public class CalibrationCardTests(SyntheticRegionFixture region)
{
    [Fact]
    public void TheCardsCalibrationSurvivesSaveAndLoad()
    {
        // Held-out sites fit one temperature.
        var card = region.Model.Card.Calibration!;
        Assert.Equal("held-out sites", card.FittedOn);
        Assert.Null(card.TemperatureByClass);
        Assert.Null(region.Model.Calibration.ByClass);
        Assert.Equal(card.Temperature, region.Model.Calibration.Temperature);

        // A calibration region (synthetic, never trained on) fits one per class; the card keeps them through save and load.
        var other = region.NewFolder("calibration-region");
        RegionGenerator.Generate(new SynthOptions { OutDirectory = other, Sites = 3, Seed = 9, Preset = "sample" });
        var config = region.Config with { Training = region.Config.Training with { Trees = 20 } };
        var trained = TrainingRunner.Train(new TrainRequest { Regions = [region.Region], Config = config, CalibrationRegions = [other], Workers = 2 }).Model;
        var fitted = trained.Card.Calibration!;
        Assert.StartsWith("calibration regions", fitted.FittedOn);
        Assert.NotNull(fitted.TemperatureByClass);
        Assert.True(fitted.LogLossAfter <= fitted.LogLossBefore);
        using var dir = new TempDir();
        trained.Save(dir.File("m.zip"));
        var loaded = ClassifierModel.Load(dir.File("m.zip"));
        Assert.Equal(fitted.Temperature, loaded.Card.Calibration!.Temperature);
        Assert.Equal(fitted.TemperatureByClass, loaded.Card.Calibration.TemperatureByClass);
        Assert.Equal(trained.Calibration.ByClass, loaded.Calibration.ByClass);
        Assert.Equal(trained.ScoreClassCodes.Select(c => fitted.TemperatureByClass![LulcClasses.NameOf(c)]), loaded.Calibration.ByClass!);

        // inspect shows it: the global temperature, the per-class ones, what fitted them.
        var fact = Assert.Single(Inspector.Inspect(dir.File("m.zip")).Facts, f => f.Key == "calibration").Value;
        Assert.StartsWith($"temperature {fitted.Temperature.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)} (and per class: ", fact);
        Assert.Contains($"fitted on {fitted.FittedOn}", fact);

        // A region cannot both train and calibrate.
        Assert.Throws<InvalidInputException>(() => TrainingRunner.Train(new TrainRequest { Regions = [region.Region], Config = config, CalibrationRegions = [region.Region + "/"] }));
    }
}
