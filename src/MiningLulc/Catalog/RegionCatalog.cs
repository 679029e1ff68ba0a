namespace MiningLulc.Catalog;

/// <summary>
/// Everything known about a region before processing: its sites with their year and composite,
/// and the ones that cannot be processed with the reason. Never guesses a year.
/// </summary>
public sealed class RegionCatalog
{
    private RegionCatalog(RegionFolder folder, IReadOnlyList<CatalogEntry> entries, IReadOnlyList<SiteProblem> problems)
    {
        Folder = folder;
        Entries = entries;
        Problems = problems;
    }

    public RegionFolder Folder { get; }
    public IReadOnlyList<CatalogEntry> Entries { get; }
    /// <summary>Features of sites.gpkg that are not sites at all (no id, empty, not polygonal).</summary>
    public IReadOnlyList<SiteProblem> Problems { get; }

    public IEnumerable<CatalogEntry> Ready => Entries.Where(e => e.Status == SiteStatus.Ready);

    public static RegionCatalog Build(string regionDirectory, InputSettings settings)
    {
        var folder = RegionFolder.Open(regionDirectory, settings);
        var (sites, problems) = SiteReader.Read(folder.SitesPath, settings.SiteIdField);
        if (sites.Count == 0 && problems.Count == 0) throw new InvalidInputException("holds no sites (the layer has no features)", folder.SitesPath);
        var timeFiles = folder.TimeFiles();
        if (timeFiles.Count == 0) throw new InvalidInputException($"no DCM time tiles match {settings.TimePattern}", folder.Directory);
        if (folder.DcmFiles().Count == 0) throw new InvalidInputException($"no DCM tiles match {settings.DcmPattern}", folder.Directory);

        var s2 = new Dictionary<int, IReadOnlyList<string>>();
        var entries = new List<CatalogEntry>(sites.Count);
        // Stamps are read in Hilbert order of the sites, so each TIME block is decoded about once
        // (in id order, a 4,000-site region decoded a block per site: 9 s before the first site ran).
        var stamps = new (double? Stamp, string? Reason)[sites.Count];
        using (var resolver = new SiteYearResolver(timeFiles, settings.TimeNoData, folder.DcmFiles()))
            foreach (var i in SpatialOrder.Order(sites, s => s.Geometry.EnvelopeInternal)) stamps[i] = resolver.Resolve(sites[i]);
        for (var i = 0; i < sites.Count; i++)
        {
            var site = sites[i];
            var (stamp, reason) = stamps[i];
            if (stamp is null) { entries.Add(new CatalogEntry(site, null, null, null, SiteStatus.Skipped, reason)); continue; }
            var year = (int)Math.Floor(stamp.Value);
            if (year < settings.MinYear || year > settings.MaxYear)
            {
                entries.Add(new CatalogEntry(site, year, stamp, null, SiteStatus.Skipped, $"DCM year {year} is outside {settings.MinYear}-{settings.MaxYear}"));
                continue;
            }
            if (!s2.TryGetValue(year, out var files)) s2[year] = files = folder.S2Files(year);
            if (files.Count == 0)
            {
                entries.Add(new CatalogEntry(site, year, stamp, null, SiteStatus.Skipped, $"no Sentinel-2 composite for {year} (expected {settings.S2Pattern.Replace("{year}", year.ToString(System.Globalization.CultureInfo.InvariantCulture))})"));
                continue;
            }
            var source = files.Count == 1 ? Path.GetRelativePath(folder.Directory, files[0]) : $"{Path.GetRelativePath(folder.Directory, Path.GetDirectoryName(files[0])!)} ({files.Count} tiles)";
            entries.Add(new CatalogEntry(site, year, stamp, source, SiteStatus.Ready, null));
        }
        return new RegionCatalog(folder, entries, problems);
    }
}
