namespace MiningLulc.Pipeline;

/// <summary>Progress of a long step: what it is doing, how far it is, and the last site it finished.</summary>
public readonly record struct PipelineProgress(string Stage, int Done, int Total, long? SiteId = null)
{
    /// <summary>Of <see cref="Done"/>: sites that failed, were skipped, or were reused from an earlier run (batch steps only).</summary>
    public int Failed { get; init; }
    public int Skipped { get; init; }
    public int Reused { get; init; }
    /// <summary>Pixels classified so far in this process (reused sites not counted).</summary>
    public long Pixels { get; init; }
}

/// <summary>Per-site outcome, as written to the run manifest.</summary>
public enum SiteOutcome { Done, Failed, Skipped }

public sealed record SiteReport(long SiteId, SiteOutcome Outcome, string? Reason, int? Year, int Features, int ClassifiedPixels)
{
    /// <summary>How well the inputs covered the site (done sites only).</summary>
    public Align.SiteCoverage? Coverage { get; init; }

    /// <summary>Where the site's time went, stage by stage, in seconds (sites processed in this run only; null when reused or not done).</summary>
    public StageTimes? Times { get; init; }
}
