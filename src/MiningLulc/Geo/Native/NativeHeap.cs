using System.Runtime.InteropServices;

namespace MiningLulc.Geo.Native;

/// <summary>
/// Keeps the C heap that GDAL, OGR and PROJ allocate from (glibc malloc) from holding on to freed
/// memory. glibc serves large blocks (a site's in-memory rasters, warp buffers) with mmap and gives
/// them back on free, but every such free raises its mmap threshold, up to 32 MB, so that later
/// blocks of that size come from the heap instead, where freed space stays with the process. Over a
/// long run the resident memory then creeps up with the number of sites. Fixing the threshold
/// (which also turns the raising off) keeps it flat: 250 -> 1,000 synthetic sites, 2 workers, peak
/// RSS 275 -> 297 MB with the dynamic threshold, 250 -> 260 MB fixed at 128 KB, same CPU time.
/// A threshold the user sets (MALLOC_MMAP_THRESHOLD_) wins; other C libraries are left alone.
/// </summary>
internal static partial class NativeHeap
{
    private const int MmapThreshold = -3; // M_MMAP_THRESHOLD in glibc's malloc.h
    private const int ThresholdBytes = 128 * 1024; // glibc's own starting value

    public static void LimitRetention()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is not null) return;
        try { mallopt(MmapThreshold, ThresholdBytes); }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException) { /* not glibc: nothing to tune */ }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int mallopt(int param, int value);
}
