using System.Runtime.InteropServices;

namespace MiningLulc.Geo.Native;

/// <summary>PROJ's geodesic routines (Karney's algorithms, geodesic.h), from the libproj GDAL loads.</summary>
internal static unsafe partial class ProjApi
{
    static ProjApi() => NativeLibraries.EnsureInstalled();

    /// <summary>struct geod_geodesic: 9 doubles, then A3x[6], C3x[15], C4x[21].</summary>
    internal const int GeodesicStructDoubles = 9 + 6 + 15 + 21;

    [LibraryImport(NativeLibraries.Proj)] internal static partial void geod_init(double* g, double a, double f);
    [LibraryImport(NativeLibraries.Proj)]
    internal static partial void geod_polygonarea(double* g, double* lats, double* lons, int n, double* area, double* perimeter);
}
