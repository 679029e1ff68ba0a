using System.Security.Cryptography;
using System.Text;
using MiningLulc.Vectorize;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace MiningLulc.Pipeline;

/// <summary>
/// The finished sites of a run, one small file per site under <c>OUTDIR/work/</c>, written to a
/// temporary name and renamed when complete. A rerun (or another shard, or the final merge) reuses
/// every site whose file carries the same fingerprint (model + settings); a killed run loses only
/// the sites in flight. Thread-safe: each site has its own file.
/// </summary>
public sealed class SiteResultStore
{
    private const string Magic = "MLSR2";
    private readonly string directory;

    public SiteResultStore(string outDirectory, string fingerprint)
    {
        directory = Path.Combine(outDirectory, "work");
        Directory.CreateDirectory(directory);
        Fingerprint = fingerprint;
    }

    /// <summary>Identifies the model and settings whose results may be reused.</summary>
    public string Fingerprint { get; }

    public static string FingerprintOf(Training.ClassifierModel model, EngineConfig config) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(model.Card.ToJson() + "\n" + config.ToJson())))[..16].ToLowerInvariant();

    private string PathOf(long siteId) => Path.Combine(directory, $"site-{siteId}.bin");

    public void Save(SiteReport report, IReadOnlyList<ClassRegion> regions)
    {
        var path = PathOf(report.SiteId);
        var tmp = path + ".tmp";
        using (var stream = File.Create(tmp))
        using (var w = new BinaryWriter(stream, Encoding.UTF8))
        {
            w.Write(Magic);
            w.Write(Fingerprint);
            w.Write(report.SiteId);
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
                var bytes = wkb.Write(r.Geometry);
                w.Write(bytes.Length);
                w.Write(bytes);
            }
        }
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>The stored result of a site, or null when there is none for this fingerprint (or it is unreadable).</summary>
    public (SiteReport Report, IReadOnlyList<ClassRegion> Regions)? TryLoad(long siteId)
    {
        var path = PathOf(siteId);
        if (!File.Exists(path)) return null;
        try
        {
            using var stream = File.OpenRead(path);
            using var r = new BinaryReader(stream, Encoding.UTF8);
            if (r.ReadString() != Magic || r.ReadString() != Fingerprint || r.ReadInt64() != siteId) return null;
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
            var regions = new List<ClassRegion>(count);
            for (var i = 0; i < count; i++)
            {
                var row = r.ReadInt32();
                var col = r.ReadInt32();
                var cls = (LulcClass)r.ReadByte();
                var y = r.ReadInt32();
                var area = r.ReadDouble();
                var geometry = (MultiPolygon)reader.Read(r.ReadBytes(r.ReadInt32()));
                regions.Add(new ClassRegion(siteId, row, col, cls, geometry, area, y));
            }
            return (new SiteReport(siteId, SiteOutcome.Done, null, year == 0 ? null : year, count, classified) { Coverage = coverage }, regions);
        }
        catch (Exception e) when (e is IOException or EndOfStreamException or ParseException or InvalidCastException or ArgumentException)
        {
            return null; // a damaged file is redone, never trusted
        }
    }
}
