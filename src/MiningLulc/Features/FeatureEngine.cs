using System.Numerics.Tensors;
using static MiningLulc.FeatureSchema;

namespace MiningLulc.Features;

/// <summary>
/// The fast twin of <see cref="ScalarFeatures"/>: every plane of the schema, with SIMD kernels, one thread.
/// </summary>
/// <remarks>
/// <para>
/// Rows stream: each output row copies its inputs, runs the point-wise operators over them, the gradient, and the
/// focal windows (separable box sums over a ring of the rows around it, see <see cref="FocalSums"/>). A block
/// of rows reads the rows around it (the halo: two above and below for v1, fifteen with the context group's 31x31
/// windows, <see cref="FeatureSet.ContextPixels"/>) and writes only its own, and carries nothing
/// from one row to the next but converted inputs, so a block equals the same rows of the whole image bit for bit
/// (<see cref="ComputeRows"/>). Scratch is sized for the widest grid seen and reused: no allocation per row, block or
/// call in steady state.
/// </para>
/// <para>
/// Agreement with the reference: the ten reflectances, dh, the seven indices and the gradient are bit for bit
/// equal (the same float and double operations, lane by lane). Focal means and standard deviations sum the same
/// values in double, columns first where the reference goes row by row. The bits are equal whenever those double
/// sums are exact: integer-valued data, and windows whose values lie within a few binary orders of magnitude of
/// each other (a float squared has 48 significant bits, 25 of them add up within a double's 53) — every synthetic
/// and sample input in the tests; only a 1e-8..1e30 mix made one value in 40,000 differ, by 7e-8 relative.
/// Otherwise the double sums differ in their last bits, which sqrt(S2/N - mean²) can magnify where the deviation is
/// tiny against the values. The bound held and tested (<see cref="FeatureEquivalence"/>): within 1e-5 of the
/// reference's value plus 2e-6 of the window's largest magnitude. Windows that see an infinity are recomputed with
/// the reference, so they match exactly.
/// </para>
/// <para>Not thread-safe: one instance per worker.</para>
/// </remarks>
public sealed class FeatureEngine : IFeatureCalculator
{
    // Pixels per point-wise chunk: the eight inputs and seven outputs of a chunk stay in L1/L2 while the seven
    // operators pass over it, so memory sees each plane once.
    private const int ChunkPixels = 2048;

    private readonly FocalSums dhSums = new(1, 2);
    private readonly FocalSums nirSums = new(1);
    // The context group (schema v2) has its own sums: sets without it keep the v1 cost and the v1 bits.
    private readonly FocalSums dhContextSums = new(7, 15);
    private readonly FocalSums nirContextSums = new(3);

    /// <summary>An engine at the widest vector width the hardware accelerates.</summary>
    public FeatureEngine() : this(SimdWidths.Best) { }

    /// <summary>For tests and benchmarks: a forced width (a width the hardware lacks still runs, emulated).</summary>
    internal FeatureEngine(SimdWidth width) => Width = width;

    internal SimdWidth Width { get; }

    /// <inheritdoc cref="IFeatureCalculator.Compute"/>
    public void Compute(IReadOnlyList<float[]> bands, float[] dh, int width, int height, double pixelDx, double pixelDy, float[][] output, SiteMedians? medians = null) =>
        ComputeRows(bands, dh, width, height, pixelDx, pixelDy, 0, height, output, medians);

    /// <summary>
    /// Rows <paramref name="rowStart"/> .. <paramref name="rowStart"/> + <paramref name="rowCount"/> - 1 of every
    /// output plane, reading the inputs' rows around them as the focal windows and the gradient need; other rows of
    /// <paramref name="output"/> are left untouched. Equal to those rows of <see cref="Compute"/>.
    /// </summary>
    /// <remarks>The planes of a v2 group (context, site) are computed when <paramref name="output"/> holds them, skipped when null.</remarks>
    public void ComputeRows(IReadOnlyList<float[]> bands, float[] dh, int width, int height, double pixelDx, double pixelDy,
        int rowStart, int rowCount, float[][] output, SiteMedians? medians = null)
    {
        Validate(bands, dh, width, height, pixelDx, pixelDy, rowStart, rowCount, output);
        if (width == 0 || rowCount == 0) return;
        dhSums.Prepare(width, Width);
        nirSums.Prepare(width, Width);
        var context = output[DhMean15] is not null;
        if (context)
        {
            dhContextSums.Prepare(width, Width);
            nirContextSums.Prepare(width, Width);
        }
        var site = output[B02Site] is null ? null : medians ?? SiteMedians.Unknown;
        for (var r = rowStart; r < rowStart + rowCount; r++)
        {
            ComputeRow(bands, dh, width, height, 2 * pixelDx, 2 * pixelDy, r, output);
            if (context) ComputeContextRow(bands[B08], dh, width, height, r, output);
            if (site is not null) ComputeSiteRow(bands, site, r * width, width, output);
        }
    }

    /// <summary>The context group of one row: dh over 15x15 and 31x31 windows, NIR texture over 7x7.</summary>
    private void ComputeContextRow(float[] nir, float[] dh, int width, int height, int r, float[][] output)
    {
        var o = r * width;
        dhContextSums.Centre(dh, height, r);
        nirContextSums.Centre(nir, height, r);
        Focal(dhContextSums, 0, dh, width, height, r, output[DhMean15].AsSpan(o, width), output[DhStd15].AsSpan(o, width));
        Focal(dhContextSums, 1, dh, width, height, r, output[DhMean31].AsSpan(o, width), output[DhStd31].AsSpan(o, width));
        Focal(nirContextSums, 0, nir, width, height, r, [], output[NirStd7].AsSpan(o, width));
    }

    /// <summary>The site group of pixels [o, o + n): each reflectance over the site's median of it (one IEEE division each, as the reference).</summary>
    internal static void ComputeSiteRow(IReadOnlyList<float[]> bands, SiteMedians medians, int o, int n, float[][] output)
    {
        for (var b = 0; b < 10; b++) TensorPrimitives.Divide(bands[b].AsSpan(o, n), medians.BandDivisor(b), output[B02Site + b].AsSpan(o, n));
    }

    /// <summary>The seven normalized-difference indices of pixels [start, start + length), in L1-sized chunks.</summary>
    internal void ComputePointwise(IReadOnlyList<float[]> bands, float[][] output, int start, int length)
    {
        for (var s = start; s < start + length; s += ChunkPixels)
        {
            var n = Math.Min(ChunkPixels, start + length - s);
            ReadOnlySpan<float> b2 = bands[B02].AsSpan(s, n), b3 = bands[B03].AsSpan(s, n), b4 = bands[B04].AsSpan(s, n),
                b5 = bands[B05].AsSpan(s, n), b8 = bands[B08].AsSpan(s, n), b8a = bands[B8A].AsSpan(s, n),
                b11 = bands[B11].AsSpan(s, n), b12 = bands[B12].AsSpan(s, n);
            FeatureKernels.Invoke<NormalizedDifferenceOperator>(b8, b4, output[Ndvi].AsSpan(s, n), Width);
            FeatureKernels.Invoke<NormalizedDifferenceOperator>(b3, b8, output[Ndwi].AsSpan(s, n), Width);
            FeatureKernels.Invoke<NormalizedDifferenceOperator>(b3, b11, output[Mndwi].AsSpan(s, n), Width);
            FeatureKernels.Invoke<NormalizedDifferenceOperator>(b11, b8, output[Ndbi].AsSpan(s, n), Width);
            FeatureKernels.Invoke<BsiOperator>(b2, b4, b8, b11, output[Bsi].AsSpan(s, n), Width);
            FeatureKernels.Invoke<NormalizedDifferenceOperator>(b8, b12, output[Nbr].AsSpan(s, n), Width);
            FeatureKernels.Invoke<NormalizedDifferenceOperator>(b8a, b5, output[Ndre].AsSpan(s, n), Width);
        }
    }

    private void ComputeRow(IReadOnlyList<float[]> bands, float[] dh, int width, int height, double twoDx, double twoDy, int r, float[][] output)
    {
        var o = r * width;
        // The extractor passes the inputs themselves as these planes: nothing to copy then (an overlapping
        // CopyTo onto itself would still go through memmove, eleven times a row).
        for (var b = 0; b < 10; b++)
            if (!ReferenceEquals(bands[b], output[b])) bands[b].AsSpan(o, width).CopyTo(output[b].AsSpan(o, width));
        if (!ReferenceEquals(dh, output[Dh])) dh.AsSpan(o, width).CopyTo(output[Dh].AsSpan(o, width));

        ComputePointwise(bands, output, o, width);

        var grad = output[DhGrad].AsSpan(o, width);
        if (r == 0 || r == height - 1) grad.Fill(float.NaN);
        else FeatureKernels.GradientRow(dh.AsSpan(o - width, width), dh.AsSpan(o, width), dh.AsSpan(o + width, width), grad, twoDx, twoDy, Width);

        var nir = bands[B08];
        dhSums.Centre(dh, height, r);
        nirSums.Centre(nir, height, r);
        Focal(dhSums, 0, dh, width, height, r, output[DhMean3].AsSpan(o, width), output[DhStd3].AsSpan(o, width));
        Focal(dhSums, 1, dh, width, height, r, output[DhMean5].AsSpan(o, width), output[DhStd5].AsSpan(o, width));
        Focal(nirSums, 0, nir, width, height, r, [], output[NirStd3].AsSpan(o, width));
    }

    private static void Focal(FocalSums sums, int q, float[] src, int width, int height, int r, Span<float> mean, Span<float> std)
    {
        sums.MeanStd(q, mean, std);
        if (!sums.SeesInfinity(q, height, r)) return;
        // Rare: an infinite input. The running sums left it out; redo this row with the reference.
        for (var c = 0; c < width; c++)
        {
            var (m, s) = ScalarFeatures.WindowMeanStd(src, width, height, r, c, sums.Radius(q));
            if (!mean.IsEmpty) mean[c] = m;
            std[c] = s;
        }
    }

    private static void Validate(IReadOnlyList<float[]> bands, float[] dh, int width, int height, double pixelDx, double pixelDy,
        int rowStart, int rowCount, float[][] output)
    {
        ArgumentNullException.ThrowIfNull(bands);
        ArgumentNullException.ThrowIfNull(dh);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        if (!(pixelDx > 0) || !(pixelDy > 0)) throw new ArgumentOutOfRangeException(nameof(pixelDx), $"pixel spacing must be positive metres, got {pixelDx} x {pixelDy}");
        if (rowStart < 0 || rowCount < 0 || rowStart + rowCount > height)
            throw new ArgumentOutOfRangeException(nameof(rowStart), $"rows {rowStart}..{rowStart + rowCount - 1} are not inside a grid of {height} rows");
        var n = (long)width * height;
        if (bands.Count != 10) throw new ArgumentException($"expected 10 reflectance planes, got {bands.Count}", nameof(bands));
        for (var b = 0; b < 10; b++)
            if (bands[b] is null || bands[b].Length < n) throw new ArgumentException($"reflectance plane {b} holds fewer than {width}x{height} pixels", nameof(bands));
        if (dh.Length < n) throw new ArgumentException($"dh holds fewer than {width}x{height} pixels", nameof(dh));
        if (output.Length != Count) throw new ArgumentException($"expected {Count} output planes, got {output.Length}", nameof(output));
        foreach (var (first, end) in Groups)
            for (var f = first + 1; f < end; f++)
                if ((output[f] is null) != (output[first] is null)) throw new ArgumentException($"output plane {Names[f]} must be given exactly when {Names[first]} is (a group is computed whole or not at all)", nameof(output));
        for (var f = 0; f < Count; f++)
        {
            var plane = output[f];
            if (plane is null && f >= CountV1) continue;
            if (plane is null || plane.Length < n) throw new ArgumentException($"output plane {f} ({Names[f]}) holds fewer than {width}x{height} pixels", nameof(output));
            // An output may be its own input (the copy is then a no-op), never another input.
            for (var b = 0; b < 10; b++)
                if (ReferenceEquals(plane, bands[b]) && f != b) throw new ArgumentException($"output plane {Names[f]} is input plane {Names[b]}", nameof(output));
            if (ReferenceEquals(plane, dh) && f != Dh) throw new ArgumentException($"output plane {Names[f]} is the dh input", nameof(output));
        }
    }
}
