using MiningLulc.Align;
using MiningLulc.Catalog;
using Xunit;

namespace MiningLulc.Tests.Align;

/// <summary>
/// The pipeline skips warping the DCM time stamps of a site when every stamp around it is of the
/// site's year: its coverage must be exactly what the full read gives, site by site. On the
/// committed data-sample (synthetic: sites across DCM strips of 2019 and 2020).
/// </summary>
public class TimeStampShortcutTests
{
    [Fact]
    public void Coverage_without_the_stamps_equals_coverage_with_them()
    {
        var catalog = RegionCatalog.Build(Path.Combine(TestPaths.RepositoryRoot, "data-sample"), EngineConfig.Default.Input);
        using var aligner = new SiteAligner(catalog.Folder, new AlignSettings());
        int skipped = 0, read = 0;
        foreach (var entry in catalog.Ready)
        {
            var layout = aligner.Plan(entry);
            var full = new CoverageCounter(layout);
            var timeFromOtherYear = false;
            foreach (var (block, interior) in aligner.Blocks(layout, 512, withTime: true))
            {
                full.Add(block, interior);
                timeFromOtherYear |= block.Time!.Any(t => !float.IsNaN(t) && (int)Math.Floor(t) != entry.Year);
            }
            var shortcut = new CoverageCounter(layout);
            foreach (var (block, interior) in aligner.Blocks(layout, 512, withTime: !layout.StampsAllOfSiteYear))
            {
                Assert.Equal(layout.StampsAllOfSiteYear, block.Time is null);
                shortcut.Add(block, interior);
            }
            Assert.Equal(full.Result, shortcut.Result);
            // A site flagged "all of its year" has no stamp of another year anywhere on its grid.
            if (layout.StampsAllOfSiteYear) Assert.False(timeFromOtherYear, $"site {entry.Site.Id}");
            if (layout.StampsAllOfSiteYear) skipped++; else read++;
        }
        // Both paths are exercised by the sample.
        Assert.True(skipped > 0 && read > 0, $"{skipped} sites skipped the stamps, {read} read them");
    }
}
