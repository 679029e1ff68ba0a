using System.Reflection;
using System.Runtime.InteropServices;

namespace MiningLulc.Geo.Native;

/// <summary>
/// Finds the system GDAL and PROJ shared libraries. The binding imports the logical names
/// <c>gdal</c> and <c>proj</c>; this resolver maps them to whatever the platform ships
/// (<c>libgdal.so.32</c> on Debian 12, <c>libgdal.so.34</c> on Ubuntu 24.04, <c>gdal.dll</c>,
/// <c>libgdal.dylib</c>, ...). Set <c>MINING_LULC_GDAL</c> / <c>MINING_LULC_PROJ</c> to a full path
/// to override. Thread-safe; the first call installs the resolver.
/// </summary>
internal static class NativeLibraries
{
    public const string Gdal = "gdal";
    public const string Proj = "proj";

    private static int installed;
    private static readonly Lazy<IntPtr> GdalHandle = new(() => Load(Gdal, "MINING_LULC_GDAL", GdalCandidates()));
    // PROJ is loaded after GDAL so that we get the very library GDAL itself links against.
    private static readonly Lazy<IntPtr> ProjHandle = new(() => { _ = GdalHandle.Value; return Load(Proj, "MINING_LULC_PROJ", ProjCandidates()); });

    public static void EnsureInstalled()
    {
        if (Interlocked.Exchange(ref installed, 1) == 1) return;
        NativeLibrary.SetDllImportResolver(typeof(NativeLibraries).Assembly, Resolve);
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path) => name switch
    {
        Gdal => GdalHandle.Value,
        Proj => ProjHandle.Value,
        _ => IntPtr.Zero,
    };

    private static IntPtr Load(string logical, string overrideVariable, IEnumerable<string> candidates)
    {
        var explicitPath = Environment.GetEnvironmentVariable(overrideVariable);
        if (!string.IsNullOrEmpty(explicitPath))
        {
            if (NativeLibrary.TryLoad(explicitPath, out var h)) return h;
            throw new GdalNotFoundException($"{overrideVariable}={explicitPath} does not name a loadable {logical} library.");
        }
        var tried = new List<string>();
        foreach (var candidate in candidates)
        {
            tried.Add(candidate);
            if (NativeLibrary.TryLoad(candidate, out var h)) return h;
        }
        throw new GdalNotFoundException(
            $"The {logical} shared library was not found (tried {string.Join(", ", tried.Take(6))}, ...). " + InstallHint());
    }

    internal static string InstallHint()
    {
        if (OperatingSystem.IsLinux())
            return "Install it with: sudo apt-get install libgdal32 (Debian 12; libgdal34t64 on Ubuntu 24.04), or run ./mining-lulc as root to install it automatically.";
        if (OperatingSystem.IsMacOS()) return "Install it with: brew install gdal";
        return "Install GDAL (for example through OSGeo4W or conda) and put gdal.dll on PATH.";
    }

    private static IEnumerable<string> GdalCandidates()
    {
        if (OperatingSystem.IsWindows())
        {
            yield return "gdal.dll";
            for (var v = 312; v >= 304; v--) yield return $"gdal{v}.dll";
            yield break;
        }
        if (OperatingSystem.IsMacOS())
        {
            yield return "libgdal.dylib";
            yield return "/opt/homebrew/lib/libgdal.dylib";
            yield return "/usr/local/lib/libgdal.dylib";
            yield break;
        }
        yield return "libgdal.so";
        // Debian/Ubuntu ship only the versioned name without the -dev package: newest first.
        for (var v = 40; v >= 30; v--) yield return $"libgdal.so.{v}";
    }

    private static IEnumerable<string> ProjCandidates()
    {
        if (OperatingSystem.IsWindows())
        {
            yield return "proj.dll";
            for (var v = 9; v >= 6; v--) yield return $"proj_{v}.dll";
            yield break;
        }
        if (OperatingSystem.IsMacOS())
        {
            yield return "libproj.dylib";
            yield return "/opt/homebrew/lib/libproj.dylib";
            yield break;
        }
        yield return "libproj.so";
        for (var v = 30; v >= 15; v--) yield return $"libproj.so.{v}";
    }
}
