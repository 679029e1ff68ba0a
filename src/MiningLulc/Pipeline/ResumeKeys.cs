using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using MiningLulc.Catalog;
using MiningLulc.Geo;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using MiningLulc.Model;

namespace MiningLulc.Pipeline;

/// <summary>
/// The key a stored site result must carry to be reused (README.md, "Batch runs"): a hash of
/// everything that made it — the engine build, the model's content, the effective settings, whether
/// it carries confidence, the
/// site's geometry and the area it owns, its year, and the identity (path, size, modification time)
/// of the raster files it read: every file of its year's composite folder and the DCM and TIME
/// tiles its bounding box touches. Anything else changed recomputes the site; nothing stale is
/// ever reused. Thread-safe.
/// </summary>
public sealed class ResumeKeys
{
    private readonly RegionFolder folder;
    private readonly string runPart;
    private readonly ConcurrentDictionary<int, string> composites = new();
    private readonly Lazy<IReadOnlyList<TileIdentity>> tiles;

    /// <param name="withConfidence">Whether the run computes confidence: a result made without it is never reused by a run with it, nor the other way round.</param>
    public ResumeKeys(RegionFolder folder, ClassifierModel model, EngineConfig config, bool withConfidence = false)
    {
        this.folder = folder;
        runPart = $"engine {EngineBuild}\nmodel {model.ContentHash}\nconfig {config.ToJson()}\n" + (withConfidence ? "confidence\n" : "");
        tiles = new Lazy<IReadOnlyList<TileIdentity>>(() => folder.DcmFiles().Concat(folder.TimeFiles()).Select(f => TileIdentity.Of(f, folder.Directory)).ToList());
    }

    /// <summary>This engine's build: its version and the identity of the compiled library (a rebuilt engine is another engine).</summary>
    public static string EngineBuild { get; } = string.Create(CultureInfo.InvariantCulture,
        $"{typeof(ResumeKeys).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?"}+{typeof(ResumeKeys).Assembly.ManifestModule.ModuleVersionId:N}");

    /// <summary>The key of one site's result, given the area it owns (EPSG:4326).</summary>
    public string KeyOf(CatalogEntry entry, Geometry ownedArea)
    {
        var text = new StringBuilder(runPart);
        text.Append(CultureInfo.InvariantCulture, $"site {entry.Site.Id} year {entry.Year}\n");
        text.Append("geometry ").Append(HashOf(entry.Site.Geometry)).Append('\n');
        text.Append("owned ").Append(ReferenceEquals(ownedArea, entry.Site.Geometry) ? "whole" : HashOf(ownedArea)).Append('\n');
        if (entry.Year is int year) text.Append("composite ").Append(composites.GetOrAdd(year, CompositeIdentity)).Append('\n');
        var box = entry.Site.Geometry.EnvelopeInternal;
        foreach (var t in tiles.Value)
            if (t.Extent is not { } extent || extent.Intersects(box)) text.Append("tile ").Append(t.Identity).Append('\n');
        return Hex(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>Every file beside the year's composite (tiles, a VRT and the files it may name), by path, size and time.</summary>
    private string CompositeIdentity(int year)
    {
        var files = folder.S2Files(year);
        if (files.Count == 0) return "none";
        var dirs = files.Select(f => Path.GetDirectoryName(Path.GetFullPath(f))!).Distinct(StringComparer.Ordinal);
        var all = dirs.SelectMany(d => Directory.EnumerateFiles(d)).Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal);
        return Hex(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', all.Select(FileIdentity)))));
    }

    private string FileIdentity(string path)
    {
        var info = new FileInfo(path);
        return string.Create(CultureInfo.InvariantCulture, $"{Path.GetRelativePath(folder.Directory, path)}|{info.Length}|{info.LastWriteTimeUtc.Ticks}");
    }

    private static string HashOf(Geometry geometry) => Hex(SHA256.HashData(new WKBWriter(ByteOrder.LittleEndian).Write(geometry)));

    private static string Hex(byte[] hash) => Convert.ToHexString(hash, 0, 16).ToLowerInvariant();

    /// <summary>A DCM or TIME tile: its identity, and its extent in EPSG:4326 (null when the file cannot be opened: then every site depends on it).</summary>
    private sealed record TileIdentity(string Identity, Envelope? Extent)
    {
        public static TileIdentity Of(string path, string root)
        {
            var info = new FileInfo(path);
            var identity = string.Create(CultureInfo.InvariantCulture, $"{Path.GetRelativePath(root, path)}|{info.Length}|{info.LastWriteTimeUtc.Ticks}");
            try
            {
                using var ds = RasterDataset.Open(path);
                var extent = GeometryOps.RasterExtent(ds.Transform, ds.Width, ds.Height).EnvelopeInternal;
                extent.ExpandBy(0.01); // a bilinear warp reads a pixel or two beyond the site's box
                return new TileIdentity(identity, extent);
            }
            catch (MiningLulcException)
            {
                return new TileIdentity(identity, null);
            }
        }
    }
}
