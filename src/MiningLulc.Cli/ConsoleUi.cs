using MiningLulc.Pipeline;
using Spectre.Console;

namespace MiningLulc.Cli;

/// <summary>Rendering helpers: progress bars for pipeline stages, tables, error lines.</summary>
internal static class ConsoleUi
{
    /// <summary>Runs <paramref name="work"/> with one progress bar per stage it reports (progress lines on stderr when not on a terminal).</summary>
    public static T WithProgress<T>(Func<IProgress<PipelineProgress>, T> work)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive || Console.IsErrorRedirected)
        {
            using var logger = new StageLogger(Console.Error);
            return work(logger);
        }
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .Start(ctx => { result = work(new SpectreProgress(ctx)); });
        return result;
    }

    private sealed class SpectreProgress(ProgressContext ctx) : IProgress<PipelineProgress>
    {
        private readonly Dictionary<string, ProgressTask> tasks = [];
        private readonly Lock gate = new();

        public void Report(PipelineProgress value)
        {
            lock (gate)
            {
                if (!tasks.TryGetValue(value.Stage, out var task))
                    tasks[value.Stage] = task = ctx.AddTask(Markup.Escape(value.Stage), maxValue: Math.Max(1, value.Total));
                task.MaxValue = Math.Max(1, value.Total);
                task.Value = Math.Min(value.Done, task.MaxValue);
            }
        }
    }

    /// <summary>
    /// Non-interactive output (batch logs, CI, pipes): one line per stage start and end, and for the
    /// sites of a run a status line at every 5 % and at least every 30 s (done, failed, skipped,
    /// reused, pixels/s, ETA), so a shard's log shows it is alive even while one large site runs.
    /// </summary>
    internal sealed class StageLogger : IProgress<PipelineProgress>, IDisposable
    {
        private readonly TextWriter log;
        private readonly TimeSpan heartbeat;
        private readonly HashSet<string> started = [];
        private readonly Lock gate = new();
        private readonly System.Diagnostics.Stopwatch clock = System.Diagnostics.Stopwatch.StartNew();
        private readonly Timer timer;
        private PipelineProgress? batch;
        private TimeSpan batchStart, lastLine;
        private int lastStep = -1;

        public StageLogger(TextWriter log, TimeSpan? heartbeat = null)
        {
            this.log = log;
            this.heartbeat = heartbeat ?? TimeSpan.FromSeconds(30);
            timer = new Timer(_ => Beat(), null, this.heartbeat, this.heartbeat);
        }

        public void Report(PipelineProgress value)
        {
            lock (gate)
            {
                if (started.Add(value.Stage))
                {
                    Line($"{value.Stage} ...");
                    if (value.Stage == "classify") batchStart = clock.Elapsed;
                }
                if (value.Stage == "classify" && value.Total > 0)
                {
                    batch = value;
                    var step = (int)(20L * value.Done / value.Total); // 5 % steps
                    if (step > lastStep) { lastStep = step; Line(BatchStatus(value)); }
                }
                else if (value.Done == value.Total && value.Total > 0 && started.Add(value.Stage + "\u0001done"))
                    Line($"{value.Stage}: {value.Done}/{value.Total} done");
            }
        }

        private void Beat()
        {
            lock (gate)
            {
                if (batch is { } b && b.Done < b.Total && clock.Elapsed - lastLine >= heartbeat * 0.9) Line(BatchStatus(b));
            }
        }

        private string BatchStatus(PipelineProgress p)
        {
            var elapsed = (clock.Elapsed - batchStart).TotalSeconds;
            var processed = p.Done - p.Reused;
            var text = $"sites {p.Done}/{p.Total} ({100.0 * p.Done / p.Total:0}%): {p.Done - p.Failed - p.Skipped} done ({p.Reused} reused), {p.Failed} failed, {p.Skipped} skipped";
            if (elapsed > 0 && p.Pixels > 0) text += $"; {p.Pixels / elapsed / 1e6:0.00} Mpx/s";
            if (processed > 0 && p.Done < p.Total) text += $"; ETA {Duration(elapsed / processed * (p.Total - p.Done))}";
            return text;
        }

        private static string Duration(double seconds) => seconds switch
        {
            < 90 => $"{seconds:0} s",
            < 5400 => $"{seconds / 60:0} min",
            _ => $"{Math.Floor(seconds / 3600):0} h {(seconds % 3600) / 60:00} min",
        };

        private void Line(string text)
        {
            lastLine = clock.Elapsed;
            log.WriteLine($"[{DateTime.Now:HH:mm:ss}] {text}");
            log.Flush();
        }

        public void Dispose() => timer.Dispose();
    }

    public static void Facts(string title, IEnumerable<(string Key, string Value)> facts)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]{Markup.Escape(title)}[/]").AddColumn("").AddColumn("");
        table.HideHeaders();
        foreach (var (k, v) in facts) table.AddRow($"[grey]{Markup.Escape(k)}[/]", Markup.Escape(v));
        AnsiConsole.Write(table);
    }

    /// <summary>A table with a header row (and a title above it when given).</summary>
    public static void Table(string? title, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var table = new Table().Border(TableBorder.Rounded);
        if (title is not null) table.Title($"[bold]{Markup.Escape(title)}[/]");
        foreach (var h in header) table.AddColumn(Markup.Escape(h));
        foreach (var row in rows) table.AddRow(row.Select(Markup.Escape).ToArray());
        AnsiConsole.Write(table);
    }

    public static void Problems(IReadOnlyCollection<string> problems)
    {
        if (problems.Count == 0) { AnsiConsole.MarkupLine("[green]No problems found.[/]"); return; }
        AnsiConsole.MarkupLine($"[yellow]{problems.Count} problem(s):[/]");
        foreach (var p in problems) AnsiConsole.MarkupLine($"  [yellow]-[/] {Markup.Escape(p)}");
    }

    public static string F3(double v) => double.IsFinite(v) ? v.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture) : "n/a";
}
