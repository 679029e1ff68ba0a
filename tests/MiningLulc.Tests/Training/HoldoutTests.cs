using MiningLulc.Pipeline;

namespace MiningLulc.Tests.Training;

/// <summary>The held-out score measures the map: held-out sites are sampled without the refinement rules (synthetic region).</summary>
[Collection(SyntheticRegionCollection.Name)]
public class HoldoutTests(SyntheticRegionFixture region)
{
    [Fact]
    public void HeldOutSamplesDoNotDependOnTheRefinementRules()
    {
        var published = EngineConfig.LoadPreset("published", Path.Combine(TestPaths.RepositoryRoot, "configs"));
        published = published with { Training = published.Training with { Trees = 10 } };
        var unrefined = published with { Training = published.Training with { Refinement = published.Training.Refinement with { Enabled = false } } };

        var refinedRun = TrainingRunner.Train(new TrainRequest { Regions = [region.Region], Config = published, Holdout = 0.34 });
        var unrefinedRun = TrainingRunner.Train(new TrainRequest { Regions = [region.Region], Config = unrefined, Holdout = 0.34 });

        // The rules remove training samples ...
        Assert.True(refinedRun.Model.Card.SamplesPerClass.Values.Sum() < unrefinedRun.Model.Card.SamplesPerClass.Values.Sum());
        // ... but the held-out sites are scored on the same, unrefined pixels either way.
        Assert.Equal(refinedRun.HeldOutSites, unrefinedRun.HeldOutSites);
        Assert.NotEmpty(refinedRun.HeldOutSites);
        Assert.Equal(unrefinedRun.Model.Card.Holdout!.Pixels, refinedRun.Model.Card.Holdout!.Pixels);
    }
}
