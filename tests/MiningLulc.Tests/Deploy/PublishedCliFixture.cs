namespace MiningLulc.Tests.Deploy;

/// <summary>
/// The CLI as a user installs it: 'dotnet publish src/MiningLulc.Cli -c CONFIG -o DIR' into a temporary
/// folder outside the checkout, once per test run (the configuration the tests were built in, so the
/// publish only copies what the test build already compiled). Nothing else is taken from the checkout.
/// </summary>
public sealed class PublishedCliFixture : IDisposable
{
    private readonly TempDir dir = new();

    public PublishedCliFixture()
    {
        Directory = Path.Combine(dir.Path, "mining-lulc");
        var project = Path.Combine(TestPaths.RepositoryRoot, "src", "MiningLulc.Cli", "MiningLulc.Cli.csproj");
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
        var started = DateTime.UtcNow;
        Publish = Proc.Run("dotnet", ["publish", project, "-c", configuration, "-o", Directory, "--nologo", "-v", "quiet", "-clp:ErrorsOnly"],
            workingDirectory: dir.Path, environment: ChildEnvironment, timeout: TimeSpan.FromMinutes(8));
        PublishTime = DateTime.UtcNow - started;
    }

    /// <summary>The publish folder (outside the checkout).</summary>
    public string Directory { get; }

    /// <summary>The artefact's entry point: the apphost named mining-lulc.</summary>
    public string Bin => Path.Combine(Directory, "mining-lulc");

    public ProcResult Publish { get; }

    public TimeSpan PublishTime { get; }

    /// <summary>Fails the calling test with the publish output when publishing failed.</summary>
    public void AssertPublished() => Assert.True(Publish.Code == 0 && File.Exists(Bin), $"dotnet publish failed:\n{Publish}");

    /// <summary>
    /// Environment for children: without the MSBuild variables of the 'dotnet test' that runs us (a nested
    /// build must not inherit its parent's MSBuild node settings).
    /// </summary>
    public static IReadOnlyDictionary<string, string?> ChildEnvironment { get; } = Environment.GetEnvironmentVariables().Keys.Cast<string>()
        .Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k.Equals("MSBuildExtensionsPath", StringComparison.OrdinalIgnoreCase)
            || k.Equals("MSBuildSDKsPath", StringComparison.OrdinalIgnoreCase) || k.Equals("MSBuildLoadMicrosoftTargetsReadOnly", StringComparison.OrdinalIgnoreCase))
        .ToDictionary(k => k, _ => (string?)null);

    /// <summary>Runs the published CLI in <paramref name="workingDirectory"/>.</summary>
    public ProcResult Run(string workingDirectory, params string[] args) => Run(workingDirectory, null, args);

    public ProcResult Run(string workingDirectory, IReadOnlyDictionary<string, string?>? environment, params string[] args)
    {
        AssertPublished();
        return Proc.Run(Bin, args, workingDirectory, environment, TimeSpan.FromMinutes(4));
    }

    public void Dispose() => dir.Dispose();
}

/// <summary>The tests of the published artefact and the scheduler, which share one publish (and run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class DeployCollection : ICollectionFixture<PublishedCliFixture>
{
    public const string Name = "published artefact";
}
