using System.Diagnostics;
using System.Text.Json.Serialization;
using MiningLulc.Catalog;
using MiningLulc.Features;
using MiningLulc.Synthetic;
using MiningLulc.Training;
using MiningLulc.Model;
using MiningLulc.Pipeline;

namespace MiningLulc.Bench;

/// <summary>The figures of docs/benchmarks.md (each a median over several runs).</summary>
public sealed record BenchResult
{
    [JsonPropertyName("features_mpx_per_s")] public double FeaturesMpxPerS { get; init; }
    [JsonPropertyName("features_scalar_mpx_per_s")] public double FeaturesScalarMpxPerS { get; init; }
    /// <summary>Bytes read + written per second by the point-wise indices alone (8 planes in, 7 out: 60 B per pixel).</summary>
    [JsonPropertyName("pointwise_gb_per_s")] public double PointwiseGbPerS { get; init; }
    /// <summary>A plain copy moving the same 60 B per pixel, in the same run: the memory-bandwidth bound of the point-wise part.</summary>
    [JsonPropertyName("copy_gb_per_s")] public double CopyGbPerS { get; init; }
    [JsonPropertyName("classify_mpx_per_s")] public double ClassifyMpxPerS { get; init; }
    /// <summary>The published preset's random forest (100 trees grown to purity), one thread, on the worst case for it (see the note).</summary>
    [JsonPropertyName("classify_forest_mpx_per_s")] public double ClassifyForestMpxPerS { get; init; }
    [JsonPropertyName("smooth_mpx_per_s")] public double SmoothMpxPerS { get; init; }
    [JsonPropertyName("pipeline_mpx_per_s")] public double PipelineMpxPerS { get; init; }
    [JsonPropertyName("block_alloc_kb")] public double BlockAllocKb { get; init; }
    [JsonPropertyName("peak_rss_mb")] public double PeakRssMb { get; init; }
    [JsonPropertyName("cores")] public int Cores { get; init; }
    [JsonPropertyName("runs")] public int Runs { get; init; }
    [JsonPropertyName("notes")] public IReadOnlyDictionary<string, string> Notes { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// Measures the engine: feature kernels and model inference on one thread over a realistic block,
/// and the whole pipeline on a synthetic region with all cores. Synthetic inputs, fixed seeds.
/// </summary>
public static class PerformanceBench
{
    public const int BlockSide = 1024;

    public static BenchResult Run(int runs = 5, IProgress<PipelineProgress>? progress = null)
    {
        var block = SyntheticBlock(BlockSide, BlockSide, seed: 3);
        // The 24 planes of schema v1 (the v2 groups left null, so skipped): the figure stays comparable across versions.
        var planes = new float[FeatureSchema.Count][];
        for (var f = 0; f < FeatureSet.Full.Names.Count; f++) planes[f] = new float[BlockSide * BlockSide];
        var mpx = BlockSide * BlockSide / 1e6;

        // Scalar, engine, point-wise part and copy take turns within each run, so that load from elsewhere on a
        // shared machine falls on all four alike.
        progress?.Report(new PipelineProgress("features", 0, runs));
        var engine = new FeatureEngine();
        var copyTargets = new float[PointwiseCopyPlanes][];
        for (var k = 0; k < copyTargets.Length; k++) copyTargets[k] = new float[BlockSide * BlockSide];
        var featureTimes = Medians(runs,
            () => ScalarFeatures.Compute(block.Bands, block.Dh, BlockSide, BlockSide, 10, 10, planes),
            () => engine.Compute(block.Bands, block.Dh, BlockSide, BlockSide, 10, 10, planes),
            () => engine.ComputePointwise(block.Bands, planes, 0, BlockSide * BlockSide),
            () => CopyPlanes(block.Bands, copyTargets));
        var (scalar, simd, pointwise, copy) = (featureTimes[0], featureTimes[1], featureTimes[2], featureTimes[3]);
        progress?.Report(new PipelineProgress("features", runs, runs));
        var pointwiseBytes = (double)PointwiseBytesPerPixel * BlockSide * BlockSide;

        progress?.Report(new PipelineProgress("classify", 0, runs));
        var (model, rows, count) = InferenceFixture(planes);
        var predicted = new byte[count];
        var classify = Median(runs, () => model.Predict(rows, count, predicted));
        var (forest, forestRows, forestCount) = ForestFixture(planes);
        var forestPredicted = new byte[forestCount];
        var classifyForest = Median(runs, () => forest.Predict(forestRows, forestCount, forestPredicted));
        progress?.Report(new PipelineProgress("classify", runs, runs));

        progress?.Report(new PipelineProgress("smooth", 0, runs));
        var (classes, metric, classified) = SmoothFixture(512, 512, seed: 9);
        var filtered = new byte[classes.Length];
        var smooth = Median(runs, () => Smooth.MajorityFilter.Apply(classes, metric, filtered));
        progress?.Report(new PipelineProgress("smooth", runs, runs));

        var (pipeline, blockAlloc) = PipelineFigure(Math.Max(1, runs / 2), progress);
        return new BenchResult
        {
            FeaturesMpxPerS = mpx / simd,
            FeaturesScalarMpxPerS = mpx / scalar,
            PointwiseGbPerS = pointwiseBytes / pointwise / 1e9,
            CopyGbPerS = pointwiseBytes / copy / 1e9,
            ClassifyMpxPerS = count / 1e6 / classify,
            ClassifyForestMpxPerS = forestCount / 1e6 / classifyForest,
            SmoothMpxPerS = classified / 1e6 / smooth,
            PipelineMpxPerS = pipeline,
            BlockAllocKb = blockAlloc.Bytes / 1024.0,
            PeakRssMb = Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0,
            Cores = Environment.ProcessorCount,
            Runs = runs,
            Notes = new Dictionary<string, string>
            {
                ["features"] = $"the {FeatureSet.Full.Names.Count} features of schema v1 over a {BlockSide}x{BlockSide} block, one thread: FeatureEngine at {SimdWidths.Best} ({scalar / simd:0.0}x the scalar reference)",
                ["pointwise"] = $"the 7 indices alone read 8 planes and write 7 ({PointwiseBytesPerPixel} B/pixel); a plain copy of as many bytes runs at copy_gb_per_s; point-wise reaches {copy / pointwise:P0} of it",
                ["classify"] = $"LightGBM multiclass, {FeatureSet.Full.Names.Count} features, batch of {count} pixels, one thread: {model.InferencePath}",
                ["classify_forest"] = $"random forest as the published preset trains it (100 trees, mtry 4, grown to purity) on 7,000 pixels whose labels do not follow the features, "
                    + $"the worst case: {forest.Forest!.Trees.Average(t => t.SplitCount + 1):0} leaves a tree (the preset's forest on data-sample has about 400); "
                    + $"batch of {forestCount} pixels, one thread: {forest.InferencePath}",
                ["smooth"] = $"48-nearest-neighbour majority filter, {classified} classified pixels of a 512x512 site on a 7.6 x 10 m (EPSG:4326-like) grid, one thread",
                ["pipeline"] = "align + features + classify + vectorize, synthetic 'sample' region, all cores, classified pixels per second",
                ["block_alloc"] = $"managed bytes allocated per block while reading, computing features and classifying the same region again with one warm worker "
                    + $"(its reused block arrays hold {blockAlloc.HeldMb:0.0} MB; {blockAlloc.Blocks} blocks of up to {EngineConfig.Default.Align.BlockSize} px)",
            },
        };
    }

    /// <summary>Bytes per pixel the point-wise indices move: B02 B03 B04 B05 B08 B8A B11 B12 read, seven indices written.</summary>
    public const int PointwiseBytesPerPixel = (8 + 7) * sizeof(float);

    /// <summary>Planes <see cref="CopyPlanes"/> writes into (the last one half-filled).</summary>
    public const int PointwiseCopyPlanes = 8;

    /// <summary>
    /// A plain copy of exactly <see cref="PointwiseBytesPerPixel"/> bytes per pixel (7.5 planes read, 7.5 written):
    /// the bandwidth bound the point-wise part is compared with.
    /// </summary>
    public static void CopyPlanes(IReadOnlyList<float[]> sources, float[][] targets)
    {
        for (var k = 0; k < 7; k++) sources[k].AsSpan().CopyTo(targets[k]);
        var half = sources[7].Length / 2;
        sources[7].AsSpan(0, half).CopyTo(targets[7]);
    }

    /// <summary>Seconds per action, each the median of <paramref name="runs"/> timed calls after one warm-up; the actions take turns.</summary>
    private static double[] Medians(int runs, params Action[] actions)
    {
        foreach (var action in actions) action();
        var times = new double[actions.Length][];
        for (var a = 0; a < actions.Length; a++) times[a] = new double[runs];
        for (var i = 0; i < runs; i++)
            for (var a = 0; a < actions.Length; a++)
            {
                var sw = Stopwatch.StartNew();
                actions[a]();
                times[a][i] = sw.Elapsed.TotalSeconds;
            }
        return times.Select(t => { Array.Sort(t); return t[runs / 2]; }).ToArray();
    }

    /// <summary>Seconds, median of <paramref name="runs"/> timed calls after one warm-up.</summary>
    public static double Median(int runs, Action action)
    {
        action();
        var times = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            var sw = Stopwatch.StartNew();
            action();
            times[i] = sw.Elapsed.TotalSeconds;
        }
        Array.Sort(times);
        return times[runs / 2];
    }

    /// <summary>Reflectance-like planes with texture and 2 % DCM voids (synthetic).</summary>
    public static (float[][] Bands, float[] Dh) SyntheticBlock(int width, int height, int seed)
    {
        var rng = new Random(seed);
        var n = width * height;
        var bands = new float[10][];
        for (var b = 0; b < 10; b++)
        {
            bands[b] = new float[n];
            for (var i = 0; i < n; i++) bands[b][i] = 300 + 3000 * (float)rng.NextDouble();
        }
        var dh = new float[n];
        for (var i = 0; i < n; i++) dh[i] = rng.NextDouble() < 0.02 ? float.NaN : (float)(rng.NextDouble() * 40 - 20);
        return (bands, dh);
    }

    /// <summary>The classify figure's model (LightGBM, 100 iterations of 7 classes) and 200,000 rows of <paramref name="planes"/> (the block's features).</summary>
    internal static (ClassifierModel Model, float[] Rows, int Count) InferenceFixture(float[][] planes)
    {
        var set = FeatureSet.Full;
        var idx = set.Indices;
        var rng = new Random(5);
        var table = new TrainingTable(set.Names.Count);
        var row = new float[set.Names.Count];
        for (var i = 0; i < 7000; i++)
        {
            var p = rng.Next(planes[0].Length);
            for (var f = 0; f < idx.Length; f++) row[f] = planes[idx[f]][p];
            table.Add(row, (LulcClass)(1 + i % 7), i % 50);
        }
        var model = ModelTrainer.Train(table, set, EngineConfig.Default with { Training = EngineConfig.Default.Training with { Trees = 100 } }, ["bench"]);
        const int count = 200_000;
        var rows = new float[count * idx.Length];
        for (var i = 0; i < count; i++)
            for (var f = 0; f < idx.Length; f++) rows[i * idx.Length + f] = planes[idx[f]][i];
        return (model, rows, count);
    }

    /// <summary>The classify_forest figure's model (the published preset's forest on pixels of <paramref name="planes"/> with labels unrelated to them) and 50,000 rows.</summary>
    internal static (ClassifierModel Model, float[] Rows, int Count) ForestFixture(float[][] planes)
    {
        var set = FeatureSet.Published;
        var idx = set.Indices;
        var rng = new Random(5);
        var table = new TrainingTable(idx.Length);
        var row = new float[idx.Length];
        for (var i = 0; i < 7000; i++)
        {
            var p = rng.Next(planes[0].Length);
            for (var f = 0; f < idx.Length; f++) row[f] = planes[idx[f]][p];
            table.Add(row, (LulcClass)(1 + i % 7), i % 50);
        }
        var training = EngineConfig.Default.Training with { Trainer = TrainerKind.RandomForest, Trees = 100, Mtry = 4, MinSamplesPerLeaf = 1 };
        var model = ModelTrainer.Train(table, set, EngineConfig.Default with { Training = training }, ["bench"]);
        const int count = 50_000;
        var rows = new float[count * idx.Length];
        for (var i = 0; i < count; i++)
            for (var f = 0; f < idx.Length; f++) rows[i * idx.Length + f] = planes[idx[f]][i];
        return (model, rows, count);
    }

    /// <summary>A synthetic class raster (blobs, 7 % salt, 10 % unclassified) on an anisotropic metric grid.</summary>
    private static (byte[] Classes, Smooth.MetricGrid Grid, int Classified) SmoothFixture(int width, int height, int seed)
    {
        var rng = new Random(seed);
        var classes = new byte[width * height];
        var x = new double[classes.Length];
        var y = new double[classes.Length];
        var classified = 0;
        for (var r = 0; r < height; r++)
            for (var c = 0; c < width; c++)
            {
                var i = r * width + c;
                x[i] = c * 7.6 + r * 0.01;
                y[i] = -r * 10.0;
                var blob = (byte)(1 + ((c / 37) * 3 + (r / 29) * 5) % 7);
                classes[i] = rng.NextDouble() < 0.1 ? (byte)0 : rng.NextDouble() < 0.07 ? (byte)rng.Next(1, 8) : blob;
                if (classes[i] != 0) classified++;
            }
        return (classes, new Smooth.MetricGrid(width, height, x, y), classified);
    }

    /// <summary>Managed allocation per block once a worker is warm, and what its reused arrays hold.</summary>
    private readonly record struct BlockAllocation(double Bytes, double HeldMb, int Blocks);

    private static BlockAllocation MeasureBlockAllocation(string region, ClassifierModel model, EngineConfig config)
    {
        var catalog = RegionCatalog.Build(region, config.Input);
        using var processor = new SiteProcessor(catalog.Folder, config, model.FeatureSet);
        var layouts = catalog.Ready.Select(processor.Plan).ToList();
        foreach (var layout in layouts) processor.ClassRaster(model, layout); // warm: arrays at their size, code compiled
        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var layout in layouts) processor.ClassRaster(model, layout);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var size = config.Align.BlockSize;
        var blocks = layouts.Sum(l => ((l.Grid.Width + size - 1) / size) * ((l.Grid.Height + size - 1) / size));
        return new BlockAllocation(allocated / (double)blocks, processor.Buffers.HeldBytes / 1e6, blocks);
    }

    private static (double MpxPerS, BlockAllocation Allocation) PipelineFigure(int runs, IProgress<PipelineProgress>? progress)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"mining-lulc-bench-{Environment.ProcessId}");
        try
        {
            progress?.Report(new PipelineProgress("pipeline", 0, runs));
            var region = Path.Combine(dir, "region");
            RegionGenerator.Generate(new SynthOptions { OutDirectory = region, Sites = 8, Seed = 11, Preset = "sample" });
            var config = EngineConfig.Default with { Training = EngineConfig.Default.Training with { Trees = 100 } };
            var model = TrainingRunner.Train(new TrainRequest { Regions = [region], Config = config }).Model;
            var pixels = 0L;
            var run = 0;
            var seconds = Median(runs, () =>
            {
                // A fresh folder per run: a folder with finished sites would be resumed, not recomputed.
                var output = Path.Combine(dir, $"out-{run++}");
                var result = RegionRunner.Run(new RunRequest { RegionDirectory = region, Model = model, OutDirectory = output, Config = config });
                pixels = result.Sites.Sum(s => (long)s.ClassifiedPixels);
            });
            progress?.Report(new PipelineProgress("pipeline", runs, runs));
            return (pixels / 1e6 / seconds, MeasureBlockAllocation(region, model, config));
        }
        finally
        {
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }
}
