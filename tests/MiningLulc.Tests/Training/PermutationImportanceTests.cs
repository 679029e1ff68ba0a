using MiningLulc.Pipeline;
using MiningLulc.Training;

namespace MiningLulc.Tests.Training;

/// <summary>Permutation importance on held-out rows, recorded in the card (tiny synthetic region, 34 % of sites held out).</summary>
[Collection(SyntheticRegionCollection.Name)]
public class PermutationImportanceTests(SyntheticRegionFixture region)
{
    [Fact]
    public void The_card_holds_every_feature_largest_drop_first_as_recomputed_from_the_held_out_rows()
    {
        var recorded = region.Model.Card.Holdout!.FeatureImportance!;
        Assert.Equal(region.Model.Card.Features.Order(), recorded.Select(i => i.Feature).Order());
        Assert.Equal(recorded.OrderByDescending(i => i.AccuracyDrop).Select(i => i.AccuracyDrop), recorded.Select(i => i.AccuracyDrop));
        Assert.True(recorded[0].AccuracyDrop > 0.01, $"the most important feature costs {recorded[0].AccuracyDrop} when shuffled");

        var samples = TrainingRunner.Sample(new TrainRequest { Regions = [region.Region], Config = region.Config, Holdout = 0.34 });
        var again = PermutationImportance.Compute(region.Model, samples.HeldOut, region.Model.Card.Features, region.Config.Training.Seed);
        Assert.Equal(recorded, again); // same rows, same seeded shuffle: the same figures
    }

    [Fact]
    public void A_feature_that_does_not_vary_costs_nothing_when_shuffled()
    {
        var samples = TrainingRunner.Sample(new TrainRequest { Regions = [region.Region], Config = region.Config, Holdout = 0.34 });
        var names = region.Model.Card.Features;
        var top = names.ToList().IndexOf(region.Model.Card.Holdout!.FeatureImportance![0].Feature);
        // The same rows with the most important feature held at one value: shuffling a constant changes no row.
        var rows = new MiningLulc.Training.TrainingTable(samples.HeldOut.FeatureCount);
        var row = new float[rows.FeatureCount];
        for (var i = 0; i < samples.HeldOut.Count; i++)
        {
            samples.HeldOut.Row(i).CopyTo(row);
            row[top] = 1234f;
            rows.Add(row, (LulcClass)samples.HeldOut.Labels[i], samples.HeldOut.Sites[i]);
        }
        var importance = PermutationImportance.Compute(region.Model, rows, names, seed: 7);
        Assert.Equal(0, importance.Single(i => i.Feature == names[top]).AccuracyDrop);
        Assert.Empty(PermutationImportance.Compute(region.Model, new MiningLulc.Training.TrainingTable(rows.FeatureCount), names, 7));
    }
}
