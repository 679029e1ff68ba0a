using Spectre.Console;

namespace MiningLulc.Cli;

/// <summary>Runs a command handler and maps failures to the contract's exit codes with one clear line on stderr.</summary>
internal static class CommandAction
{
    public static int Run(Func<ExitCode> handler)
    {
        try
        {
            return (int)handler();
        }
        catch (GdalNotFoundException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return (int)ExitCode.BadInput;
        }
        catch (MiningLulcException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return (int)ExitCode.BadInput;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"internal error: {e.GetType().Name}: {e.Message}");
            if (Environment.GetEnvironmentVariable("MINING_LULC_DEBUG") == "1") Console.Error.WriteLine(e);
            else Console.Error.WriteLine("(set MINING_LULC_DEBUG=1 for the stack trace, and please report it)");
            return (int)ExitCode.Internal;
        }
    }

    /// <summary>
    /// Lists failed (and, for a whole region, skipped) sites on stderr and returns the contract's code:
    /// a whole region exits 1 when any site has no result (failed or skipped); a shard exits 0 once every
    /// one of its sites has a recorded outcome, so that schedulers retry only crashes (the merge reports
    /// the region).
    /// </summary>
    public static ExitCode ReportFailures(IEnumerable<Pipeline.SiteReport> sites, bool shard = false)
    {
        var list = sites.ToList();
        var failed = list.Where(s => s.Outcome == Pipeline.SiteOutcome.Failed).ToList();
        foreach (var s in failed) Console.Error.WriteLine($"site {s.SiteId} failed: {s.Reason}");
        if (shard) return ExitCode.Success;
        return failed.Count > 0 || list.Any(s => s.Outcome == Pipeline.SiteOutcome.Skipped) ? ExitCode.SitesFailed : ExitCode.Success;
    }

    public static void Written(string what, string path) => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(what)}:[/] {Markup.Escape(path)}");
}
