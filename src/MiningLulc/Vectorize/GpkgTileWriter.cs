using System.IO.Compression;
using MiningLulc.Geo;

namespace MiningLulc.Vectorize;

/// <summary>
/// Writes numbered features into <c>&lt;region&gt;_&lt;NNN&gt;.gpkg</c> files of at most
/// <see cref="PublishedSchema.MaxFeaturesPerFile"/> features each, in the published schema: one
/// MultiPolygon layer per file named like the file, EPSG:4326, fid 1..n per file, index_n as given.
/// Each file is written under a temporary name and renamed when complete; a file's features go in
/// one transaction. Output is byte-for-byte reproducible (GDAL's OGR_CURRENT_DATE is pinned).
/// </summary>
public static class GpkgTileWriter
{
    public sealed record NumberedRegion(long IndexN, ClassRegion Region);

    /// <summary>
    /// Writes the files, pulling features from <paramref name="features"/> in order (a stream: only
    /// the feature being written is held, so a region of any size writes in bounded memory); returns
    /// the paths in order. No file is written when there is no feature.
    /// </summary>
    /// <param name="withConfidence">Adds the <c>confidence</c> field after the published ones (every region must carry one).</param>
    public static IReadOnlyList<string> Write(string outDirectory, string region, IEnumerable<NumberedRegion> features, int maxPerFile = PublishedSchema.MaxFeaturesPerFile, bool withConfidence = false)
    {
        CheckMaxPerFile(maxPerFile);
        var paths = new List<string>();
        using var next = features.GetEnumerator();
        var more = next.MoveNext();
        while (more)
            paths.Add(WriteFile(outDirectory, region, paths.Count + 1, maxPerFile, withConfidence, next, ref more));
        return paths;
    }

    /// <summary>
    /// Writes file number <paramref name="fileNumber"/> (1-based) from exactly its features, in order:
    /// files of one region are independent, so they may be written in parallel.
    /// </summary>
    public static string WriteFile(string outDirectory, string region, int fileNumber, IEnumerable<NumberedRegion> features, int maxPerFile = PublishedSchema.MaxFeaturesPerFile,
        bool withConfidence = false)
    {
        CheckMaxPerFile(maxPerFile);
        using var next = features.GetEnumerator();
        var more = next.MoveNext();
        if (!more) throw new ArgumentException("a file needs at least one feature", nameof(features));
        var path = WriteFile(outDirectory, region, fileNumber, maxPerFile, withConfidence, next, ref more);
        if (more) throw new ArgumentException($"more than {maxPerFile} features for one file", nameof(features));
        return path;
    }

    private static void CheckMaxPerFile(int maxPerFile)
    {
        if (maxPerFile is < 1 or > PublishedSchema.MaxFeaturesPerFile) throw new ArgumentOutOfRangeException(nameof(maxPerFile));
    }

    /// <summary>One file from the enumerator's current feature on, at most <paramref name="maxPerFile"/> of them.</summary>
    private static string WriteFile(string outDirectory, string region, int fileNumber, int maxPerFile, bool withConfidence, IEnumerator<NumberedRegion> next, ref bool more)
    {
        Directory.CreateDirectory(outDirectory);
        using var wgs84 = SpatialReference.Wgs84();
        var stem = PublishedSchema.FileStem(region, fileNumber);
        var path = Path.Combine(outDirectory, stem + ".gpkg");
        var tmp = Path.Combine(outDirectory, "." + stem + ".tmp.gpkg");
        // A run killed while writing leaves the temporary file, and maybe SQLite's journal, beside it:
        // both go, so nothing of the killed run lingers or mixes with this one.
        DeleteWithSidecars(tmp);
        var stillMore = more;
        try
        {
            using var ds = VectorDataset.Create(tmp, "GPKG");
            var layer = ds.CreateLayer(stem, wgs84, 6 /* wkbMultiPolygon */,
                [$"FID={PublishedSchema.FidColumn}", $"GEOMETRY_NAME={PublishedSchema.GeometryColumn}", "SPATIAL_INDEX=YES"]);
            foreach (var (name, type) in PublishedSchema.FieldsOf(withConfidence)) layer.CreateField(name, type);
            ds.InTransaction(() =>
            {
                for (var fid = 1; fid <= maxPerFile && stillMore; fid++)
                {
                    var (indexN, r) = next.Current;
                    if (withConfidence)
                        layer.Write(fid, [indexN, LulcClasses.NameOf(r.Class), r.AreaM2, (long)r.Year,
                            r.Confidence ?? throw new ArgumentException($"region at ({r.Row}, {r.Column}) of site {r.SiteId} has no confidence")], r.Geometry);
                    else layer.Write(fid, [indexN, LulcClasses.NameOf(r.Class), r.AreaM2, (long)r.Year], r.Geometry);
                    stillMore = next.MoveNext();
                }
            });
            ds.Close(); // a failed final flush throws here, before the file is renamed into place
            File.Move(tmp, path, overwrite: true);
        }
        catch (Exception e) when (e is OutputWriteException or IOException or UnauthorizedAccessException)
        {
            DeleteWithSidecars(tmp); // never leave a half-written file behind
            throw new OutputWriteException($"could not be written ({e.Message})", path, e);
        }
        catch
        {
            DeleteWithSidecars(tmp);
            throw;
        }
        more = stillMore;
        return path;
    }

    /// <summary>Deletes a GeoPackage and SQLite's files beside it (-journal, -wal, -shm), where present.</summary>
    private static void DeleteWithSidecars(string gpkg)
    {
        foreach (var suffix in new[] { "", "-journal", "-wal", "-shm" }) AtomicFile.TryDelete(gpkg + suffix);
    }

    /// <summary>Packs the files into <c>&lt;region&gt;.zip</c> with pinned timestamps (reproducible), written to a temporary name and renamed when complete.</summary>
    public static string Zip(string outDirectory, string region, IReadOnlyList<string> files)
    {
        var zipPath = Path.Combine(outDirectory, region + ".zip");
        AtomicFile.Write(zipPath, tmp =>
        {
            using var zip = ZipFile.Open(tmp, ZipArchiveMode.Create);
            foreach (var f in files)
            {
                var entry = zip.CreateEntry(Path.GetFileName(f), CompressionLevel.Optimal);
                entry.LastWriteTime = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
                using var src = File.OpenRead(f);
                using var dst = entry.Open();
                src.CopyTo(dst);
            }
        });
        return zipPath;
    }
}
