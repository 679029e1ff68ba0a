namespace MiningLulc.Tests.Smooth;

/// <summary>
/// Locates the shared fixture folder: <c>../shared</c> next to the repository root, the root being the
/// first ancestor of the test binaries that contains <c>MiningLulc.Classifier.sln</c>.
/// </summary>
internal static class SharedData
{
    public static string? FindFolder(string relativePath)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MiningLulc.Classifier.sln")))
            {
                string path = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", relativePath));
                return Directory.Exists(path) ? path : null;
            }
        }
        return null;
    }
}

/// <summary>
/// A fact that is skipped (with a reason shown by the runner) when a folder of the shared fixtures
/// is not available, instead of silently passing. xunit 2 has no dynamic skip, so the check runs
/// when the attribute is constructed during discovery.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class SharedDataFactAttribute : FactAttribute
{
    /// <param name="relativePath">Folder under <c>../shared</c>, e.g. <c>fixtures/majority-filter</c>.</param>
    public SharedDataFactAttribute(string relativePath)
    {
        if (SharedData.FindFolder(relativePath) is null)
            Skip = $"Shared fixture folder '../shared/{relativePath}' (next to the repository root) is not available.";
    }
}
