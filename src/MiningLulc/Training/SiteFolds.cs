namespace MiningLulc.Training;

/// <summary>A group of sites that goes into one fold whole: its region (index), its smallest site id, and its labelled pixels.</summary>
public readonly record struct SiteGroup(int Region, long FirstSiteId, long Pixels);

/// <summary>
/// Deals site groups into K folds for cross-validation, balanced by labelled pixels: the groups are
/// taken in a seeded random order and each goes to the fold with the fewest pixels so far (then the
/// fewest groups, then the lowest index). So every fold gets a group before any gets two, no fold
/// outweighs another by more than the largest group, and the training seed decides which groups
/// share a fold. The order is a SplitMix64 hash of the seed and the group, not <see cref="Random"/>,
/// whose sequences .NET does not promise to keep, and a group's place does not depend on the others.
/// </summary>
public static class SiteFolds
{
    /// <summary>The fold (0..k-1) of each group.</summary>
    public static int[] Deal(IReadOnlyList<SiteGroup> groups, int k, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 2);
        if (groups.Count < k)
            throw new InvalidInputException($"--cv {k} needs at least {k} groups of sites, and the labelled sites form {groups.Count} (touching or overlapping sites are one group)");
        var order = Enumerable.Range(0, groups.Count)
            .OrderBy(i => OrderKey(seed, groups[i])).ThenBy(i => groups[i].Region).ThenBy(i => groups[i].FirstSiteId);
        var pixels = new long[k];
        var members = new int[k];
        var fold = new int[groups.Count];
        foreach (var g in order)
        {
            var f = 0;
            for (var c = 1; c < k; c++)
                if (pixels[c] < pixels[f] || (pixels[c] == pixels[f] && members[c] < members[f])) f = c;
            fold[g] = f;
            pixels[f] += groups[g].Pixels;
            members[f]++;
        }
        return fold;
    }

    private static ulong OrderKey(int seed, SiteGroup group)
    {
        var ofSite = new RandomForestRandom((ulong)group.FirstSiteId).NextULong();
        return new RandomForestRandom(ofSite ^ ((ulong)(uint)seed << 32 | (uint)group.Region)).NextULong();
    }
}
