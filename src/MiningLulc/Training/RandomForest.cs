using MiningLulc.Model;

namespace MiningLulc.Training;

/// <summary>The knobs of <see cref="RandomForest"/>, with R <c>randomForest</c>'s defaults for classification.</summary>
public sealed record RandomForestOptions
{
    /// <summary>Trees in the forest (R <c>ntree</c>).</summary>
    public int Trees { get; init; } = 500;

    /// <summary>Features drawn at every node (R <c>mtry</c>); 0 = R's default, the floor of the square root of the feature count.</summary>
    public int Mtry { get; init; }

    /// <summary>Least bootstrap draws in a leaf (R <c>nodesize</c>, 1 for classification: trees grow until their leaves are pure).</summary>
    public int MinSamplesPerLeaf { get; init; } = 1;

    public int Seed { get; init; } = 42;

    /// <summary>Trees grown at once; -1 = one per core. The forest is the same whatever the number.</summary>
    public int MaxThreads { get; init; } = -1;

    /// <summary><see cref="Mtry"/> for <paramref name="features"/> features.</summary>
    public int MtryFor(int features) => Mtry > 0 ? Mtry : Math.Max(1, (int)Math.Floor(Math.Sqrt(features)));
}

/// <summary>A trained forest, its out-of-bag estimate, and the rows it could not use.</summary>
public sealed record RandomForestFit(RandomForestModel Forest, OutOfBagEstimate OutOfBag, int RowsWithMissingValues);

/// <summary>
/// Breiman's classification forest (Breiman 2001; R <c>randomForest</c>): each tree grown on its own
/// bootstrap sample (n draws with replacement) by <see cref="RandomForestTreeGrower"/>, unpruned,
/// <c>mtry</c> features drawn at every node, multiclass Gini; the class of a row is the majority vote
/// of the trees (ties to the smallest class code), its probabilities the vote fractions. The rows a
/// tree never drew (out of bag) are classified by it, and their votes give the out-of-bag error, as
/// R's <c>print(rf)</c> reports it.
/// <para>
/// Missing values: R's forest refuses them (<c>randomForest</c> stops on NA unless told to drop or
/// impute the rows), and the authors' samples had none (Earth Engine's <c>sampleRegions</c> drops a
/// pixel where any band is masked). So training rows with a missing feature (a DCM void in
/// <c>dh</c>) are left out, and counted. At prediction a missing value must still go somewhere,
/// because the engine classifies void pixels (docs/output-schema.md, "What becomes a polygon")
/// where R would have no class: each split sends it to the child that held more of the node's
/// bootstrap draws, the majority direction (rpart's rule when no surrogate split applies), fixed at
/// training and stored per split.
/// </para>
/// Deterministic: tree <c>t</c> draws from its own generator, a fixed function of the seed and t, so
/// the forest is the same bytes whatever the number of threads and the order trees finish in.
/// </summary>
public static class RandomForest
{
    public static RandomForestFit Train(TrainingTable table, RandomForestOptions options)
    {
        var p = table.FeatureCount;
        var mtry = options.MtryFor(p);
        if (options.Trees < 1) throw new InvalidInputException($"a random forest needs at least one tree (training.trees is {options.Trees})");
        if (mtry > p) throw new InvalidInputException($"training.mtry is {options.Mtry}, more than the {p} features of the feature set");
        if (options.MinSamplesPerLeaf < 1) throw new InvalidInputException($"training.min_samples_per_leaf must be at least 1 (is {options.MinSamplesPerLeaf})");

        // Class indices follow the class codes in ascending order, so a vote tie resolved to the smallest index is the smallest code.
        var codes = table.Labels.Distinct().Order().ToArray();
        var index = new byte[256];
        for (var c = 0; c < codes.Length; c++) index[codes[c]] = (byte)c;
        var kept = Enumerable.Range(0, table.Count).Where(i => !HasNaN(table.Row(i))).ToArray();
        var columns = new float[p][];
        for (var f = 0; f < p; f++) columns[f] = new float[kept.Length];
        var classes = new byte[kept.Length];
        for (var i = 0; i < kept.Length; i++)
        {
            var row = table.Row(kept[i]);
            for (var f = 0; f < p; f++) columns[f][i] = row[f];
            classes[i] = index[table.Labels[kept[i]]];
        }
        if (kept.Length == 0) throw new InvalidInputException("no training row without missing values: a random forest cannot train on missing values");
        var rows = new ForestRows(columns, classes, codes.Length);

        var trees = new RandomForestTree[options.Trees];
        var outOfBagVotes = new int[kept.Length * codes.Length];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.MaxThreads };
        Parallel.For(0, options.Trees, parallel, () => new RandomForestTreeGrower(rows, mtry, options.MinSamplesPerLeaf), (t, _, grower) =>
        {
            var tree = grower.Grow(RandomForestRandom.ForTree(options.Seed, t));
            trees[t] = tree;
            var weights = grower.Weights;
            Span<float> row = stackalloc float[p];
            for (var r = 0; r < kept.Length; r++)
            {
                if (weights[r] > 0) continue;
                for (var f = 0; f < p; f++) row[f] = columns[f][r];
                // Sums of counts: the same whatever order the trees add them in.
                Interlocked.Increment(ref outOfBagVotes[r * codes.Length + tree.Vote(row)]);
            }
            return grower;
        }, _ => { });

        var forest = new RandomForestModel(p, codes, trees);
        return new RandomForestFit(forest, OutOfBagEstimate.From(outOfBagVotes, classes, codes), table.Count - kept.Length);
    }

    private static bool HasNaN(ReadOnlySpan<float> row)
    {
        foreach (var x in row) if (float.IsNaN(x)) return true;
        return false;
    }
}
