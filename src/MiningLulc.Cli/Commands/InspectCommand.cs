using System.CommandLine;
using MiningLulc.Inspection;

namespace MiningLulc.Cli.Commands;

internal static class InspectCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "A raster, GeoPackage, zip, model or region folder." };
        var config = CommonOptions.Config();
        var json = new Option<bool>("--json") { Description = "Print the report as one JSON object (title, facts, problems, table) instead of tables." };
        var command = new Command("inspect", "What a raster, GeoPackage, zip, model or region folder holds, and what is wrong with it (exit 1 when something is).") { path, config, json };
        command.SetAction(r => CommandAction.Run(() => Run(r.GetValue(path)!, CommonOptions.Load(r.GetValue(config), null), r.GetValue(json))));
        return command;
    }

    private static ExitCode Run(string path, EngineConfig config, bool json)
    {
        var report = Inspector.Inspect(path, config);
        // Like a validator: 0 when clean, 1 when problems are listed (the report is printed either way).
        var code = report.Problems.Count > 0 ? ExitCode.ProblemsFound : ExitCode.Success;
        if (json)
        {
            Console.Out.WriteLine(report.ToJson());
            return code;
        }
        ConsoleUi.Facts(report.Title, report.Facts);
        if (report.TableHeader is { } header && report.TableRows is { } rows) ConsoleUi.Table(null, header, rows);
        foreach (var more in report.MoreTables) ConsoleUi.Table(more.Title, more.Header, more.Rows);
        ConsoleUi.Problems(report.Problems);
        return code;
    }
}
