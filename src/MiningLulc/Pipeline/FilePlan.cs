using MiningLulc.Vectorize;

namespace MiningLulc.Pipeline;

/// <summary>
/// Which features go into which GeoPackage: features are numbered 1..n (<c>index_n</c>) in site-id
/// order, then by the site's own order, and file k holds numbers (k-1)·max+1 .. k·max. Knowing each
/// site's feature count (from its report) is enough to give every file its sites without reading
/// them, so the files can be written independently.
/// </summary>
public sealed class FilePlan
{
    private readonly long[] siteIds;
    private readonly long[] firstNumber; // index_n of each site's first feature
    private readonly int[] counts;
    private readonly int maxPerFile;

    private FilePlan(long[] siteIds, long[] firstNumber, int[] counts, long total, int maxPerFile)
    {
        this.siteIds = siteIds;
        this.firstNumber = firstNumber;
        this.counts = counts;
        this.maxPerFile = maxPerFile;
        Total = total;
    }

    /// <summary>Features in all files.</summary>
    public long Total { get; }

    /// <summary>Number of files (0 when there is no feature).</summary>
    public int Files => checked((int)((Total + maxPerFile - 1) / maxPerFile));

    /// <param name="sites">Each done site with its feature count; any order (sorted by id here).</param>
    public static FilePlan Of(IEnumerable<(long SiteId, int Features)> sites, int maxPerFile)
    {
        if (maxPerFile < 1) throw new ArgumentOutOfRangeException(nameof(maxPerFile));
        var withFeatures = sites.Where(s => s.Features > 0).OrderBy(s => s.SiteId).ToArray();
        var first = new long[withFeatures.Length];
        long next = 1;
        for (var i = 0; i < withFeatures.Length; i++)
        {
            first[i] = next;
            next += withFeatures[i].Features;
        }
        return new FilePlan([.. withFeatures.Select(s => s.SiteId)], first, [.. withFeatures.Select(s => s.Features)], next - 1, maxPerFile);
    }

    /// <summary>
    /// The features of file <paramref name="file"/> (1-based), numbered, in order, loading each site's
    /// regions with <paramref name="load"/> when they are reached (one site held at a time).
    /// </summary>
    public IEnumerable<GpkgTileWriter.NumberedRegion> Features(int file, Func<long, IReadOnlyList<ClassRegion>> load)
    {
        if (file < 1 || file > Files) throw new ArgumentOutOfRangeException(nameof(file));
        var from = (long)(file - 1) * maxPerFile + 1;
        var to = Math.Min(Total, (long)file * maxPerFile);
        // The last site starting at or before 'from' holds it.
        var site = Array.BinarySearch(firstNumber, from);
        if (site < 0) site = ~site - 1;
        for (; site < siteIds.Length && firstNumber[site] <= to; site++)
        {
            var regions = load(siteIds[site]);
            if (regions.Count != counts[site])
                throw new MiningLulcException($"the stored result of site {siteIds[site]} holds {regions.Count} features, its report {counts[site]}: rerun to recompute it");
            for (var k = 0; k < regions.Count; k++)
            {
                var number = firstNumber[site] + k;
                if (number < from) continue;
                if (number > to) yield break;
                yield return new GpkgTileWriter.NumberedRegion(number, regions[k]);
            }
        }
    }
}
