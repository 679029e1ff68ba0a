namespace MiningLulc.Cli;

/// <summary>
/// Finds the sample region (data-sample/) that the demo runs on: beside the CLI when it was published
/// (dotnet publish copies data-sample/ into the artefact), else in the checkout the CLI was built in or
/// run from. Settings need no lookup: the presets are compiled in (<see cref="EngineConfig.Presets"/>).
/// </summary>
internal static class Repository
{
    private const string SampleFolder = "data-sample";

    /// <summary>The places searched for data-sample/, in order (for the error message when none has it).</summary>
    public static IReadOnlyList<string> SampleCandidates()
    {
        var list = new List<string> { Path.Combine(AppContext.BaseDirectory, SampleFolder) };
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            if (FindCheckout(start) is { } root) list.Add(Path.Combine(root, SampleFolder));
        }
        return list.Select(Path.GetFullPath).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>The sample region folder; an error naming every place searched when there is none.</summary>
    public static string DataSample()
    {
        var candidates = SampleCandidates();
        return candidates.FirstOrDefault(c => File.Exists(Path.Combine(c, "sites.gpkg")))
            ?? throw new InvalidInputException(
                $"the sample region {SampleFolder}/ was not found (looked in: {string.Join(", ", candidates)}): give a labelled region with --region DIR, " +
                $"or use the CLI published by 'dotnet publish src/MiningLulc.Cli -c Release -o DIR', which ships {SampleFolder}/ beside it");
    }

    private static string? FindCheckout(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MiningLulc.Classifier.sln"))) return dir.FullName;
        return null;
    }
}
