namespace MiningLulc.Cli;

/// <summary>Exit codes of README.md, "Commands".</summary>
public enum ExitCode
{
    Success = 0,
    /// <summary>The run finished but some sites of the region have no result, failed or skipped (listed in the manifest and on stderr). Never from a shard.</summary>
    SitesFailed = 1,
    /// <summary>'inspect' listed problems (exit 0 when it found none), as a validator does.</summary>
    ProblemsFound = 1,
    /// <summary>Bad usage or unusable input: one line naming the file and what is wrong.</summary>
    BadInput = 2,
    Internal = 3,
}
