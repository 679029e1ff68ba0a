using System.Text.Json.Serialization;
using MiningLulc.Geo;

namespace MiningLulc.Align;

/// <summary>
/// How well the inputs cover one site, as shares of its pixels (or of its area, for the tiles'
/// extents): written per site to the run manifest, so a partial result is never mistaken for a
/// whole one.
/// </summary>
public sealed record SiteCoverage
{
    /// <summary>Sites with less of their area than this inside the rasters' tiles are flagged partial.</summary>
    public const double WholeShare = 0.999;

    /// <summary>Pixels of the site on its grid (all-touched or centre-inside, per setting).</summary>
    public int SitePixels { get; init; }
    /// <summary>Share of the site's area inside the composite's tiles.</summary>
    public double InsideComposite { get; init; } = 1;
    /// <summary>Share of the site's area inside the DCM's tiles.</summary>
    public double InsideDcm { get; init; } = 1;
    /// <summary>Share of the site's pixels with all ten reflectances (cloud gaps and missing tiles lower it).</summary>
    public double WithReflectance { get; init; }
    /// <summary>Share of the site's pixels with an elevation change (DCM voids and gaps lower it).</summary>
    public double WithDh { get; init; }
    /// <summary>Share of the site's time-stamped pixels whose DCM acquisition year is not the site's year.</summary>
    public double DhFromOtherYear { get; init; }

    /// <summary>Part of the site lies outside the composite's or the DCM's tiles: the result covers only the rest.</summary>
    [JsonInclude]
    public bool Partial => InsideComposite < WholeShare || InsideDcm < WholeShare;
}

/// <summary>Counts a site's coverage block by block (interiors only, so halos are not counted twice).</summary>
public sealed class CoverageCounter(SiteLayout layout)
{
    private long site, reflectance, dh, stamped, otherYear;

    public void Add(AlignedSite block, Window interior)
    {
        var year = layout.Entry.Year ?? 0;
        var w = block.Grid.Width;
        for (var r = interior.RowOff; r < interior.RowOff + interior.Height; r++)
            for (var i = r * w + interior.ColOff; i < r * w + interior.ColOff + interior.Width; i++)
            {
                if (block.SiteMask[i] == 0) continue;
                site++;
                if (block.Valid[i] != 0) reflectance++;
                if (!float.IsNaN(block.Dh[i])) dh++;
                // Not read: every stamp around the site is of its year, so none is from another year.
                if (block.Time is not { } time) continue;
                var t = time[i];
                if (float.IsNaN(t)) continue;
                stamped++;
                if ((int)Math.Floor(t) != year) otherYear++;
            }
    }

    public SiteCoverage Result => new()
    {
        SitePixels = (int)site,
        InsideComposite = Math.Round(layout.InsideComposite, 4),
        InsideDcm = Math.Round(layout.InsideDcm, 4),
        WithReflectance = Share(reflectance, site),
        WithDh = Share(dh, site),
        DhFromOtherYear = Share(otherYear, stamped),
    };

    private static double Share(long part, long whole) => whole == 0 ? 0 : Math.Round((double)part / whole, 4);
}
