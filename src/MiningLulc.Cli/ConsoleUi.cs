using MiningLulc.Pipeline;
using Spectre.Console;

namespace MiningLulc.Cli;

/// <summary>Rendering helpers: progress bars for pipeline stages, tables, error lines.</summary>
internal static class ConsoleUi
{
    /// <summary>Runs <paramref name="work"/> with one progress bar per stage it reports.</summary>
    public static T WithProgress<T>(Func<IProgress<PipelineProgress>, T> work)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive || Console.IsErrorRedirected)
            return work(new StageLogger());
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

    /// <summary>Non-interactive output (CI, pipes): one line per stage start and end on stderr.</summary>
    private sealed class StageLogger : IProgress<PipelineProgress>
    {
        private readonly HashSet<string> started = [];
        private readonly Lock gate = new();

        public void Report(PipelineProgress value)
        {
            lock (gate)
            {
                if (started.Add(value.Stage)) Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {value.Stage} ...");
                if (value.Done == value.Total && value.Total > 0 && started.Add(value.Stage + "\u0001done"))
                    Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {value.Stage}: {value.Done}/{value.Total} done");
            }
        }
    }

    public static void Facts(string title, IEnumerable<(string Key, string Value)> facts)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]{Markup.Escape(title)}[/]").AddColumn("").AddColumn("");
        table.HideHeaders();
        foreach (var (k, v) in facts) table.AddRow($"[grey]{Markup.Escape(k)}[/]", Markup.Escape(v));
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
