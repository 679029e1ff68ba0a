using BenchmarkDotNet.Attributes;
using MiningLulc.Features;
using MiningLulc.Bench;
using MiningLulc.Tests;

namespace MiningLulc.Benchmarks;

/// <summary>
/// The feature engine on the block of <c>bench</c> (<see cref="PerformanceBench.BlockSide"/>², synthetic, 2 % dh
/// voids): the whole schema, scalar against SIMD, and each kernel alone; the point-wise part beside a plain copy
/// of the same number of bytes. One thread.
/// </summary>
[MemoryDiagnoser]
public class FeatureBenchmarks
{
    private const int Side = PerformanceBench.BlockSide;
    private float[][] bands = [];
    private float[] dh = [];
    private float[][] planes = [];
    private float[][] copyTargets = [];
    private FeatureEngine engine = null!;
    private readonly FocalSums dhSums = new(1, 2);

    /// <summary>Vector width in bits of the engine and the kernels: the hardware's best (0 would be the engine's scalar loops).</summary>
    [ParamsSource(nameof(Widths))]
    public int WidthBits { get; set; }

    public static IEnumerable<int> Widths => [(int)SimdWidths.Best];

    [GlobalSetup]
    public void Setup()
    {
        (bands, dh) = PerformanceBench.SyntheticBlock(Side, Side, seed: 3);
        planes = FeatureEquivalence.NewPlanes(Side * Side);
        copyTargets = FeatureEquivalence.NewPlanes(Side * Side)[..PerformanceBench.PointwiseCopyPlanes];
        engine = new FeatureEngine((SimdWidth)WidthBits);
        engine.Compute(bands, dh, Side, Side, 10, 10, planes);
        dhSums.Prepare(Side, (SimdWidth)WidthBits);
    }

    [Benchmark(Baseline = true, Description = "all features, scalar reference")]
    public void Scalar() => ScalarFeatures.Compute(bands, dh, Side, Side, 10, 10, planes);

    [Benchmark(Description = "all features, engine")]
    public void Engine() => engine.Compute(bands, dh, Side, Side, 10, 10, planes);

    [Benchmark(Description = "7 indices (point-wise)")]
    public void Pointwise() => engine.ComputePointwise(bands, planes, 0, Side * Side);

    [Benchmark(Description = "copy, bytes of the point-wise part")]
    public void CopySameBytes() => PerformanceBench.CopyPlanes(bands, copyTargets);

    [Benchmark(Description = "NDVI alone")]
    public void Ndvi() => FeatureKernels.Invoke<NormalizedDifferenceOperator>(bands[FeatureSchema.B08], bands[FeatureSchema.B04], planes[FeatureSchema.Ndvi], (SimdWidth)WidthBits);

    [Benchmark(Description = "dh gradient")]
    public void Gradient()
    {
        var g = planes[FeatureSchema.DhGrad];
        for (var r = 1; r < Side - 1; r++)
            FeatureKernels.GradientRow(dh.AsSpan((r - 1) * Side, Side), dh.AsSpan(r * Side, Side), dh.AsSpan((r + 1) * Side, Side),
                g.AsSpan(r * Side, Side), 20, 20, (SimdWidth)WidthBits);
    }

    [Benchmark(Description = "dh 3x3 and 5x5 mean/std")]
    public void FocalDh()
    {
        dhSums.Prepare(Side, (SimdWidth)WidthBits);
        for (var r = 0; r < Side; r++)
        {
            dhSums.Centre(dh, Side, r);
            dhSums.MeanStd(0, planes[FeatureSchema.DhMean3].AsSpan(r * Side, Side), planes[FeatureSchema.DhStd3].AsSpan(r * Side, Side));
            dhSums.MeanStd(1, planes[FeatureSchema.DhMean5].AsSpan(r * Side, Side), planes[FeatureSchema.DhStd5].AsSpan(r * Side, Side));
        }
    }
}
