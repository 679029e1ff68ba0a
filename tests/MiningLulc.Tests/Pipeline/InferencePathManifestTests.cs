using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using MiningLulc.Pipeline;
using MiningLulc.Model;
using MiningLulc.Trees;

namespace MiningLulc.Tests.Pipeline;

/// <summary>
/// A run records which classifier predicted (the flat trees and their engine, or ML.NET and why) in
/// its manifest, and warns when the model does not predict by its fast path: a model whose trees the
/// reader cannot take (as after an ML.NET upgrade that moves what it reads) must not run tens of
/// times slower in silence.
/// </summary>
[Collection(SyntheticRegionCollection.Name)]
public class InferencePathManifestTests(SyntheticRegionFixture region)
{
    [Fact]
    public void TheFastPathIsRecordedWithoutAWarning()
    {
        var output = region.NewFolder("fast");
        var result = RegionRunner.Run(new RunRequest { RegionDirectory = region.Region, Model = region.Model, OutDirectory = output, Config = region.Config });
        Assert.Empty(result.Warnings);
        using var manifest = JsonDocument.Parse(File.ReadAllText(result.ManifestPath));
        var inference = manifest.RootElement.GetProperty("inference");
        Assert.Equal("RowSets", inference.GetProperty("engine").GetString());
        Assert.StartsWith("flat trees (RowSets; 420 trees", inference.GetProperty("path").GetString());
        Assert.Equal(JsonValueKind.Null, inference.GetProperty("fallback").ValueKind);
        Assert.Equal(0, manifest.RootElement.GetProperty("warnings").GetArrayLength());
    }

    private const string FallbackWarning = "the model predicts through ML.NET, much slower than the flat trees, because unexpected pipeline (ColumnCopyingTransformer -> TransformerChain";

    /// <summary>
    /// The trained pipeline behind one more (harmless) transformer: ML.NET predicts as before, but the
    /// reader no longer finds the chain it knows, so the flat trees are unavailable.
    /// </summary>
    private ClassifierModel ModelTheReaderCannotTake()
    {
        var ml = new MLContext(seed: 0);
        var zip = Path.Combine(region.NewFolder("model"), "model.zip");
        region.Model.Save(zip);
        ITransformer trained;
        using (var stream = File.OpenRead(zip)) trained = ml.Model.Load(stream, out _);
        var width = region.Model.FeatureSet.Names.Count;
        var copy = ml.Transforms.CopyColumns("FeaturesCopy", "Features").Fit(MatrixDataView.Create(ml, [], 0, width));
        var model = new ClassifierModel(ml, new TransformerChain<ITransformer>(copy, trained), region.Model.Card);
        Assert.False(model.UsesFlatTrees);
        return model;
    }

    [Fact]
    public void AModelTheReaderCannotTakeFallsBackToMlNetWithAWarningInTheManifest()
    {
        var model = ModelTheReaderCannotTake();
        var output = region.NewFolder("fallback");
        var result = RegionRunner.Run(new RunRequest { RegionDirectory = region.Region, Model = model, OutDirectory = output, Config = region.Config });
        Assert.Equal(6, result.Done);
        var warning = Assert.Single(result.Warnings);
        Assert.StartsWith(FallbackWarning, warning);
        using var manifest = JsonDocument.Parse(File.ReadAllText(result.ManifestPath));
        var inference = manifest.RootElement.GetProperty("inference");
        Assert.Equal(JsonValueKind.Null, inference.GetProperty("engine").ValueKind);
        Assert.StartsWith("unexpected pipeline (ColumnCopyingTransformer", inference.GetProperty("fallback").GetString());
        Assert.StartsWith("ML.NET (unexpected pipeline", inference.GetProperty("path").GetString());
        Assert.Equal(warning, manifest.RootElement.GetProperty("warnings")[0].GetString());
    }

    [Fact]
    public void RunPrintsTheWarning()
    {
        var folder = region.NewFolder("cli");
        var zip = Path.Combine(folder, "fallback.zip");
        ModelTheReaderCannotTake().Save(zip);
        var dll = Path.Combine(AppContext.BaseDirectory, "mining-lulc.dll");
        var (code, output) = Tools.Run("dotnet", dll, "run", "--region", region.Region, "--model", zip, "--out", Path.Combine(folder, "out"), "--workers", "1");
        Assert.Equal(0, code);
        Assert.Contains("warning: " + FallbackWarning, output);
    }
}
