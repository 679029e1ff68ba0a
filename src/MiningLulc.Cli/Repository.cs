namespace MiningLulc.Cli;

/// <summary>Finds the repository's folders (configs/, data-sample/) whether run from the root or elsewhere.</summary>
internal static class Repository
{
    public static string Root { get; } = Find();

    public static string Configs => Path.Combine(Root, "configs");
    public static string DataSample => Path.Combine(Root, "data-sample");

    private static string Find()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "MiningLulc.Classifier.sln"))) return dir.FullName;
        }
        return Environment.CurrentDirectory;
    }
}
