using MiningLulc.Training;
using Xunit.Abstractions;

namespace MiningLulc.Tests.Training;

/// <summary>
/// The default method's learner (LightGBM, the default preset's training settings) on the dataset
/// authors' 490 real samples, 15 features only, under the same 5-fold stratified cross-validation as
/// the published preset's forest (<see cref="PublishedRecipeTests"/>; the samples carry no site, so
/// the folds are by sample): figures beside the preset's and the reference forest's 0.872 in
/// docs/cross-validation.md ("On the authors' 490 real samples").
/// </summary>
public class DefaultLearnerRealSamplesTests(ITestOutputHelper output)
{
    private static readonly int[] Seeds = [1, 2, 3, 4, 5];

    internal static EngineConfig Default() => EngineConfig.LoadPreset("default", Path.Combine(TestPaths.RepositoryRoot, "configs"));

    [SharedFileFact(AuthorSample.RelativePath)]
    public void TheDefaultLearnerOnTheFifteenFeaturesIsWithinReachOfTheReferenceForest()
    {
        var (table, set) = PublishedRecipeTests.Table(FeatureSet.Published.Names);
        var config = Default();
        var perSeed = Seeds.AsParallel().AsOrdered().Select(seed => CrossValidation.OverallAccuracy(table, set, config, 5, seed)).ToArray();
        var mean = perSeed.Average();
        output.WriteLine($"default learner, 15 features, 5-fold stratified CV: {string.Join(" ", perSeed.Select(a => a.ToString("0.000")))}, mean of 5 seeds {mean:0.000} (reference forest 0.872)");
        // The figure is reported (docs/cross-validation.md) and held within two points of the reference forest.
        Assert.True(mean >= 0.85, $"default learner's CV accuracy on the 490 samples: {mean:0.000}");
    }
}
