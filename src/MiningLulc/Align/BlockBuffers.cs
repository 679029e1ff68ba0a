namespace MiningLulc.Align;

/// <summary>
/// One worker's arrays for the block in hand: reflectance, dh and stamps, masks, feature planes and
/// the gathered rows, each kept and reused for the next block (as ImageSharp's MemoryAllocator
/// keeps its buffers), so a run allocates them once per worker at the size of its largest block
/// instead of some 40 large arrays per block. An array is at least the length asked for and its
/// contents are whatever the last block left: every user writes the first <c>length</c> elements
/// before reading them. A block's data is valid until the next block is read. Not thread-safe.
/// </summary>
/// <remarks>
/// Given the run's block (<paramref name="blockPixels"/>, halo included), a plane of the block is
/// allocated at that size on first use and never again: no array outgrown and dropped as larger sites
/// come (in a long run those left the large-object heap fragmented and a 4,000-site region's peak
/// above a 250-site one's), no slack. Untouched, the uninitialized tail costs address space, not
/// memory: the resident set follows the largest block the worker has filled.
/// </remarks>
/// <param name="blockPixels">Pixels of the run's largest block with its halo; 0: size arrays by request.</param>
public sealed class BlockBuffers(int blockPixels = 0)
{
    /// <summary>What a float array holds; with an index, one array per band or feature.</summary>
    public enum Use { Band, Dh, Time, Feature, Rows, Scores }

    private readonly Dictionary<(Use, int), float[]> floats = [];
    private readonly Dictionary<ByteUse, byte[]> bytes = [];
    private readonly List<int> pixels = [];

    /// <summary>What a byte array holds.</summary>
    public enum ByteUse { Valid, SiteMask, Predicted }

    /// <summary>Bytes allocated for arrays since this instance was created (tests and the bench: flat once warm).</summary>
    public long AllocatedBytes { get; private set; }

    /// <summary>Bytes the arrays hold now: at most 25 % more than the largest block asked for.</summary>
    public long HeldBytes { get; private set; }

    /// <summary>A float array of at least <paramref name="length"/> elements for <paramref name="use"/> (<paramref name="index"/>: which band or feature).</summary>
    public float[] Floats(Use use, int index, int length) =>
        Get(floats, (use, index), length, sizeof(float), perBlockPixel: use is Use.Band or Use.Dh or Use.Time or Use.Feature);

    /// <summary>A byte array of at least <paramref name="length"/> elements.</summary>
    public byte[] Bytes(ByteUse use, int length) =>
        Get(bytes, use, length, sizeof(byte), perBlockPixel: use is ByteUse.Valid or ByteUse.SiteMask);

    /// <summary>An empty list for a block's pixel indices (its capacity kept from block to block).</summary>
    public List<int> Pixels()
    {
        pixels.Clear();
        return pixels;
    }

    /// <param name="perBlockPixel">One element per pixel of the block (its size is then <c>blockPixels</c> when given).</param>
    private T[] Get<TKey, T>(Dictionary<TKey, T[]> pool, TKey key, int length, int size, bool perBlockPixel) where TKey : notnull
    {
        var held = pool.TryGetValue(key, out var array) ? array.Length : 0;
        if (array is not null && held >= length) return array;
        // A block plane at the run's block size when that is known; otherwise (and for the chunk-sized rows and
        // scores) a quarter more than asked: a site's edge blocks come in many sizes, and this reallocates a few
        // times per run, not once per larger block (doubling held up to twice what the largest block needs).
        var grown = perBlockPixel && blockPixels >= length ? blockPixels : (int)Math.Min(length + (long)length / 4, Array.MaxLength);
        array = GC.AllocateUninitializedArray<T>(grown);
        AllocatedBytes += (long)grown * size;
        HeldBytes += (long)(grown - held) * size;
        pool[key] = array;
        return array;
    }
}
