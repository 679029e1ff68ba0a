using System.Text;
using MiningLulc.Vectorize;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace MiningLulc.Pipeline;

/// <summary>
/// The finished sites of a run, one small file per site under <c>OUTDIR/work/</c>, written to a
/// temporary name of the writer's own and renamed when complete. A rerun (or another shard, or the
/// final merge) reuses a site only when its file carries the same key (<see cref="ResumeKeys"/>:
/// engine, model content, settings, with or without confidence, geometry, owned area, year, input rasters); a killed run loses
/// only the sites in flight. Thread-safe and safe across processes: each site has its own file.
/// </summary>
public sealed class SiteResultStore(string workDirectory)
{
    // 4: a flag for confidence, and then a confidence per region.
    private const string Magic = "MLSR4";

    private string PathOf(long siteId) => Path.Combine(workDirectory, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"site-{siteId}.bin"));

    public void Save(string key, SiteReport report, IReadOnlyList<ClassRegion> regions) =>
        AtomicFile.Write(PathOf(report.SiteId), tmp => Write(tmp, key, report, regions));

    private static void Write(string path, string key, SiteReport report, IReadOnlyList<ClassRegion> regions)
    {
        using (var stream = File.Create(path))
        using (var w = new BinaryWriter(stream, Encoding.UTF8))
        {
            w.Write(Magic);
            w.Write(key);
            w.Write(report.SiteId);
            var withConfidence = regions.Count > 0 && regions.All(r => r.Confidence is not null);
            w.Write(withConfidence);
            w.Write(report.Year ?? 0);
            w.Write(report.ClassifiedPixels);
            var c = report.Coverage ?? new Align.SiteCoverage();
            w.Write(c.SitePixels);
            w.Write(c.InsideComposite);
            w.Write(c.InsideDcm);
            w.Write(c.WithReflectance);
            w.Write(c.WithDh);
            w.Write(c.DhFromOtherYear);
            w.Write(regions.Count);
            var wkb = new WKBWriter(ByteOrder.LittleEndian, false, false, false);
            foreach (var r in regions)
            {
                w.Write(r.Row);
                w.Write(r.Column);
                w.Write((byte)r.Class);
                w.Write(r.Year);
                w.Write(r.AreaM2);
                if (withConfidence) w.Write(r.Confidence!.Value);
                var bytes = wkb.Write(r.Geometry);
                w.Write(bytes.Length);
                w.Write(bytes);
            }
        }
    }

    /// <summary>
    /// The stored report of a site, or null when there is none with this key or the file is damaged
    /// (its structure is checked to the last byte, without decoding the polygons).
    /// </summary>
    public SiteReport? TryLoadReport(long siteId, string key) => TryLoad(siteId, key, readRegions: false)?.Report;

    /// <summary>The stored result of a site, or null when there is none with this key (or it is unreadable).</summary>
    public (SiteReport Report, IReadOnlyList<ClassRegion> Regions)? TryLoad(long siteId, string key) => TryLoad(siteId, key, readRegions: true);

    private (SiteReport Report, IReadOnlyList<ClassRegion> Regions)? TryLoad(long siteId, string key, bool readRegions)
    {
        var path = PathOf(siteId);
        if (!File.Exists(path)) return null;
        try
        {
            using var stream = File.OpenRead(path);
            using var r = new BinaryReader(stream, Encoding.UTF8);
            if (r.ReadString() != Magic || r.ReadString() != key || r.ReadInt64() != siteId) return null;
            var withConfidence = r.ReadBoolean();
            var year = r.ReadInt32();
            var classified = r.ReadInt32();
            var coverage = new Align.SiteCoverage
            {
                SitePixels = r.ReadInt32(),
                InsideComposite = r.ReadDouble(),
                InsideDcm = r.ReadDouble(),
                WithReflectance = r.ReadDouble(),
                WithDh = r.ReadDouble(),
                DhFromOtherYear = r.ReadDouble(),
            };
            var count = r.ReadInt32();
            var reader = new WKBReader(Geo.GeometryOps.Wgs84Factory.GeometryServices);
            var regions = new List<ClassRegion>(readRegions ? count : 0);
            for (var i = 0; i < count; i++)
            {
                var row = r.ReadInt32();
                var col = r.ReadInt32();
                var cls = (LulcClass)r.ReadByte();
                var y = r.ReadInt32();
                var area = r.ReadDouble();
                double? confidence = withConfidence ? r.ReadDouble() : null;
                var length = r.ReadInt32();
                if (length < 0 || stream.Position + length > stream.Length) return null;
                if (!readRegions) { stream.Seek(length, SeekOrigin.Current); continue; }
                var geometry = (MultiPolygon)reader.Read(r.ReadBytes(length));
                regions.Add(new ClassRegion(siteId, row, col, cls, geometry, area, y) { Confidence = confidence });
            }
            if (stream.Position != stream.Length) return null;
            return (new SiteReport(siteId, SiteOutcome.Done, null, year == 0 ? null : year, count, classified) { Coverage = coverage }, regions);
        }
        catch (Exception e) when (e is IOException or EndOfStreamException or ParseException or InvalidCastException or ArgumentException)
        {
            return null; // a damaged file is redone, never trusted
        }
    }
}
