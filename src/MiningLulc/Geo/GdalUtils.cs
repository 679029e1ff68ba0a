using MiningLulc.Geo.Native;
using NetTopologySuite.Geometries;

namespace MiningLulc.Geo;

/// <summary>
/// GDAL's own algorithms (gdal_utils.h and gdal_alg.h), with the command-line argument lists of
/// gdalwarp, gdal_translate and gdalbuildvrt. Nothing here re-implements what GDAL does.
/// </summary>
public static unsafe class GdalUtils
{
    /// <summary>gdalwarp: warps <paramref name="sources"/> into a new dataset at <paramref name="destination"/>
    /// ("" with <c>-of MEM</c> for an in-memory result).</summary>
    public static RasterDataset Warp(string destination, IReadOnlyList<RasterDataset> sources, IEnumerable<string> arguments)
    {
        Gdal.Initialize();
        using var argv = new Utf8StringList(arguments);
        var options = Gdal.CheckHandle(GdalApi.GDALWarpAppOptionsNew(argv.Pointer, IntPtr.Zero), "gdalwarp options", destination);
        try
        {
            var handles = sources.Select(s => s.Handle).ToArray();
            int usage;
            Gdal.ResetError();
            fixed (IntPtr* p = handles)
            {
                var h = GdalApi.GDALWarp(destination, IntPtr.Zero, handles.Length, p, options, &usage);
                // A warp reads the sources (user files, or a VRT over them); GDAL's message names the file that failed.
                return RasterDataset.Adopt(Gdal.CheckReadHandle(h, "gdalwarp", sources.Count > 0 ? sources[0].Path : destination), destination);
            }
        }
        finally { GdalApi.GDALWarpAppOptionsFree(options); }
    }

    /// <summary>gdal_translate, e.g. <c>-of COG -co COMPRESS=DEFLATE</c>.</summary>
    public static RasterDataset Translate(string destination, RasterDataset source, IEnumerable<string> arguments)
    {
        Gdal.Initialize();
        using var argv = new Utf8StringList(arguments);
        var options = Gdal.CheckHandle(GdalApi.GDALTranslateOptionsNew(argv.Pointer, IntPtr.Zero), "gdal_translate options", destination);
        try
        {
            int usage;
            Gdal.ResetError();
            var h = GdalApi.GDALTranslate(destination, source.Handle, options, &usage);
            return RasterDataset.Adopt(Gdal.CheckWriteHandle(h, "gdal_translate", destination), destination);
        }
        finally { GdalApi.GDALTranslateOptionsFree(options); }
    }

    /// <summary>gdalbuildvrt over files: a virtual mosaic, never a copy. <paramref name="destination"/> "" keeps it in memory.</summary>
    public static RasterDataset BuildVrt(string destination, IReadOnlyList<string> sourcePaths, IEnumerable<string>? arguments = null)
    {
        Gdal.Initialize();
        if (sourcePaths.Count == 0) throw new ArgumentException("no sources for the VRT");
        using var argv = new Utf8StringList(arguments);
        using var names = new Utf8StringList(sourcePaths);
        var options = Gdal.CheckHandle(GdalApi.GDALBuildVRTOptionsNew(argv.Pointer, IntPtr.Zero), "gdalbuildvrt options", destination);
        try
        {
            int usage;
            Gdal.ResetError();
            var h = GdalApi.GDALBuildVRT(destination, sourcePaths.Count, null, names.Pointer, options, &usage);
            return RasterDataset.Adopt(Gdal.CheckReadHandle(h, "gdalbuildvrt", sourcePaths[0]), destination);
        }
        finally { GdalApi.GDALBuildVRTOptionsFree(options); }
    }

    /// <summary>
    /// GDALRasterizeGeometries: burns each geometry (in the raster's CRS) with its value into the
    /// given band. <paramref name="allTouched"/> burns every pixel the geometry touches; otherwise
    /// pixels whose centre is inside.
    /// </summary>
    public static void Rasterize(RasterDataset target, int band, IReadOnlyList<Geometry> geometries, IReadOnlyList<double> values, bool allTouched)
    {
        if (geometries.Count != values.Count) throw new ArgumentException("one burn value per geometry");
        Rasterize(target, band, geometries.Count, i => OgrGeometry.FromNts(geometries[i]), values, allTouched);
    }

    /// <summary>As the overload above, with the geometries as WKB (no NetTopologySuite round trip).</summary>
    public static void Rasterize(RasterDataset target, int band, IReadOnlyList<ReadOnlyMemory<byte>> wkb, IReadOnlyList<double> values, bool allTouched)
    {
        if (wkb.Count != values.Count) throw new ArgumentException("one burn value per geometry");
        Rasterize(target, band, wkb.Count, i => OgrGeometry.FromWkb(wkb[i].Span), values, allTouched);
    }

    private static void Rasterize(RasterDataset target, int band, int count, Func<int, IntPtr> create, IReadOnlyList<double> values, bool allTouched)
    {
        if (count == 0) return;
        var handles = new IntPtr[count];
        try
        {
            for (var i = 0; i < handles.Length; i++) handles[i] = create(i);
            var burn = values.ToArray();
            using var options = new Utf8StringList(allTouched ? ["ALL_TOUCHED=TRUE"] : []);
            var bands = stackalloc int[1];
            bands[0] = band;
            Gdal.ResetError();
            fixed (IntPtr* g = handles)
            fixed (double* b = burn)
            {
                Gdal.Check(GdalApi.GDALRasterizeGeometries(target.Handle, 1, bands, handles.Length, g, IntPtr.Zero, IntPtr.Zero,
                    b, options.Pointer, IntPtr.Zero, IntPtr.Zero), "rasterize", target.Path);
            }
        }
        finally
        {
            foreach (var h in handles) if (h != IntPtr.Zero) GdalApi.OGR_G_DestroyGeometry(h);
        }
    }

    /// <summary>
    /// GDALPolygonize: one polygon per connected region of equal value in <paramref name="band"/>,
    /// skipping pixels where the mask band (0 = none) is zero, written to <paramref name="layer"/>
    /// with the value in field <paramref name="valueField"/>. Coordinates follow the raster's geotransform.
    /// </summary>
    public static void Polygonize(RasterDataset source, int band, RasterDataset? mask, int maskBand, VectorLayer layer, int valueField, bool eightConnected)
    {
        using var options = new Utf8StringList(eightConnected ? ["8CONNECTED=8"] : []);
        Gdal.ResetError();
        Gdal.Check(GdalApi.GDALPolygonize(source.Band(band), mask?.Band(maskBand) ?? IntPtr.Zero, layer.Handle, valueField,
            options.Pointer, IntPtr.Zero, IntPtr.Zero), "polygonize", source.Path);
    }

    /// <summary>
    /// GDALSieveFilter: regions smaller than <paramref name="minPixels"/> take the value of their largest
    /// neighbour, in place; pixels where the mask band is 0 are left alone.
    /// </summary>
    public static void Sieve(RasterDataset raster, int band, RasterDataset? mask, int maskBand, int minPixels, bool eightConnected)
    {
        Gdal.ResetError();
        Gdal.Check(GdalApi.GDALSieveFilter(raster.Band(band), mask?.Band(maskBand) ?? IntPtr.Zero, raster.Band(band), minPixels,
            eightConnected ? 8 : 4, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero), "sieve", raster.Path);
    }
}
