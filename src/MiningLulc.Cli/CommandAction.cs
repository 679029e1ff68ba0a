using Spectre.Console;

namespace MiningLulc.Cli;

/// <summary>Runs a command handler and maps failures to the contract's exit codes with one clear line on stderr.</summary>
internal static class CommandAction
{
    /// <summary>
    /// Runs <paramref name="handler"/>: bad input (and a missing GDAL) is exit 2, a result that could
    /// not be written (disk full) exit 3, both as one line naming the file; anything else is an
    /// internal error, exit 3, with a hint for the stack trace.
    /// </summary>
    public static int Run(Func<ExitCode> handler)
    {
        try
        {
            return (int)handler();
        }
        catch (Exception thrown)
        {
            var e = Unwrap(thrown);
            switch (e)
            {
                case InvalidInputException or GdalNotFoundException:
                    Console.Error.WriteLine($"error: {e.Message}");
                    return (int)ExitCode.BadInput;
                case OutputWriteException:
                    // Not the inputs' fault and not a bug: the machine refused a write. Say which file and why.
                    Console.Error.WriteLine($"error: {e.Message}");
                    return (int)ExitCode.Internal;
                case OutOfMemoryException:
                    Console.Error.WriteLine("error: out of memory: give the process more memory, or run fewer --workers");
                    return (int)ExitCode.Internal;
                case GdalException:
                    Console.Error.WriteLine($"internal error: GDAL: {e.Message}");
                    break;
                case MiningLulcException:
                    Console.Error.WriteLine($"error: {e.Message}");
                    return (int)ExitCode.BadInput;
                default:
                    Console.Error.WriteLine($"internal error: {e.GetType().Name}: {e.Message}");
                    break;
            }
            if (Environment.GetEnvironmentVariable("MINING_LULC_DEBUG") == "1") Console.Error.WriteLine(thrown);
            else Console.Error.WriteLine("(set MINING_LULC_DEBUG=1 for the stack trace, and please report it)");
            return (int)ExitCode.Internal;
        }
    }

    /// <summary>
    /// The failure behind a parallel loop's <see cref="AggregateException"/>: the engine's own
    /// exception when there is one (a full disk stops every worker; any of them tells why).
    /// </summary>
    internal static Exception Unwrap(Exception e)
    {
        if (e is not AggregateException aggregate) return e;
        var inner = aggregate.Flatten().InnerExceptions;
        return inner.FirstOrDefault(x => x is MiningLulcException) ?? inner.FirstOrDefault() ?? e;
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

    /// <summary>Prints each warning as one "warning: ..." line on stderr.</summary>
    public static void Warn(IEnumerable<string> warnings)
    {
        foreach (var w in warnings) Console.Error.WriteLine($"warning: {w}");
    }

    public static void Written(string what, string path) => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(what)}:[/] {Markup.Escape(path)}");
}
