using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using MiningLulc.Cli;
using MiningLulc.Model;
using MiningLulc.Plots;

namespace MiningLulc.Tests.Architecture;

/// <summary>
/// The stages depend one way (docs/architecture.md): read from the compiled assemblies' metadata — every
/// type each type names in its signatures, fields, attributes and method bodies — and held to
/// <see cref="StageRules.Layers"/>.
/// </summary>
public class ArchitectureTests
{
    private static readonly string Core = typeof(ClassifierModel).Assembly.Location;
    private static readonly string Tools = typeof(ReportPlots).Assembly.Location;
    private static readonly string Cli = typeof(ExitCode).Assembly.Location;

    private static readonly Lazy<IReadOnlyCollection<TypeUse>> CoreUses = new(() => TypeReferences.Read(Core));

    [Fact]
    public void TheEngineStagesDependOnlyDownstream() => AssertNone(StageRules.Check(CoreUses.Value));

    [Fact]
    public void TheToolsAndTheCliDependOnlyDownstream() =>
        AssertNone(StageRules.Check(TypeReferences.Read(Tools).Concat(TypeReferences.Read(Cli))));

    [Fact]
    public void EveryNamespaceHasItsPlaceInTheLayers()
    {
        var unplaced = new[] { Core, Tools, Cli }
            .SelectMany(TypeReferences.Read)
            .Select(u => u.From)
            .Where(t => StageRules.StageOf(t) is { } stage && !StageRules.IsKnown(stage))
            .Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.True(unplaced.Count == 0, "namespaces not in StageRules.Layers (place them there and in docs/architecture.md): " + string.Join(", ", unplaced));
    }

    [Fact]
    public void TheReaderSeesSignaturesAndMethodBodies()
    {
        var uses = CoreUses.Value;
        // A parameter type, a call inside a method body, a constructor call, a base type.
        Assert.Contains(new TypeUse("MiningLulc.Inference.SiteClassifier", "MiningLulc.Model.ClassifierModel"), uses);
        Assert.Contains(new TypeUse("MiningLulc.Pipeline.SiteProcessor", "MiningLulc.Inference.SiteClassifier"), uses);
        Assert.Contains(new TypeUse("MiningLulc.Model.ModelPayload", "MiningLulc.Trees.InferenceSelfCheck"), uses);
        Assert.Contains(new TypeUse("MiningLulc.Model.MlNetPayload", "MiningLulc.Model.ModelPayload"), uses);
        // A nested, compiler-generated type (a lambda's closure, an iterator) counts as the type that declares it.
        Assert.DoesNotContain(uses, u => u.From.StartsWith("MiningLulc.", StringComparison.Ordinal) && (u.From.Contains("<>") || u.From.Contains(">d__")));
    }

    [Fact]
    public void EveryEdgeOfTheGraphReversedIsReported()
    {
        var edges = CoreUses.Value
            .Select(u => (u, from: StageRules.StageOf(u.From), to: StageRules.StageOf(u.To)))
            .Where(x => x.from is not null && x.to is not null && x.from != x.to)
            .DistinctBy(x => (x.from, x.to))
            .ToList();
        Assert.True(edges.Count >= 30, $"only {edges.Count} edges between stages read from the engine");
        foreach (var (use, from, to) in edges)
        {
            var reversed = new TypeUse(use.To, use.From);
            var found = StageRules.Check(CoreUses.Value.Append(reversed));
            var violation = Assert.Single(found);
            Assert.Equal(new Violation(to!, from!, use.To, use.From), violation);
            Assert.Contains(use.To, violation.ToString());
            Assert.Contains(use.From, violation.ToString());
        }
    }

    /// <summary>
    /// The sources' <c>using</c> lines too: a constant or an enum value of another stage is compiled into the
    /// using type as a number and leaves no reference in the metadata, but its namespace is imported.
    /// </summary>
    [Fact]
    public void TheUsingLinesFollowTheFlowToo()
    {
        var uses = new List<TypeUse>();
        foreach (var project in new[] { "MiningLulc", "MiningLulc.Tools", "MiningLulc.Cli" })
        {
            var folder = Path.Combine(TestPaths.RepositoryRoot, "src", project);
            foreach (var file in Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(folder, file);
                if (relative.StartsWith("obj" + Path.DirectorySeparatorChar) || relative.StartsWith("bin" + Path.DirectorySeparatorChar)) continue;
                var lines = File.ReadAllLines(file);
                var ns = lines.Select(l => Regex.Match(l, @"^namespace\s+([\w.]+)\s*;")).FirstOrDefault(m => m.Success)?.Groups[1].Value;
                if (ns is null) continue;
                foreach (var line in lines)
                    if (Regex.Match(line, @"^using\s+(static\s+)?(MiningLulc(?:\.\w+)*)\s*;") is { Success: true } m)
                        // using static names a type; a plain using, a namespace (stood for by a type "*" in it)
                        uses.Add(new TypeUse($"{ns}.{Path.GetFileNameWithoutExtension(file)}", m.Groups[2].Value + (m.Groups[1].Success ? "" : ".*")));
            }
        }
        Assert.True(uses.Count > 100, $"only {uses.Count} using lines read");
        AssertNone(StageRules.Check(uses));
    }

    [Theory]
    [InlineData("MiningLulc.Geo.RasterDataset", "MiningLulc.Catalog.Site")] // upstream
    [InlineData("MiningLulc.Training.ModelTrainer", "MiningLulc.Inference.SiteClassifier")] // siblings
    [InlineData("MiningLulc.Inference.SiteClassifier", "MiningLulc.Training.ModelTrainer")]
    [InlineData("MiningLulc.Trees.FlatTreeClassifier", "MiningLulc.Model.ClassifierModel")]
    [InlineData("MiningLulc.EngineConfig", "MiningLulc.Features.FeatureEngine")] // the root uses no stage
    [InlineData("MiningLulc.Pipeline.SiteProcessor", "MiningLulc.Synthetic.RegionGenerator")] // the engine uses no tool
    [InlineData("MiningLulc.Later.Thing", "MiningLulc.Geo.RasterDataset")] // a stage not in the layers
    public void AForbiddenUseIsReportedByName(string from, string to)
    {
        var violation = Assert.Single(StageRules.Check([new TypeUse(from, to), new TypeUse(to, "System.String")]));
        Assert.Equal(from, violation.FromType);
        Assert.Equal(to, violation.ToType);
    }

    [Theory]
    [InlineData("MiningLulc.Catalog.Site", "MiningLulc.Geo.RasterDataset")]
    [InlineData("MiningLulc.Geo.Native.GdalApi", "MiningLulc.Errors")]
    [InlineData("MiningLulc.Inference.SiteClassifier", "MiningLulc.Model.ClassifierModel")]
    [InlineData("MiningLulc.Training.ModelTrainer", "MiningLulc.Model.ClassifierModel")]
    [InlineData("MiningLulc.Geo.RasterDataset", "MiningLulc.Geo.Native.DatasetHandle")]
    [InlineData("MiningLulc.Cli.Program", "MiningLulc.Synthetic.RegionGenerator")]
    [InlineData("MiningLulc.Pipeline.SiteProcessor", "System.String")]
    public void AnAllowedUseIsNotReported(string from, string to) => Assert.Empty(StageRules.Check([new TypeUse(from, to)]));

    /// <summary>The engine is a library a user references: GDAL through its own bindings, ML.NET, NetTopologySuite and .NET, nothing else.</summary>
    [Fact]
    public void TheEngineReferencesOnlyMlNetNtsAndDotNet()
    {
        using var stream = File.OpenRead(Core);
        using var pe = new PEReader(stream);
        var md = pe.GetMetadataReader();
        var others = md.AssemblyReferences
            .Select(h => md.GetString(md.GetAssemblyReference(h).Name))
            .Where(name => !(name.StartsWith("System.", StringComparison.Ordinal) || name is "System" or "netstandard" or "mscorlib"
                || name.StartsWith("Microsoft.ML", StringComparison.Ordinal) || name == "NetTopologySuite"))
            .ToList();
        Assert.True(others.Count == 0, "the engine references " + string.Join(", ", others));
    }

    private static void AssertNone(IReadOnlyList<Violation> violations) =>
        Assert.True(violations.Count == 0, $"{violations.Count} uses against the flow of docs/architecture.md:\n" + string.Join("\n", violations));
}
