using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MiningLulc.Geo.Native;

namespace MiningLulc.Geo;

/// <summary>
/// Process-wide GDAL set-up and the one place where GDAL's error state becomes exceptions.
/// Every wrapper calls <see cref="Initialize"/> (idempotent, thread-safe) before touching GDAL.
/// </summary>
public static unsafe class Gdal
{
    private static readonly Lazy<bool> Initialized = new(InitializeCore);

    /// <summary>Raised for GDAL warnings (CE_Warning); errors become exceptions instead.</summary>
    public static event Action<string>? Warning;

    /// <summary>Loads and registers GDAL; throws <see cref="GdalNotFoundException"/> with an install hint when absent.</summary>
    public static void Initialize() => _ = Initialized.Value;

    /// <summary>GDAL's release name, e.g. "3.6.2".</summary>
    public static string Version { get { Initialize(); return GdalApi.Str(GdalApi.GDALVersionInfo("RELEASE_NAME")) ?? "?"; } }

    /// <summary>PROJ/GDAL version numbers as a single integer (GDAL's VERSION_NUM, e.g. 3060200).</summary>
    public static int VersionNumber { get { Initialize(); return int.Parse(GdalApi.Str(GdalApi.GDALVersionInfo("VERSION_NUM")) ?? "0"); } }

    private static bool InitializeCore()
    {
        NativeHeap.LimitRetention();
        NativeLibraries.EnsureInstalled();
        try
        {
            GdalApi.GDALAllRegister();
        }
        catch (DllNotFoundException e)
        {
            throw new GdalNotFoundException("The GDAL shared library could not be loaded: " + e.Message + " " + NativeLibraries.InstallHint());
        }
        // GDAL's default handler prints to stderr; ours keeps errors for the exception and routes warnings.
        GdalApi.CPLSetErrorHandler(&OnGdalError);
        // GDAL's block cache defaults to 5 % of RAM per process; several workers and shards share a
        // machine, so keep it modest unless the user chose (GDAL_CACHEMAX in the environment wins).
        // Sites read their own windows once, so the cache mostly serves DCM blocks shared by nearby
        // sites. It is the part of a run's memory that a larger region fills up to its cap, so the cap
        // is small: measured on synthetic regions (2 workers), 32 MB ran as fast as 256 MB within the
        // noise (1,000 sites: 27.9/29.3 s vs 26.7/28.5 s) and peaked at 333 MB instead of 636 MB; from
        // 250 to 4,000 sites the peak grows 292 -> 361 MB (64 MB: 308 -> 483; 256 MB: 489 -> 822).
        if (Environment.GetEnvironmentVariable("GDAL_CACHEMAX") is null)
            GdalApi.CPLSetConfigOption("GDAL_CACHEMAX", "32");
        // Byte-for-byte reproducible GeoPackages: GDAL stamps 'last_change' with the current time otherwise.
        if (GdalApi.CPLGetConfigOption("OGR_CURRENT_DATE", null) == IntPtr.Zero)
            GdalApi.CPLSetConfigOption("OGR_CURRENT_DATE", "2000-01-01T00:00:00.000Z");
        return true;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnGdalError(int errorClass, int errorNumber, IntPtr message)
    {
        // CE_Warning = 2. Errors (3, 4) are already recorded by CPL for CPLGetLastErrorMsg.
        if (errorClass != 2) return;
        try { Warning?.Invoke(Marshal.PtrToStringUTF8(message) ?? ""); }
        catch { /* never let a listener unwind into native code */ }
    }

    /// <summary>Sets a GDAL configuration option for the whole process.</summary>
    public static void SetConfig(string key, string? value) { Initialize(); GdalApi.CPLSetConfigOption(key, value); }

    internal static void ResetError() => GdalApi.CPLErrorReset();

    internal static string LastError(string fallback)
    {
        var msg = GdalApi.Str(GdalApi.CPLGetLastErrorMsg());
        return string.IsNullOrWhiteSpace(msg) ? fallback : msg.Trim();
    }

    /// <summary>GDAL's CPLE_OutOfMemory: never the fault of a file, whatever the call was doing.</summary>
    private const int OutOfMemory = 2;

    private static bool LastErrorIsOutOfMemory => GdalApi.CPLGetLastErrorNo() == OutOfMemory;

    /// <summary>Whether a path names no file a user sees: GDAL's in-memory datasets ("" or /vsimem/).</summary>
    internal static bool IsInMemory(string? path) => string.IsNullOrEmpty(path) || path.StartsWith("/vsimem/", StringComparison.Ordinal);

    /// <summary>
    /// GDAL could not open or read an input: an <see cref="InvalidInputException"/> naming the file
    /// (exit 2), unless GDAL ran out of memory (a <see cref="GdalException"/>: not the file's fault).
    /// </summary>
    internal static MiningLulcException ReadError(string message, string? path) =>
        LastErrorIsOutOfMemory ? new GdalException(message, path) : new InvalidInputException(message, path);

    /// <summary>
    /// GDAL could not write or flush a file: an <see cref="OutputWriteException"/> naming it (disk full,
    /// I/O error); in-memory datasets and running out of memory are a <see cref="GdalException"/>.
    /// </summary>
    internal static MiningLulcException WriteError(string message, string? path) =>
        IsInMemory(path) || LastErrorIsOutOfMemory ? new GdalException(message, path) : new OutputWriteException(message, path!);

    /// <summary>Throws a <see cref="GdalException"/> (the engine's own work failed) when a CPLErr/OGRErr is not 0.</summary>
    internal static void Check(int code, string what, string? path)
    {
        if (code != 0) throw new GdalException($"{what} failed: {LastError($"error code {code}")}", path);
    }

    /// <summary>Throws a <see cref="GdalException"/> when a returned handle is NULL.</summary>
    internal static IntPtr CheckHandle(IntPtr handle, string what, string? path)
    {
        if (handle == IntPtr.Zero) throw new GdalException($"{what} failed: {LastError("GDAL returned nothing")}", path);
        return handle;
    }

    /// <summary>As <see cref="Check"/>, for a call that reads an input (<see cref="ReadError"/>).</summary>
    internal static void CheckRead(int code, string what, string? path)
    {
        if (code != 0) throw ReadError($"{what} failed: {LastError($"error code {code}")}", path);
    }

    /// <summary>As <see cref="CheckHandle"/>, for a call that reads an input (<see cref="ReadError"/>).</summary>
    internal static IntPtr CheckReadHandle(IntPtr handle, string what, string? path)
    {
        if (handle == IntPtr.Zero) throw ReadError($"{what} failed: {LastError("GDAL returned nothing")}", path);
        return handle;
    }

    /// <summary>As <see cref="Check"/>, for a call that writes a file (<see cref="WriteError"/>).</summary>
    internal static void CheckWrite(int code, string what, string? path)
    {
        if (code != 0) throw WriteError($"{what} failed: {LastError($"error code {code}")}", path);
    }

    /// <summary>As <see cref="CheckHandle"/>, for a call that creates or writes a file (<see cref="WriteError"/>).</summary>
    internal static IntPtr CheckWriteHandle(IntPtr handle, string what, string? path)
    {
        if (handle == IntPtr.Zero) throw WriteError($"{what} failed: {LastError("GDAL returned nothing")}", path);
        return handle;
    }
}
