using System.Diagnostics;
using System.Numerics.Tensors;

namespace MiningLulc.Features;

/// <summary>
/// Running column sums of one plane for square windows of one or more radii (at most <see cref="Pad"/>).
/// Each source row is converted once into (value, value², count) — see <see cref="FeatureKernels.ConvertRow"/> —
/// and kept in a ring of the last 2·rmax+2 rows; moving the window down one row adds the entering row and
/// subtracts the leaving one, so the vertical cost per pixel does not depend on the radius. Sums are in double.
/// Rows outside the grid are never added: they count as voids, as in the reference.
/// Scratch is sized for the widest grid seen and reused; not thread-safe.
/// </summary>
internal sealed class FocalSums
{
    /// <summary>Zero columns on each side of every row, so that windows at the grid's edge need no special case.</summary>
    public const int Pad = 2;

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
        Debug.Assert(radii.Length > 0 && radii.All(r => r >= 0 && r <= Pad));
        this.radii = radii;
        maxRadius = radii.Max();
        ring = new double[2 * maxRadius + 2][];
        ringRow = new int[ring.Length];
        ringInfinite = new bool[ring.Length];
        sums = new double[radii.Length][];
        for (var k = 0; k < ring.Length; k++) ring[k] = [];
        for (var q = 0; q < sums.Length; q++) sums[q] = [];
    }

    /// <summary>Sizes the scratch for rows of <paramref name="rowWidth"/> pixels (allocates only when wider than before).</summary>
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

    /// <summary>Starts a block: the sums of the windows centred on <paramref name="row"/>, from scratch.</summary>
    public void Prime(float[] src, int height, int row)
    {
        for (var r = Math.Max(0, row - maxRadius); r <= Math.Min(height - 1, row + maxRadius); r++) Convert(src, r);
        for (var q = 0; q < radii.Length; q++)
        {
            var s = Sums(q);
            s.Clear();
            for (var r = Math.Max(0, row - radii[q]); r <= Math.Min(height - 1, row + radii[q]); r++) TensorPrimitives.Add(s, Row(r), s);
        }
    }

    /// <summary>Moves the windows from <paramref name="row"/> - 1 to <paramref name="row"/>.</summary>
    public void Advance(float[] src, int height, int row)
    {
        if (row + maxRadius < height) Convert(src, row + maxRadius);
        for (var q = 0; q < radii.Length; q++)
        {
            var s = Sums(q);
            var radius = radii[q];
            if (row + radius < height) TensorPrimitives.Add(s, Row(row + radius), s);
            if (row - radius - 1 >= 0) TensorPrimitives.Subtract(s, Row(row - radius - 1), s);
        }
    }

    /// <summary>Mean (optional) and std of the current row for radius number <paramref name="q"/>.</summary>
    public void MeanStd(int q, Span<float> mean, Span<float> std)
    {
        var s = sums[q];
        FeatureKernels.MeanStdRow(s.AsSpan(0, stride), s.AsSpan(stride, stride), s.AsSpan(2 * stride, stride), Pad, radii[q], mean, std, simd);
    }

    /// <summary>Whether a window of radius number <paramref name="q"/> centred on <paramref name="row"/> may hold an infinity.</summary>
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
