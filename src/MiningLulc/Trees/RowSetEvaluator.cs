using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MiningLulc.Trees;

/// <summary>
/// Finds the exit leaf of every tree for <see cref="BlockRows"/> rows at once by working on sets of
/// rows (one bit per row, a <see cref="Vector256{T}"/> per set) instead of on one row at a time.
/// <para>
/// Per block, each feature is binned once (<see cref="ByteBins"/>), and for every threshold of the
/// ensemble the set of rows above it is built with byte comparisons, 32 rows per instruction. A
/// tree then splits the block top-down: the root holds every row, and a split hands its rows to its
/// children with one AND and one AND-NOT against its threshold's set, so a split costs the same few
/// instructions whatever the rows do: no branch to mispredict and no per-row walk. Leaves are
/// numbered left to right; bit <c>j</c> of the leaf each row reached is the union of the sets of the
/// leaves (or whole subtrees, precomputed as a cover) whose number has bit <c>j</c>, and these bit
/// planes are turned into one leaf number per row. Leaf values are then added tree by tree in
/// ML.NET's order, several rows at a time.
/// </para>
/// <para>
/// Work per block grows with the number of splits, not with the depth a row travels, so deep trees
/// (FastForest's, hundreds of leaves) cost a few instructions per row and split, where walking them
/// missed the cache and the branch predictor at every level. Needs at most
/// <see cref="ByteBins.MaxCuts"/> thresholds per feature and at most 2^<see cref="MaxPlanes"/> leaves per tree.
/// </para>
/// <para>
/// A row set is 32 bytes, held as one <see cref="Vector256{T}"/> where that is hardware-accelerated
/// (AVX2) and as two <see cref="Vector128{T}"/> elsewhere (ARM64, x86 without AVX2), where
/// <see cref="Vector256{T}"/> runs in software and the row sets ran slower than the walk
/// (docs/benchmarks.md). Same bits either way; the JIT keeps only the branch for its host.
/// </para>
/// Immutable and thread-safe; scratch comes from <see cref="NewScratch"/>, one per thread.
/// </summary>
internal sealed class RowSetEvaluator
{
    public const int BlockRows = 256;
    public const int MaxPlanes = 16;

    /// <summary>Trees whose leaf numbers are found before their values are added (positions: 8 KB at most).</summary>
    private const int TreeBatch = 16;

    /// <summary>
    /// One split in evaluation order: its rows (reach index = its own position in the tree's list)
    /// go right where <see cref="Condition"/>'s set has them. Byte offsets (index x 32), so the loop
    /// adds them to its base pointers as they are.
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    private readonly struct Step(int condition, int left, int right)
    {
        public readonly uint Condition = (uint)(condition * Vector256<byte>.Count); // row set slot
        public readonly uint Left = (uint)(left * Vector256<byte>.Count);           // reach index of the left child
        public readonly uint Right = (uint)(right * Vector256<byte>.Count);         // reach index of the right child
    }

    private readonly ByteBins bins;
    private readonly int[] aboveSlot;   // per feature: slot + c (c below the cut count n) holds the rows whose bin is above c, NaN rows included; slot + n the NaN rows
    private readonly int[] numberSlot;  // per feature with a NaN-left split: the same sets without the NaN rows (slot + n: every number); else -1
    private readonly int everySlot;     // every row
    private readonly int slotCount;
    private readonly Step[] steps;      // per tree, its splits breadth-first (children after their parent, siblings side by side)
    private readonly int[] stepStart;   // per tree, and one past the last
    private readonly uint[] cover;      // per tree and plane: reach entries (byte offsets) whose union is the rows with that bit of the leaf number set
    private readonly int[] coverStart;  // [tree * planes + plane], and one past the last
    private readonly double[] leafValues; // per tree, by leaf number
    private readonly int[] leafStart;   // per tree
    private readonly int planes;
    private readonly int reachLength;

    private RowSetEvaluator(ByteBins bins, IReadOnlyList<FlatTree> trees)
    {
        this.bins = bins;
        var width = bins.Width;
        var nanLeft = new bool[width];
        foreach (var t in trees)
            for (var n = 0; n < t.NodeCount; n++) nanLeft[t.Feature[n]] |= t.NanLeft[n];
        aboveSlot = new int[width];
        numberSlot = new int[width];
        var slots = 0;
        for (var f = 0; f < width; f++)
        {
            aboveSlot[f] = slots;
            slots += bins.CutCount(f) + 1;
            numberSlot[f] = nanLeft[f] ? slots : -1;
            if (nanLeft[f]) slots += bins.CutCount(f) + 1;
        }
        everySlot = slots++;
        slotCount = slots;

        var maxLeaves = trees.Max(t => t.LeafCount);
        planes = 32 - BitOperations.LeadingZeroCount((uint)maxLeaves - 1);
        var stepList = new List<Step>();
        var coverList = new List<int>();
        var values = new List<double>();
        stepStart = new int[trees.Count + 1];
        coverStart = new int[trees.Count * planes + 1];
        leafStart = new int[trees.Count];
        for (var i = 0; i < trees.Count; i++)
        {
            var shape = new TreeShape(trees[i]);
            stepStart[i] = stepList.Count;
            leafStart[i] = values.Count;
            values.AddRange(shape.LeafValuesByNumber());
            foreach (var node in shape.BreadthFirst)
                stepList.Add(new Step(Condition(trees[i], node), shape.ReachIndex(trees[i].Left[node]), shape.ReachIndex(trees[i].Right[node])));
            for (var j = 0; j < planes; j++)
            {
                coverStart[i * planes + j] = coverList.Count;
                shape.Cover(j, coverList);
            }
            reachLength = Math.Max(reachLength, trees[i].NodeCount + trees[i].LeafCount);
        }
        stepStart[^1] = stepList.Count;
        coverStart[^1] = coverList.Count;
        steps = [.. stepList];
        cover = [.. coverList.Select(index => (uint)(index * Vector256<byte>.Count))];
        leafValues = [.. values];
    }

    /// <summary>The evaluator for <paramref name="trees"/>, or null when a feature has too many thresholds or a tree too many leaves.</summary>
    public static RowSetEvaluator? TryCreate(int width, IReadOnlyList<FlatTree> trees)
    {
        if (trees.Count == 0 || trees.Any(t => t.LeafCount > 1 << MaxPlanes)) return null;
        var bins = ByteBins.TryCreate(width, trees);
        return bins is null ? null : new RowSetEvaluator(bins, trees);
    }

    /// <summary>The row set that goes right at <paramref name="node"/>: <c>x &gt; t</c> for numbers, and NaN unless the split sends it left.</summary>
    private int Condition(FlatTree tree, int node)
    {
        var f = tree.Feature[node];
        var t = tree.Threshold[node];
        var nanLeft = tree.NanLeft[node];
        // x <= NaN is false: every number goes right.
        if (float.IsNaN(t)) return nanLeft ? numberSlot[f] + bins.CutCount(f) : everySlot;
        var c = bins.IndexOf(f, t);
        return (nanLeft ? numberSlot[f] : aboveSlot[f]) + c;
    }

    /// <summary>
    /// Per-thread buffers for <see cref="AddLeafValues"/>. The row sets (hundreds of KB) and the
    /// reach entries come from the shared array pool: a fresh large array per call would be a
    /// large-object allocation, and a full collection, per block of a site. Every entry is written
    /// before it is read, so pooled arrays need no clearing.
    /// </summary>
    public sealed class Scratch : IDisposable
    {
        internal Scratch(RowSetEvaluator e)
        {
            Bins = new byte[e.bins.Width * BlockRows];
            Sets = ArrayPool<Vector256<byte>>.Shared.Rent(e.slotCount);
            Reach = ArrayPool<Vector256<byte>>.Shared.Rent(Math.Max(1, e.reachLength));
            Planes = new Vector256<byte>[Math.Max(1, e.planes)];
            Positions = new ushort[TreeBatch * BlockRows];
        }

        internal byte[] Bins { get; }
        internal Vector256<byte>[] Sets { get; }
        internal Vector256<byte>[] Reach { get; }
        internal Vector256<byte>[] Planes { get; }
        internal ushort[] Positions { get; }

        public void Dispose()
        {
            ArrayPool<Vector256<byte>>.Shared.Return(Sets);
            ArrayPool<Vector256<byte>>.Shared.Return(Reach);
        }
    }

    public Scratch NewScratch() => new(this);

    /// <summary>
    /// For <paramref name="count"/> (at most <see cref="BlockRows"/>) rows: adds each tree's exit-leaf
    /// value to <c>sums[c * BlockRows + row]</c>, where the trees of class <c>c</c> are
    /// <c>classTreeStart[c] .. classTreeStart[c + 1]</c>, in tree order (so each sum is ML.NET's).
    /// </summary>
    public void AddLeafValues(ReadOnlySpan<float> rows, int count, int[] classTreeStart, Span<double> sums, Scratch scratch)
    {
        if (count > BlockRows || sums.Length < (classTreeStart.Length - 1) * BlockRows) throw new ArgumentException("block larger than BlockRows or sums too small");
        bins.Bin(rows, count, scratch.Bins, BlockRows);
        BuildRowSets(scratch.Bins, scratch.Sets);
        for (var c = 0; c + 1 < classTreeStart.Length; c++)
        {
            var sum = sums.Slice(c * BlockRows, BlockRows);
            for (var t0 = classTreeStart[c]; t0 < classTreeStart[c + 1]; t0 += TreeBatch)
            {
                var t1 = Math.Min(classTreeStart[c + 1], t0 + TreeBatch);
                // Up to 256 leaves a leaf number is a byte: half the positions to write and read.
                if (planes <= 8)
                {
                    var positions = MemoryMarshal.AsBytes(scratch.Positions.AsSpan());
                    for (var t = t0; t < t1; t++) FindLeaves(t, scratch, positions.Slice((t - t0) * BlockRows, BlockRows));
                    AddValues(t0, t1, positions, sum);
                }
                else
                {
                    var positions = scratch.Positions.AsSpan();
                    for (var t = t0; t < t1; t++) FindLeaves(t, scratch, positions.Slice((t - t0) * BlockRows, BlockRows));
                    AddValues(t0, t1, positions, sum);
                }
            }
        }
    }

    /// <summary>
    /// The row sets of one block: per feature and threshold <c>c</c>, the rows whose bin is above
    /// <c>c</c> (and the NaN-free copy where some split sends NaN left); the feature's eight
    /// 32-row vectors of bins stay in registers while its thresholds run.
    /// </summary>
    private void BuildRowSets(byte[] binBuffer, Vector256<byte>[] sets)
    {
        if (!Vector256.IsHardwareAccelerated)
        {
            BuildRowSets128(binBuffer, sets);
            return;
        }
        ref var set0 = ref MemoryMarshal.GetArrayDataReference(sets);
        for (var f = 0; f < bins.Width; f++)
        {
            ref var b = ref Unsafe.As<byte, sbyte>(ref binBuffer[f * BlockRows]);
            var b0 = Vector256.LoadUnsafe(ref b, 0);
            var b1 = Vector256.LoadUnsafe(ref b, 32);
            var b2 = Vector256.LoadUnsafe(ref b, 64);
            var b3 = Vector256.LoadUnsafe(ref b, 96);
            var b4 = Vector256.LoadUnsafe(ref b, 128);
            var b5 = Vector256.LoadUnsafe(ref b, 160);
            var b6 = Vector256.LoadUnsafe(ref b, 192);
            var b7 = Vector256.LoadUnsafe(ref b, 224);
            var n = bins.CutCount(f);
            ref var above = ref Unsafe.Add(ref set0, aboveSlot[f]);
            var threshold = Vector256.Create(unchecked((sbyte)0x80)); // bin 0, biased
            for (var c = 0; c <= n; c++, threshold += Vector256<sbyte>.One)
                Above(b0, b1, b2, b3, b4, b5, b6, b7, threshold, ref Unsafe.As<Vector256<byte>, uint>(ref Unsafe.Add(ref above, c)));
            if (numberSlot[f] < 0) continue;
            var nan = Unsafe.Add(ref above, n);
            ref var number = ref Unsafe.Add(ref set0, numberSlot[f]);
            for (var c = 0; c < n; c++) Unsafe.Add(ref number, c) = Vector256.AndNot(Unsafe.Add(ref above, c), nan);
            Unsafe.Add(ref number, n) = ~nan;
        }
        Unsafe.Add(ref set0, everySlot) = Vector256<byte>.AllBitsSet;
    }

    /// <summary>
    /// <see cref="BuildRowSets"/> with <see cref="Vector128{T}"/>: 16 rows per comparison, written as
    /// bit <c>r % 16</c> of 16-bit word <c>r / 16</c> (the same bits, little-endian). Each 16-row
    /// chunk of bins is loaded once and compared with every threshold of its feature.
    /// </summary>
    private void BuildRowSets128(byte[] binBuffer, Vector256<byte>[] sets)
    {
        ref var set0 = ref Unsafe.As<Vector256<byte>, byte>(ref MemoryMarshal.GetArrayDataReference(sets));
        const int setBytes = 32;
        for (var f = 0; f < bins.Width; f++)
        {
            ref var b = ref Unsafe.As<byte, sbyte>(ref binBuffer[f * BlockRows]);
            var n = bins.CutCount(f);
            ref var above = ref Unsafe.As<byte, ushort>(ref Unsafe.Add(ref set0, aboveSlot[f] * setBytes));
            for (var q = 0; q < BlockRows / 16; q++)
            {
                var chunk = Vector128.LoadUnsafe(ref b, (nuint)(q * 16));
                var threshold = Vector128.Create(unchecked((sbyte)0x80)); // bin 0, biased
                for (var c = 0; c <= n; c++, threshold += Vector128<sbyte>.One)
                    Unsafe.Add(ref above, c * (setBytes / 2) + q) = (ushort)Vector128.GreaterThan(chunk, threshold).ExtractMostSignificantBits();
            }
            if (numberSlot[f] < 0) continue;
            ref var aboveBytes = ref Unsafe.Add(ref set0, aboveSlot[f] * setBytes);
            ref var nan = ref Unsafe.Add(ref aboveBytes, n * setBytes);
            var nanLo = Vector128.LoadUnsafe(ref nan);
            var nanHi = Vector128.LoadUnsafe(ref nan, 16);
            ref var number = ref Unsafe.Add(ref set0, numberSlot[f] * setBytes);
            for (var c = 0; c < n; c++)
            {
                ref var a = ref Unsafe.Add(ref aboveBytes, c * setBytes);
                Vector128.AndNot(Vector128.LoadUnsafe(ref a), nanLo).StoreUnsafe(ref number, (nuint)(c * setBytes));
                Vector128.AndNot(Vector128.LoadUnsafe(ref a, 16), nanHi).StoreUnsafe(ref number, (nuint)(c * setBytes + 16));
            }
            (~nanLo).StoreUnsafe(ref number, (nuint)(n * setBytes));
            (~nanHi).StoreUnsafe(ref number, (nuint)(n * setBytes + 16));
        }
        Vector128<byte>.AllBitsSet.StoreUnsafe(ref set0, (nuint)(everySlot * setBytes));
        Vector128<byte>.AllBitsSet.StoreUnsafe(ref set0, (nuint)(everySlot * setBytes + 16));
    }

    /// <summary>
    /// Writes the rows whose (biased) bin is above <paramref name="threshold"/>: bit <c>r % 32</c> of
    /// 32-bit word <c>r / 32</c> for row <c>r</c>. Word by word: assembling a vector from the eight
    /// masks would cost more than the eight stores.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Above(Vector256<sbyte> b0, Vector256<sbyte> b1, Vector256<sbyte> b2, Vector256<sbyte> b3,
        Vector256<sbyte> b4, Vector256<sbyte> b5, Vector256<sbyte> b6, Vector256<sbyte> b7, Vector256<sbyte> threshold, ref uint words)
    {
        words = Vector256.GreaterThan(b0, threshold).ExtractMostSignificantBits();
        Unsafe.Add(ref words, 1) = Vector256.GreaterThan(b1, threshold).ExtractMostSignificantBits();
        Unsafe.Add(ref words, 2) = Vector256.GreaterThan(b2, threshold).ExtractMostSignificantBits();
        Unsafe.Add(ref words, 3) = Vector256.GreaterThan(b3, threshold).ExtractMostSignificantBits();
        Unsafe.Add(ref words, 4) = Vector256.GreaterThan(b4, threshold).ExtractMostSignificantBits();
        Unsafe.Add(ref words, 5) = Vector256.GreaterThan(b5, threshold).ExtractMostSignificantBits();
        Unsafe.Add(ref words, 6) = Vector256.GreaterThan(b6, threshold).ExtractMostSignificantBits();
        Unsafe.Add(ref words, 7) = Vector256.GreaterThan(b7, threshold).ExtractMostSignificantBits();
    }

    /// <summary>Tree <paramref name="tree"/>'s leaf number for every row of the block (byte or ushort positions).</summary>
    private void FindLeaves<TPos>(int tree, Scratch scratch, Span<TPos> positions)
        where TPos : unmanaged
    {
        ref var sets = ref Unsafe.As<Vector256<byte>, byte>(ref MemoryMarshal.GetArrayDataReference(scratch.Sets));
        ref var reach = ref Unsafe.As<Vector256<byte>, byte>(ref MemoryMarshal.GetArrayDataReference(scratch.Reach));
        ref var step = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(steps), stepStart[tree]);
        ref var stepEnd = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(steps), stepStart[tree + 1]);
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<byte>.AllBitsSet.StoreUnsafe(ref reach);
            // Split i's own rows are reach entry i: walk both arrays with one pointer each.
            for (ref var own = ref reach; Unsafe.IsAddressLessThan(ref step, ref stepEnd); step = ref Unsafe.Add(ref step, 1), own = ref Unsafe.Add(ref own, Vector256<byte>.Count))
            {
                var rows = Vector256.LoadUnsafe(ref own);
                var right = Vector256.LoadUnsafe(ref sets, step.Condition);
                Vector256.AndNot(rows, right).StoreUnsafe(ref reach, step.Left);
                (rows & right).StoreUnsafe(ref reach, step.Right);
            }
            ref var cover0 = ref MemoryMarshal.GetArrayDataReference(cover);
            for (var j = 0; j < planes; j++)
            {
                var plane = Vector256<byte>.Zero;
                for (int k = coverStart[tree * planes + j], end = coverStart[tree * planes + j + 1]; k < end; k++)
                    plane |= Vector256.LoadUnsafe(ref reach, Unsafe.Add(ref cover0, k));
                scratch.Planes[j] = plane;
            }
        }
        else SplitRows128(tree, scratch, ref reach, ref sets, ref step, ref stepEnd);
        if (typeof(TPos) == typeof(byte)) ByteNumbers(scratch.Planes, planes, MemoryMarshal.Cast<TPos, byte>(positions));
        else UShortNumbers(scratch.Planes, planes, MemoryMarshal.Cast<TPos, ushort>(positions));
    }

    /// <summary><see cref="FindLeaves"/>'s splitting and bit planes with the 32-byte sets as two <see cref="Vector128{T}"/> halves.</summary>
    private void SplitRows128(int tree, Scratch scratch, ref byte reach, ref byte sets, ref Step step, ref Step stepEnd)
    {
        Vector128<byte>.AllBitsSet.StoreUnsafe(ref reach);
        Vector128<byte>.AllBitsSet.StoreUnsafe(ref reach, 16);
        for (ref var own = ref reach; Unsafe.IsAddressLessThan(ref step, ref stepEnd); step = ref Unsafe.Add(ref step, 1), own = ref Unsafe.Add(ref own, 32))
        {
            var lo = Vector128.LoadUnsafe(ref own);
            var hi = Vector128.LoadUnsafe(ref own, 16);
            var rightLo = Vector128.LoadUnsafe(ref sets, step.Condition);
            var rightHi = Vector128.LoadUnsafe(ref sets, step.Condition + 16);
            Vector128.AndNot(lo, rightLo).StoreUnsafe(ref reach, step.Left);
            Vector128.AndNot(hi, rightHi).StoreUnsafe(ref reach, step.Left + 16);
            (lo & rightLo).StoreUnsafe(ref reach, step.Right);
            (hi & rightHi).StoreUnsafe(ref reach, step.Right + 16);
        }
        ref var cover0 = ref MemoryMarshal.GetArrayDataReference(cover);
        ref var planes0 = ref Unsafe.As<Vector256<byte>, byte>(ref MemoryMarshal.GetArrayDataReference(scratch.Planes));
        for (var j = 0; j < planes; j++)
        {
            Vector128<byte> lo = Vector128<byte>.Zero, hi = Vector128<byte>.Zero;
            for (int k = coverStart[tree * planes + j], end = coverStart[tree * planes + j + 1]; k < end; k++)
            {
                var at = Unsafe.Add(ref cover0, k);
                lo |= Vector128.LoadUnsafe(ref reach, at);
                hi |= Vector128.LoadUnsafe(ref reach, at + 16);
            }
            lo.StoreUnsafe(ref planes0, (nuint)(j * 32));
            hi.StoreUnsafe(ref planes0, (nuint)(j * 32 + 16));
        }
    }

    /// <summary>
    /// Bit planes to byte numbers, 32 rows per vector: each byte lane picks its row's bit out of the
    /// plane's 32-bit word. The word is broadcast, so its four bytes sit in both 128-bit halves, and
    /// the shuffle's indices (bytes 0 and 1 of the low half, 2 and 3 of the high half: 18 and 19)
    /// never cross a half: the JIT emits one in-lane byte shuffle (vpshufb) with AVX2, and the
    /// portable <see cref="Vector256.Shuffle(Vector256{byte}, Vector256{byte})"/> runs everywhere else.
    /// </summary>
    private static void ByteNumbers(Vector256<byte>[] planeSets, int planes, Span<byte> positions)
    {
        if (!Vector256.IsHardwareAccelerated)
        {
            ByteNumbers128(planeSets, planes, positions);
            return;
        }
        var bit = Vector256.Create((byte)1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128);
        ref var words = ref Unsafe.As<Vector256<byte>, uint>(ref MemoryMarshal.GetArrayDataReference(planeSets));
        ref var out0 = ref MemoryMarshal.GetReference(positions);
        for (var k = 0; k < BlockRows / 32; k++)
        {
            var number = Vector256<byte>.Zero;
            for (var j = 0; j < planes; j++)
            {
                // Constant indices written at the call, so the JIT sees them and picks the in-lane shuffle.
                var spreadWord = Vector256.Shuffle(Vector256.Create(Unsafe.Add(ref words, j * 8 + k)).AsByte(),
                    Vector256.Create((byte)0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 18, 18, 18, 18, 18, 18, 18, 18, 19, 19, 19, 19, 19, 19, 19, 19));
                number |= Vector256.Equals(spreadWord & bit, bit) & Vector256.Create((byte)(1 << j));
            }
            number.StoreUnsafe(ref out0, (nuint)(k * 32));
        }
    }

    /// <summary>Bit planes to ushort numbers, 16 rows per vector: every lane gets the plane's 16-bit word and keeps its own bit.</summary>
    private static void UShortNumbers(Vector256<byte>[] planeSets, int planes, Span<ushort> positions)
    {
        if (!Vector256.IsHardwareAccelerated)
        {
            UShortNumbers128(planeSets, planes, positions);
            return;
        }
        var bit = Vector256.Create((ushort)1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768);
        ref var words = ref Unsafe.As<Vector256<byte>, ushort>(ref MemoryMarshal.GetArrayDataReference(planeSets));
        ref var out0 = ref MemoryMarshal.GetReference(positions);
        for (var k = 0; k < BlockRows / 16; k++)
        {
            var number = Vector256<ushort>.Zero;
            for (var j = 0; j < planes; j++)
                number |= Vector256.Equals(Vector256.Create(Unsafe.Add(ref words, j * 16 + k)) & bit, bit) & Vector256.Create((ushort)(1 << j));
            number.StoreUnsafe(ref out0, (nuint)(k * 16));
        }
    }

    /// <summary><see cref="ByteNumbers"/> with <see cref="Vector128{T}"/>: 16 rows per vector, each byte lane picking its bit out of the plane's 16-bit word.</summary>
    private static void ByteNumbers128(Vector256<byte>[] planeSets, int planes, Span<byte> positions)
    {
        var bit = Vector128.Create((byte)1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128);
        ref var words = ref Unsafe.As<Vector256<byte>, ushort>(ref MemoryMarshal.GetArrayDataReference(planeSets));
        ref var out0 = ref MemoryMarshal.GetReference(positions);
        for (var k = 0; k < BlockRows / 16; k++)
        {
            var number = Vector128<byte>.Zero;
            for (var j = 0; j < planes; j++)
            {
                var spreadWord = Vector128.Shuffle(Vector128.Create(Unsafe.Add(ref words, j * 16 + k)).AsByte(),
                    Vector128.Create((byte)0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1));
                number |= Vector128.Equals(spreadWord & bit, bit) & Vector128.Create((byte)(1 << j));
            }
            number.StoreUnsafe(ref out0, (nuint)(k * 16));
        }
    }

    /// <summary><see cref="UShortNumbers"/> with <see cref="Vector128{T}"/>: 8 rows per vector, every lane given the plane's byte and keeping its own bit.</summary>
    private static void UShortNumbers128(Vector256<byte>[] planeSets, int planes, Span<ushort> positions)
    {
        var bit = Vector128.Create((ushort)1, 2, 4, 8, 16, 32, 64, 128);
        ref var words = ref Unsafe.As<Vector256<byte>, byte>(ref MemoryMarshal.GetArrayDataReference(planeSets));
        ref var out0 = ref MemoryMarshal.GetReference(positions);
        for (var k = 0; k < BlockRows / 8; k++)
        {
            var number = Vector128<ushort>.Zero;
            for (var j = 0; j < planes; j++)
                number |= Vector128.Equals(Vector128.Create((ushort)Unsafe.Add(ref words, j * 32 + k)) & bit, bit) & Vector128.Create((ushort)(1 << j));
            number.StoreUnsafe(ref out0, (nuint)(k * 8));
        }
    }

    /// <summary>
    /// Adds the leaf values of trees <paramref name="t0"/>..<paramref name="t1"/> (leaf numbers in
    /// <paramref name="positions"/>, <see cref="BlockRows"/> per tree) to <paramref name="sum"/>, tree
    /// by tree for each row; eight rows at a time, so eight independent additions are in flight.
    /// </summary>
    private void AddValues<TPos>(int t0, int t1, ReadOnlySpan<TPos> positions, Span<double> sum)
        where TPos : unmanaged
    {
        ref var p0 = ref MemoryMarshal.GetReference(positions);
        ref var s = ref MemoryMarshal.GetReference(sum);
        ref var values = ref MemoryMarshal.GetArrayDataReference(leafValues);
        ref var start = ref MemoryMarshal.GetArrayDataReference(leafStart);
        for (var r = 0; r < BlockRows; r += 8)
        {
            double s0 = Unsafe.Add(ref s, r), s1 = Unsafe.Add(ref s, r + 1), s2 = Unsafe.Add(ref s, r + 2), s3 = Unsafe.Add(ref s, r + 3);
            double s4 = Unsafe.Add(ref s, r + 4), s5 = Unsafe.Add(ref s, r + 5), s6 = Unsafe.Add(ref s, r + 6), s7 = Unsafe.Add(ref s, r + 7);
            ref var p = ref Unsafe.Add(ref p0, r);
            for (var t = t0; t < t1; t++)
            {
                ref var leaf = ref Unsafe.Add(ref values, Unsafe.Add(ref start, t));
                if (typeof(TPos) == typeof(byte))
                {
                    // Eight byte numbers in one load: loads are what this loop is short of, not shifts.
                    var n = Unsafe.ReadUnaligned<ulong>(ref Unsafe.As<TPos, byte>(ref p));
                    s0 += Unsafe.Add(ref leaf, (nuint)(byte)n);
                    s1 += Unsafe.Add(ref leaf, (nuint)(byte)(n >> 8));
                    s2 += Unsafe.Add(ref leaf, (nuint)(byte)(n >> 16));
                    s3 += Unsafe.Add(ref leaf, (nuint)(byte)(n >> 24));
                    s4 += Unsafe.Add(ref leaf, (nuint)(byte)(n >> 32));
                    s5 += Unsafe.Add(ref leaf, (nuint)(byte)(n >> 40));
                    s6 += Unsafe.Add(ref leaf, (nuint)(byte)(n >> 48));
                    s7 += Unsafe.Add(ref leaf, (nuint)(n >> 56));
                }
                else
                {
                    ref var q = ref Unsafe.As<TPos, ushort>(ref p);
                    s0 += Unsafe.Add(ref leaf, q);
                    s1 += Unsafe.Add(ref leaf, Unsafe.Add(ref q, 1));
                    s2 += Unsafe.Add(ref leaf, Unsafe.Add(ref q, 2));
                    s3 += Unsafe.Add(ref leaf, Unsafe.Add(ref q, 3));
                    s4 += Unsafe.Add(ref leaf, Unsafe.Add(ref q, 4));
                    s5 += Unsafe.Add(ref leaf, Unsafe.Add(ref q, 5));
                    s6 += Unsafe.Add(ref leaf, Unsafe.Add(ref q, 6));
                    s7 += Unsafe.Add(ref leaf, Unsafe.Add(ref q, 7));
                }
                p = ref Unsafe.Add(ref p, BlockRows);
            }
            Unsafe.Add(ref s, r) = s0; Unsafe.Add(ref s, r + 1) = s1; Unsafe.Add(ref s, r + 2) = s2; Unsafe.Add(ref s, r + 3) = s3;
            Unsafe.Add(ref s, r + 4) = s4; Unsafe.Add(ref s, r + 5) = s5; Unsafe.Add(ref s, r + 6) = s6; Unsafe.Add(ref s, r + 7) = s7;
        }
    }

    /// <summary>
    /// A tree's layout for row-set evaluation: its splits breadth-first, leaves numbered left to
    /// right, reach indices (a split's is its breadth-first position, a leaf's follows all splits),
    /// and each split's range of leaf numbers.
    /// </summary>
    private sealed class TreeShape
    {
        private readonly FlatTree tree;
        private readonly int[] order;    // split -> breadth-first position
        private readonly int[] number;   // leaf -> left-to-right number
        private readonly int[] first;    // split -> first leaf number under it
        private readonly int[] end;      // split -> one past the last

        public TreeShape(FlatTree tree)
        {
            this.tree = tree;
            var n = tree.NodeCount;
            order = new int[n];
            number = new int[tree.LeafCount];
            first = new int[n];
            end = new int[n];
            var breadthFirst = new List<int>(n);
            if (n > 0)
            {
                var queue = new Queue<int>();
                queue.Enqueue(0);
                while (queue.Count > 0)
                {
                    var node = queue.Dequeue();
                    order[node] = breadthFirst.Count;
                    breadthFirst.Add(node);
                    if (tree.Left[node] >= 0) queue.Enqueue(tree.Left[node]);
                    if (tree.Right[node] >= 0) queue.Enqueue(tree.Right[node]);
                }
                Number(0, 0);
            }
            BreadthFirst = breadthFirst;
        }

        public IReadOnlyList<int> BreadthFirst { get; }

        /// <summary>Numbers the leaves under <paramref name="root"/> left to right from <paramref name="next"/>, and records each split's range. Iterative: trees can be hundreds of levels deep.</summary>
        private void Number(int root, int next)
        {
            var stack = new Stack<(int Node, bool Done)>();
            stack.Push((root, false));
            while (stack.Count > 0)
            {
                var (node, done) = stack.Pop();
                if (node < 0) { number[~node] = next++; continue; }
                if (done) { end[node] = next; continue; }
                first[node] = next;
                stack.Push((node, true));
                stack.Push((tree.Right[node], false));
                stack.Push((tree.Left[node], false));
            }
        }

        /// <summary>Where a child's rows are kept: a split's breadth-first position, or after all splits for a leaf.</summary>
        public int ReachIndex(int child) => child >= 0 ? order[child] : tree.NodeCount + number[~child];

        public double[] LeafValuesByNumber()
        {
            var values = new double[tree.LeafCount];
            for (var l = 0; l < tree.LeafCount; l++) values[number[l]] = tree.Leaves[l];
            return values;
        }

        /// <summary>
        /// Appends the fewest whole subtrees (reach indices) whose leaves are exactly those with bit
        /// <paramref name="bit"/> of their number set: the plane is their union.
        /// </summary>
        public void Cover(int bit, List<int> into)
        {
            if (tree.NodeCount == 0)
            {
                if ((0 >> bit & 1) != 0) into.Add(0);
                return;
            }
            var stack = new Stack<int>();
            stack.Push(0);
            while (stack.Count > 0)
            {
                var node = stack.Pop();
                var (a, b) = node < 0 ? (number[~node], number[~node] + 1) : (first[node], end[node]);
                var set = CountWithBit(a, b, bit);
                if (set == 0) continue;
                if (set == b - a)
                {
                    into.Add(ReachIndex(node));
                    continue;
                }
                stack.Push(tree.Right[node]);
                stack.Push(tree.Left[node]);
            }
        }

        /// <summary>How many numbers in [a, b) have bit <paramref name="bit"/> set.</summary>
        private static int CountWithBit(int a, int b, int bit) => Below(b, bit) - Below(a, bit);

        private static int Below(int x, int bit)
        {
            var period = 1 << (bit + 1);
            var half = 1 << bit;
            return x / period * half + Math.Max(0, x % period - half);
        }
    }
}
