using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MiningLulc.Geo.Native;

// The GDAL C API, bound with source-generated [LibraryImport]: only what the engine uses.
// Handles cross as IntPtr here; the owning wrappers (SafeHandles, RasterDataset, VectorDataset)
// keep lifetimes right. Strings are UTF-8, as GDAL expects.
internal static unsafe partial class GdalApi
{
    static GdalApi() => NativeLibraries.EnsureInstalled();

    // ---- CPL: errors, config, memory ----
    [LibraryImport(NativeLibraries.Gdal)] internal static partial void CPLErrorReset();
    [LibraryImport(NativeLibraries.Gdal)] internal static partial int CPLGetLastErrorType();
    [LibraryImport(NativeLibraries.Gdal)] internal static partial IntPtr CPLGetLastErrorMsg();
    [LibraryImport(NativeLibraries.Gdal)] internal static partial int CPLGetLastErrorNo();
    [LibraryImport(NativeLibraries.Gdal)] internal static partial IntPtr CPLSetErrorHandler(delegate* unmanaged[Cdecl]<int, int, IntPtr, void> handler);
    [LibraryImport(NativeLibraries.Gdal, StringMarshalling = StringMarshalling.Utf8)] internal static partial void CPLSetConfigOption(string key, string? value);
    [LibraryImport(NativeLibraries.Gdal, StringMarshalling = StringMarshalling.Utf8)] internal static partial IntPtr CPLGetConfigOption(string key, string? defaultValue);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial void VSIFree(IntPtr p);
    [LibraryImport(NativeLibraries.Gdal, StringMarshalling = StringMarshalling.Utf8)] internal static partial IntPtr GDALVersionInfo(string request);

    // ---- datasets and drivers ----
    [LibraryImport(NativeLibraries.Gdal)] internal static partial void GDALAllRegister();
    [LibraryImport(NativeLibraries.Gdal, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr GDALOpenEx(string path, uint flags, IntPtr allowedDrivers, IntPtr openOptions, IntPtr siblingFiles);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial void GDALClose(IntPtr ds);
    [LibraryImport(NativeLibraries.Gdal, StringMarshalling = StringMarshalling.Utf8)] internal static partial IntPtr GDALGetDriverByName(string name);
    [LibraryImport(NativeLibraries.Gdal, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr GDALCreate(IntPtr driver, string path, int xSize, int ySize, int bands, int dataType, IntPtr options);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial IntPtr GDALGetDatasetDriver(IntPtr ds);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial IntPtr GDALGetDriverShortName(IntPtr driver);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial IntPtr GDALGetDescription(IntPtr obj);
    [LibraryImport(NativeLibraries.Gdal, StringMarshalling = StringMarshalling.Utf8)] internal static partial void GDALSetDescription(IntPtr obj, string description);

    // ---- raster ----
    [LibraryImport(NativeLibraries.Gdal)] internal static partial int GDALGetRasterXSize(IntPtr ds);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial int GDALGetRasterYSize(IntPtr ds);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial int GDALGetRasterCount(IntPtr ds);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial int GDALGetGeoTransform(IntPtr ds, double* transform);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial int GDALSetGeoTransform(IntPtr ds, double* transform);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial IntPtr GDALGetProjectionRef(IntPtr ds);
    [LibraryImport(NativeLibraries.Gdal, StringMarshalling = StringMarshalling.Utf8)] internal static partial int GDALSetProjection(IntPtr ds, string wkt);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial IntPtr GDALGetRasterBand(IntPtr ds, int index);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial int GDALGetRasterDataType(IntPtr band);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial double GDALGetRasterNoDataValue(IntPtr band, int* success);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial int GDALSetRasterNoDataValue(IntPtr band, double value);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial IntPtr GDALCreateColorTable(int paletteInterpretation);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial void GDALDestroyColorTable(IntPtr table);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial void GDALSetColorEntry(IntPtr table, int index, short* entry);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial int GDALSetRasterColorTable(IntPtr band, IntPtr table);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial IntPtr GDALGetRasterColorTable(IntPtr band);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial int GDALGetColorEntryCount(IntPtr table);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial short* GDALGetColorEntry(IntPtr table, int index);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial int GDALSetRasterCategoryNames(IntPtr band, IntPtr names);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial void GDALGetBlockSize(IntPtr band, int* xSize, int* ySize);
    [LibraryImport(NativeLibraries.Gdal)]
    internal static partial int GDALRasterIO(IntPtr band, int rwFlag, int xOff, int yOff, int xSize, int ySize,
        void* buffer, int bufXSize, int bufYSize, int bufType, int pixelSpace, int lineSpace);

    // ---- vector ----
    [LibraryImport(NativeLibraries.Gdal)] internal static partial int GDALDatasetGetLayerCount(IntPtr ds);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial IntPtr GDALDatasetGetLayer(IntPtr ds, int index);
    [LibraryImport(NativeLibraries.Gdal, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr GDALDatasetCreateLayer(IntPtr ds, string name, IntPtr srs, int geometryType, IntPtr options);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial int GDALDatasetStartTransaction(IntPtr ds, int force);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial int GDALDatasetCommitTransaction(IntPtr ds);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial int GDALDatasetRollbackTransaction(IntPtr ds);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial IntPtr OGR_L_GetName(IntPtr layer);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial IntPtr OGR_L_GetLayerDefn(IntPtr layer);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial void OGR_L_ResetReading(IntPtr layer);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial IntPtr OGR_L_GetNextFeature(IntPtr layer);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial IntPtr OGR_L_GetSpatialRef(IntPtr layer);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial long OGR_L_GetFeatureCount(IntPtr layer, int force);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial int OGR_L_GetGeomType(IntPtr layer);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial IntPtr OGR_L_GetFIDColumn(IntPtr layer);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial IntPtr OGR_L_GetGeometryColumn(IntPtr layer);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial int OGR_L_CreateField(IntPtr layer, IntPtr fieldDefn, int approxOk);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial int OGR_L_CreateFeature(IntPtr layer, IntPtr feature);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial int OGR_FD_GetFieldCount(IntPtr defn);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial IntPtr OGR_FD_GetFieldDefn(IntPtr defn, int index);
    [LibraryImport(NativeLibraries.Gdal, StringMarshalling = StringMarshalling.Utf8)] internal static partial int OGR_FD_GetFieldIndex(IntPtr defn, string name);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial IntPtr OGR_Fld_GetNameRef(IntPtr fieldDefn);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial int OGR_Fld_GetType(IntPtr fieldDefn);
    [LibraryImport(NativeLibraries.Gdal, StringMarshalling = StringMarshalling.Utf8)] internal static partial IntPtr OGR_Fld_Create(string name, int type);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial void OGR_Fld_Destroy(IntPtr fieldDefn);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial IntPtr OGR_F_Create(IntPtr defn);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial void OGR_F_Destroy(IntPtr feature);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial long OGR_F_GetFID(IntPtr feature);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial int OGR_F_SetFID(IntPtr feature, long fid);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial IntPtr OGR_F_GetGeometryRef(IntPtr feature);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial int OGR_F_SetGeometryDirectly(IntPtr feature, IntPtr geometry);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial int OGR_F_IsFieldSetAndNotNull(IntPtr feature, int index);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial long OGR_F_GetFieldAsInteger64(IntPtr feature, int index);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial double OGR_F_GetFieldAsDouble(IntPtr feature, int index);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial IntPtr OGR_F_GetFieldAsString(IntPtr feature, int index);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial void OGR_F_SetFieldInteger64(IntPtr feature, int index, long value);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial void OGR_F_SetFieldDouble(IntPtr feature, int index, double value);
    [LibraryImport(NativeLibraries.Gdal, StringMarshalling = StringMarshalling.Utf8)] internal static partial void OGR_F_SetFieldString(IntPtr feature, int index, string value);

    // ---- geometry ----
    [LibraryImport(NativeLibraries.Gdal)] internal static partial int OGR_G_CreateFromWkb(byte* wkb, IntPtr srs, IntPtr* geometry, int bytes);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial int OGR_G_WkbSize(IntPtr geometry);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial int OGR_G_ExportToIsoWkb(IntPtr geometry, int byteOrder, byte* buffer);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial void OGR_G_DestroyGeometry(IntPtr geometry);

    // ---- spatial references ----
    [LibraryImport(NativeLibraries.Gdal, StringMarshalling = StringMarshalling.Utf8)] internal static partial IntPtr OSRNewSpatialReference(string? wkt);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial void OSRRelease(IntPtr srs);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial IntPtr OSRClone(IntPtr srs);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial int OSRImportFromEPSG(IntPtr srs, int code);
    [LibraryImport(NativeLibraries.Gdal, StringMarshalling = StringMarshalling.Utf8)] internal static partial int OSRSetFromUserInput(IntPtr srs, string definition);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial int OSRExportToWkt(IntPtr srs, IntPtr* wkt);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial void OSRSetAxisMappingStrategy(IntPtr srs, int strategy);
    [LibraryImport(NativeLibraries.Gdal, StringMarshalling = StringMarshalling.Utf8)] internal static partial IntPtr OSRGetAuthorityCode(IntPtr srs, string? target);
    [LibraryImport(NativeLibraries.Gdal, StringMarshalling = StringMarshalling.Utf8)] internal static partial IntPtr OSRGetAuthorityName(IntPtr srs, string? target);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial int OSRAutoIdentifyEPSG(IntPtr srs);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial int OSRIsGeographic(IntPtr srs);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial int OSRIsSame(IntPtr a, IntPtr b);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial IntPtr OCTNewCoordinateTransformation(IntPtr source, IntPtr target);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial void OCTDestroyCoordinateTransformation(IntPtr transform);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial int OCTTransform(IntPtr transform, int count, double* x, double* y, double* z);

    // ---- algorithms and gdal_utils.h ----
    [LibraryImport(NativeLibraries.Gdal)]
    internal static partial int GDALPolygonize(IntPtr sourceBand, IntPtr maskBand, IntPtr outLayer, int pixelValueField,
        IntPtr options, IntPtr progress, IntPtr progressArg);
    [LibraryImport(NativeLibraries.Gdal)]
    internal static partial int GDALRasterizeGeometries(IntPtr ds, int bandCount, int* bands, int geometryCount, IntPtr* geometries,
        IntPtr transformer, IntPtr transformArg, double* burnValues, IntPtr options, IntPtr progress, IntPtr progressArg);
    [LibraryImport(NativeLibraries.Gdal)]
    internal static partial int GDALSieveFilter(IntPtr sourceBand, IntPtr maskBand, IntPtr destinationBand, int sizeThreshold, int connectedness,
        IntPtr options, IntPtr progress, IntPtr progressArg);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial IntPtr GDALWarpAppOptionsNew(IntPtr argv, IntPtr forBinary);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial void GDALWarpAppOptionsFree(IntPtr options);
    [LibraryImport(NativeLibraries.Gdal, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr GDALWarp(string destination, IntPtr destinationDs, int sourceCount, IntPtr* sources, IntPtr options, int* usageError);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial IntPtr GDALTranslateOptionsNew(IntPtr argv, IntPtr forBinary);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial void GDALTranslateOptionsFree(IntPtr options);
    [LibraryImport(NativeLibraries.Gdal, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr GDALTranslate(string destination, IntPtr source, IntPtr options, int* usageError);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial IntPtr GDALBuildVRTOptionsNew(IntPtr argv, IntPtr forBinary);
    [LibraryImport(NativeLibraries.Gdal)] internal static partial void GDALBuildVRTOptionsFree(IntPtr options);
    [LibraryImport(NativeLibraries.Gdal, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr GDALBuildVRT(string destination, int sourceCount, IntPtr* sources, IntPtr sourceNames, IntPtr options, int* usageError);

    // ---- helpers ----
    internal static string? Str(IntPtr p) => p == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(p);
}
