using MiningLulc.Trees;

namespace MiningLulc.Tests.Trees;

/// <summary>Test-side helpers for comparing the flat trees' engines (production code picks its engine and never switches).</summary>
internal static class FlatTreeEngines
{
    /// <summary>The same model evaluated by <paramref name="engine"/>; an <see cref="ArgumentException"/> when that engine cannot take the trees.</summary>
    public static FlatTreeClassifier With(this FlatTreeClassifier flat, TreeEngine engine) =>
        new(flat.Width, flat.Trees, flat.ClassTreeStart, flat.Formula, flat.PlattSlope, flat.PlattOffset, flat.ClassCodes, engine);
}
