namespace MiningLulc.Tests.Architecture;

/// <summary>A use of one stage's type by another stage's type that the layers do not allow.</summary>
public readonly record struct Violation(string FromStage, string ToStage, string FromType, string ToType)
{
    public override string ToString() => $"{FromStage} -> {ToStage}: {FromType} uses {ToType}";
}

/// <summary>
/// The one-way flow of docs/architecture.md: the stages (namespaces MiningLulc.&lt;Stage&gt;, sub-namespaces
/// counted with their stage, MiningLulc itself as "(root)") in layers, bottom first. A type may use the
/// types of its own stage and of any stage in a lower layer; never a stage of its own layer (siblings) or
/// of a higher one.
/// </summary>
public static class StageRules
{
    public const string Root = "(root)";

    public static readonly IReadOnlyList<string[]> Layers =
    [
        [Root],
        ["Geo"],
        ["Catalog"],
        ["Align"],
        ["Features"],
        ["Trees"],
        ["Confidence"],
        ["Model"],
        ["Training", "Inference"],
        ["Smooth"],
        ["Vectorize"],
        ["Assessment", "Inspection"],
        ["Pipeline"],
        // MiningLulc.Tools
        ["Plots", "Synthetic"],
        ["Bench"],
        // mining-lulc
        ["Cli"],
    ];

    private static readonly Dictionary<string, int> LayerOf = Layers
        .SelectMany((stages, layer) => stages.Select(stage => (stage, layer)))
        .ToDictionary(p => p.stage, p => p.layer);

    public static bool IsKnown(string stage) => LayerOf.ContainsKey(stage);

    /// <summary>The stage of a full type name: the first namespace part after "MiningLulc", <see cref="Root"/> for MiningLulc itself; null for a type not of this project.</summary>
    public static string? StageOf(string type)
    {
        var dot = type.LastIndexOf('.');
        var ns = dot < 0 ? "" : type[..dot];
        if (ns == "MiningLulc") return Root;
        if (!ns.StartsWith("MiningLulc.", StringComparison.Ordinal)) return null;
        var rest = ns["MiningLulc.".Length..];
        var end = rest.IndexOf('.');
        return end < 0 ? rest : rest[..end];
    }

    /// <summary>Whether a type of <paramref name="from"/> may use a type of <paramref name="to"/>. An unknown stage may use nothing and be used by nothing.</summary>
    public static bool Allows(string from, string to) =>
        from == to || (LayerOf.TryGetValue(from, out var a) && LayerOf.TryGetValue(to, out var b) && b < a);

    /// <summary>Every use between two stages of this project that <see cref="Allows"/> refuses, sorted.</summary>
    public static IReadOnlyList<Violation> Check(IEnumerable<TypeUse> uses) =>
    [
        .. uses
            .Select(u => (u, from: StageOf(u.From), to: StageOf(u.To)))
            .Where(x => x.from is not null && x.to is not null && !Allows(x.from, x.to))
            .Select(x => new Violation(x.from!, x.to!, x.u.From, x.u.To))
            .Distinct()
            .OrderBy(v => v.FromStage, StringComparer.Ordinal).ThenBy(v => v.ToStage, StringComparer.Ordinal)
            .ThenBy(v => v.FromType, StringComparer.Ordinal).ThenBy(v => v.ToType, StringComparer.Ordinal),
    ];
}
