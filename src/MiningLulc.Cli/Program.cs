using System.CommandLine;
using MiningLulc.Cli.Commands;

// The CLI only parses and renders: every command calls the library and maps its outcome to an exit code.
var root = new RootCommand("mining-lulc: classify mining land use / land cover from Sentinel-2 and the TanDEM-X DEM Change Map.")
{
    DemoCommand.Create(),
    SynthCommand.Create(),
    TrainCommand.Create(),
    RunCommand.Create(),
    AssessCommand.Create(),
    InspectCommand.Create(),
    AlignCommand.Create(),
    BenchCommand.Create(),
};
MiningLulc.Geo.Gdal.Warning += message =>
{
    if (Environment.GetEnvironmentVariable("MINING_LULC_VERBOSE") == "1") Console.Error.WriteLine($"GDAL warning: {message}");
};
var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors) Console.Error.WriteLine($"error: {error.Message}");
    Console.Error.WriteLine("Run with --help for usage.");
    return (int)MiningLulc.Cli.ExitCode.BadInput;
}
return parsed.Invoke();
