namespace MiningLulc.Model;

/// <summary>One feature's importance: how much accuracy the model loses when that feature's values are shuffled.</summary>
public sealed record FeatureImportance(string Feature, double AccuracyDrop);
