using System.Diagnostics;
using System.Numerics.Tensors;

namespace MiningLulc.Features;

/// <summary>
/// Column sums of one plane for square windows of nested radii (ascending): a separable box filter. Each source
/// row is converted once into (value, value², count) — see <see cref="FeatureKernels.ConvertRow"/> — and kept in a
/// ring of the last 2·rmax+1 rows; the column sums of a window reuse those of the next smaller one (5 rows = 3 rows
/// + the two outer rows; 31 rows = 15 rows + the eight pairs outside them), so all radii together cost 2·rmax row
/// additions per quantity, and, unlike running sums, each window's rounding stays inside the window (a block then
/// equals the same rows of the whole image bit for bit, whatever its values). Sums are in double. Rows outside the grid are never added:
/// they count as voids, as in the reference. Scratch is sized for the widest grid seen and reused; not thread-safe.
/// </summary>
/// <remarks>
/// Why not running sums (add the entering row, subtract the leaving one): they were the first version, and the
/// rounding of every value that passes through a column stays in its sums until they restart. A reflectance of
/// 1e15 two rows up turned a 3x3 standard deviation of 0.19 into 0. For the schema's two radii they saved nothing.
/// </remarks>
internal sealed class FocalSums
{
    /// <summary>Zero columns on each side of every row, so that windows at the grid's edge need no special case: the largest radius, at least 2.</summary>
    public int Pad { get; }

    private readonly int[] radii;
    private readonly int maxRadius;
    private readonly double[][] ring;
    private readonly int[] ringRow;
    private readonly bool[] ringInfinite;
    private readonly double[][] sums;
    private SimdWidth simd;
    private int width = -1;
    private int stride;

    public FocalSums(params int[] radii)
    {
        Debug.Assert(radii.Length > 0 && radii[0] >= 0);
        for (var q = 1; q < radii.Length; q++) Debug.Assert(radii[q] > radii[q - 1], "radii ascend");
        this.radii = radii;
        maxRadius = radii[^1];
        Pad = Math.Max(2, maxRadius);
        ring = new double[2 * maxRadius + 1][];
        ringRow = new int[ring.Length];
        ringInfinite = new bool[ring.Length];
        sums = new double[radii.Length][];
        for (var k = 0; k < ring.Length; k++) ring[k] = [];
        for (var q = 0; q < sums.Length; q++) sums[q] = [];
    }

    /// <summary>Sizes the scratch for rows of <paramref name="rowWidth"/> pixels (allocates only when wider than before) and empties the ring.</summary>
    public void Prepare(int rowWidth, SimdWidth simdWidth)
    {
        simd = simdWidth;
        Array.Fill(ringRow, -1);
        if (rowWidth == width) return;
        width = rowWidth;
        stride = rowWidth + 2 * Pad;
        var length = 3 * stride;
        // Pads must be zero: conversion writes only the interior, so a reused buffer is cleared once here.
        for (var k = 0; k < ring.Length; k++)
            if (ring[k].Length < length) ring[k] = new double[length]; else Array.Clear(ring[k]);
        for (var q = 0; q < sums.Length; q++)
            if (sums[q].Length < length) sums[q] = new double[length];
    }

    /// <summary>
    /// The column sums of every radius for the windows centred on <paramref name="row"/>. Converts the rows it
    /// lacks (when rows go down one at a time, one per call).
    /// </summary>
    public void Centre(float[] src, int height, int row)
    {
        for (var r = Math.Max(0, row - maxRadius); r <= Math.Min(height - 1, row + maxRadius); r++)
            if (ringRow[r % ring.Length] != r) Convert(src, r);
        for (var q = 0; q < radii.Length; q++)
        {
            var s = Sums(q);
            var radius = radii[q];
            var added = false;
            if (q == 0)
            {
                for (var r = Math.Max(0, row - radius); r <= Math.Min(height - 1, row + radius); r++)
                {
                    if (added) TensorPrimitives.Add(s, Row(r), s); else Row(r).CopyTo(s);
                    added = true;
                }
                if (!added) s.Clear();
                continue;
            }
            ReadOnlySpan<double> inner = Sums(q - 1);
            // The rows of this window outside the inner one, pair by pair outwards (above, then below).
            for (var d = radii[q - 1] + 1; d <= radius; d++)
                foreach (var r in (ReadOnlySpan<int>)[row - d, row + d])
                {
                    if (r < 0 || r >= height) continue;
                    TensorPrimitives.Add(added ? s : inner, Row(r), s);
                    added = true;
                }
            if (!added) inner.CopyTo(s);
        }
    }

    /// <summary>Mean (optional) and std of the current row for radius number <paramref name="q"/>.</summary>
    public void MeanStd(int q, Span<float> mean, Span<float> std)
    {
        var s = sums[q];
        FeatureKernels.MeanStdRow(s.AsSpan(0, stride), s.AsSpan(stride, stride), s.AsSpan(2 * stride, stride), Pad, radii[q], mean, std, simd);
    }

    /// <summary>Whether a window of radius number <paramref name="q"/> centred on <paramref name="row"/> holds an infinity.</summary>
    public bool SeesInfinity(int q, int height, int row)
    {
        for (var r = Math.Max(0, row - radii[q]); r <= Math.Min(height - 1, row + radii[q]); r++)
            if (ringInfinite[r % ring.Length]) return true;
        return false;
    }

    public int Radius(int q) => radii[q];

    private Span<double> Sums(int q) => sums[q].AsSpan(0, 3 * stride);

    private Span<double> Row(int r)
    {
        Debug.Assert(ringRow[r % ring.Length] == r, $"row {r} is not in the ring");
        return ring[r % ring.Length].AsSpan(0, 3 * stride);
    }

    private void Convert(float[] src, int r)
    {
        var slot = r % ring.Length;
        var row = ring[slot];
        ringInfinite[slot] = FeatureKernels.ConvertRow(src.AsSpan(r * width, width),
            row.AsSpan(Pad, width), row.AsSpan(stride + Pad, width), row.AsSpan(2 * stride + Pad, width), simd);
        ringRow[slot] = r;
    }
}
