using MiningLulc.Catalog;
using MiningLulc.Geo;
using MiningLulc.Geo.Native;
using NetTopologySuite.Geometries.Prepared;

namespace MiningLulc.Assessment;

/// <summary>
/// Fills a <see cref="LabelStore"/> from label files, feature by feature: what
/// <see cref="LabelReader.Stream"/> reads (same files, order, classes, years and errors), but each
/// polygon goes from OGR to the store as WKB, measured in place (<see cref="WkbPolygons"/>), without
/// a NetTopologySuite geometry. Layers in another CRS than EPSG:4326, geometries other than
/// (Multi)Polygon and clipping to an area take the general path through NetTopologySuite.
/// Not thread-safe: one loader per store.
/// </summary>
internal static unsafe class LabelLoader
{
    /// <summary>Loads the polygons of class 1..7 under <paramref name="path"/> into <paramref name="store"/>, adding their areas per class (m²) to <paramref name="area"/>.</summary>
    public static void Load(string path, LabelStore store, double[] area, IPreparedGeometry? restrict, LabelReadLog log)
    {
        var sources = LabelReader.RequireSources(path);
        var reader = LabelStore.NewReader();
        var buffer = new byte[1 << 16];
        using var wgs84 = SpatialReference.Wgs84();
        foreach (var source in sources)
        {
            using var ds = VectorDataset.Open(source);
            foreach (var layer in ds.Layers)
            {
                var fields = layer.Fields;
                var classField = IndexOf(fields, "class_name");
                if (classField < 0) throw new InvalidInputException($"layer {layer.Name} has no class_name field", source);
                var yearField = IndexOf(fields, "year");
                var confidenceField = IndexOf(fields, Vectorize.PublishedSchema.Confidence);
                using var crs = layer.Crs();
                using var transform = crs is null || crs.IsSame(wgs84) ? null : new CoordinateTransform(crs, wgs84);
                var h = layer.Handle;
                GdalApi.OGR_L_ResetReading(h);
                while (true)
                {
                    Gdal.ResetError();
                    var f = GdalApi.OGR_L_GetNextFeature(h);
                    if (f == IntPtr.Zero)
                    {
                        if (GdalApi.CPLGetLastErrorType() >= 3) throw Gdal.ReadError($"reading layer {layer.Name} failed: {Gdal.LastError("read error")}", source);
                        break;
                    }
                    // OGR hands over a feature whose geometry blob it cannot parse with a NULL geometry and an error set.
                    var readError = GdalApi.CPLGetLastErrorType() >= 3 ? Gdal.LastError("unreadable geometry") : null;
                    try
                    {
                        var name = GdalApi.OGR_F_IsFieldSetAndNotNull(f, classField) != 0 ? GdalApi.Str(GdalApi.OGR_F_GetFieldAsString(f, classField)) : null;
                        var cls = LulcClasses.Parse(name) ?? throw new InvalidInputException($"feature {GdalApi.OGR_F_GetFID(f)} has unknown class_name '{name}'", source);
                        var g = GdalApi.OGR_F_GetGeometryRef(f);
                        if (g == IntPtr.Zero)
                        {
                            if (readError is not null) log.Unreadable(source, GdalApi.OGR_F_GetFID(f), readError);
                            continue;
                        }
                        var year = yearField < 0 || GdalApi.OGR_F_IsFieldSetAndNotNull(f, yearField) == 0 ? null : (int?)Year(f, yearField, fields[yearField].RawType);
                        var confidence = confidenceField < 0 || GdalApi.OGR_F_IsFieldSetAndNotNull(f, confidenceField) == 0 ? double.NaN
                            : GdalApi.OGR_F_GetFieldAsDouble(f, confidenceField);
                        var size = GdalApi.OGR_G_WkbSize(g);
                        if (buffer.Length < size) buffer = new byte[Math.Max(size, buffer.Length * 2)];
                        fixed (byte* p = buffer) Gdal.Check(GdalApi.OGR_G_ExportToIsoWkb(g, 1, p), "export WKB", source);
                        var wkb = buffer.AsSpan(0, size);
                        if (transform is null && restrict is null && WkbPolygons.TryMeasure(wkb, out var minX, out var minY, out var maxX, out var maxY, out var a, out var points))
                        {
                            if (points == 0) continue;
                            area[(int)cls - 1] += a;
                            store.Add(wkb, cls, year, minX, minY, maxX, maxY, confidence);
                            continue;
                        }
                        // The general path, as LabelReader and the overlay take it.
                        NetTopologySuite.Geometries.Geometry geometry;
                        try
                        {
                            geometry = reader.Read(buffer.AsSpan(0, size).ToArray());
                            if (geometry.IsEmpty) continue;
                            if (transform is not null) geometry = GeometryOps.Transform(geometry, transform);
                        }
                        catch (Exception e) when (e is not OutOfMemoryException)
                        {
                            log.Unreadable(source, GdalApi.OGR_F_GetFID(f), $"{e.GetType().Name}: {e.Message}");
                            continue;
                        }
                        AccuracyAssessor.RequireArea(geometry, source, GdalApi.OGR_F_GetFID(f));
                        if (restrict is not null)
                        {
                            var clipped = AccuracyAssessor.ClipTo(geometry, restrict);
                            if (clipped is null) continue;
                            geometry = clipped;
                        }
                        area[(int)cls - 1] += EllipsoidArea.Of(geometry);
                        store.Add(geometry, cls, year, confidence);
                    }
                    finally { GdalApi.OGR_F_Destroy(f); }
                }
            }
        }
        store.Seal();
    }

    private static int IndexOf(IReadOnlyList<FieldInfo> fields, string name)
    {
        for (var i = 0; i < fields.Count; i++)
            if (string.Equals(fields[i].Name, name, StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }

    /// <summary>The year as <see cref="VectorFeature.GetInt64"/> reads it (integers as such, reals and text converted).</summary>
    private static int Year(IntPtr feature, int field, int rawType) => rawType switch
    {
        0 or 12 => (int)GdalApi.OGR_F_GetFieldAsInteger64(feature, field),
        2 => (int)Convert.ToInt64(GdalApi.OGR_F_GetFieldAsDouble(feature, field)),
        _ => (int)Convert.ToInt64(GdalApi.Str(GdalApi.OGR_F_GetFieldAsString(feature, field)), System.Globalization.CultureInfo.InvariantCulture),
    };
}
