using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Transforms;

namespace MiningLulc.Trees;

/// <summary>
/// Reads the trees of a trained (or loaded) ML.NET pixel classifier into a <see cref="FlatTreeClassifier"/>.
/// Supported: the chain <c>MulticlassPredictionTransformer&lt;OneVersusAllModelParameters&gt;</c> →
/// <c>KeyToValueMappingTransformer</c> that <c>ModelTrainer</c> builds, whose one-versus-all
/// sub-models are tree ensembles (LightGBM multiclass; FastForest/FastTree binary, as in the
/// published preset's models made before the engine had its own forest, issue 15), optionally
/// Platt-calibrated, with numerical splits only. Anything else returns null with the reason, and
/// the caller keeps ML.NET's own scoring.
/// <para>
/// Public ML.NET API gives the trees (<see cref="RegressionTreeBase"/>), the calibrators and the
/// key values. It does not give two things the scores depend on, read here by reflection with a
/// null (hence ML.NET fallback) when they are not where ML.NET 5 keeps them:
/// the one-versus-all sub-models and output formula (<c>OneVersusAllModelParameters._impl</c>:
/// <c>Predictors</c>, <c>OutputFormula</c>), and each tree's per-split value substituted for NaN
/// (<c>RegressionTreeBase._tree.DefaultValueForMissing</c>, set for LightGBM splits with a missing
/// direction). ML.NET evaluates a split as <c>v &lt;= threshold</c> with <c>v = x</c>, or, when
/// <c>x</c> is NaN and the tree has that array, <c>v = DefaultValueForMissing[node]</c>; so NaN goes
/// left exactly when the array exists and its value is <c>&lt;= threshold</c>.
/// </para>
/// </summary>
internal static class TreeModelReader
{
    public static FlatTreeClassifier? TryRead(ITransformer transformer, DataViewSchema inputSchema, int width, out string reason)
    {
        try
        {
            return Read(transformer, inputSchema, width, out reason);
        }
        catch (Exception e)
        {
            // Whatever goes wrong reading ML.NET's objects, the model still predicts through ML.NET.
            reason = $"could not read the trees ({e.GetType().Name}: {e.Message})";
            return null;
        }
    }

    private static FlatTreeClassifier? Read(ITransformer transformer, DataViewSchema inputSchema, int width, out string reason)
    {
        if (transformer is not IEnumerable<ITransformer> chain) { reason = $"not a transformer chain ({transformer.GetType().Name})"; return null; }
        var parts = chain.ToList();
        if (parts.Count != 2 || parts[0] is not MulticlassPredictionTransformer<OneVersusAllModelParameters> predictor || parts[1] is not KeyToValueMappingTransformer)
        { reason = $"unexpected pipeline ({string.Join(" -> ", parts.Select(p => p.GetType().Name))})"; return null; }
        if (predictor.FeatureColumnName != "Features") { reason = $"features read from column '{predictor.FeatureColumnName}'"; return null; }

        // Key k (1-based) of PredictedLabel becomes class value keyValues[k - 1] in PredictedClass.
        var labelColumn = predictor.GetOutputSchema(inputSchema)["PredictedLabel"];
        if (transformer.GetOutputSchema(inputSchema)["PredictedClass"].Type != NumberDataViewType.UInt32) { reason = "PredictedClass is not uint"; return null; }
        var keyValues = default(VBuffer<uint>);
        labelColumn.GetKeyValues(ref keyValues);
        var classValues = keyValues.DenseValues().ToArray();

        if (!TryGetOneVersusAll(predictor.Model, out var formula, out var subModels, out reason)) return null;
        if (subModels.Length != classValues.Length) { reason = $"{subModels.Length} sub-models for {classValues.Length} classes"; return null; }

        var builder = new Builder(width);
        var slopes = new double[subModels.Length];
        var offsets = new double[subModels.Length];
        for (var c = 0; c < subModels.Length; c++)
        {
            var (ensemble, calibrator) = Uncalibrate(subModels[c]);
            if (formula == ScoreFormula.ProbabilityNormalization)
            {
                if (calibrator is not PlattCalibrator platt) { reason = $"class {c}: calibrator {calibrator?.GetType().Name ?? "none"} is not Platt"; return null; }
                slopes[c] = platt.Slope;
                offsets[c] = platt.Offset;
            }
            var trees = TreesOf(ensemble);
            if (trees is null) { reason = $"class {c}: sub-model {ensemble?.GetType().Name ?? "null"} is not a tree ensemble"; return null; }
            builder.StartClass();
            foreach (var tree in trees)
                if (!builder.AddTree(tree, out reason)) { reason = $"class {c}: {reason}"; return null; }
        }
        var codes = new byte[classValues.Length];
        for (var c = 0; c < codes.Length; c++) codes[c] = (byte)classValues[c];
        reason = "";
        return builder.Build(formula, slopes, offsets, codes);
    }

    private static bool TryGetOneVersusAll(OneVersusAllModelParameters model, out ScoreFormula formula, out object[] subModels, out string reason)
    {
        formula = default;
        subModels = [];
        var impl = typeof(OneVersusAllModelParameters).GetField("_impl", BindingFlags.Instance | BindingFlags.NonPublic)?.GetValue(model);
        var formulaValue = impl?.GetType().GetField("OutputFormula", BindingFlags.Instance | BindingFlags.Public)?.GetValue(impl);
        var predictors = impl?.GetType().GetProperty("Predictors", BindingFlags.Instance | BindingFlags.Public)?.GetValue(impl) as Array;
        if (formulaValue is null || predictors is null) { reason = "one-versus-all internals not found (ML.NET version?)"; return false; }
        var f = Convert.ToInt32(formulaValue, System.Globalization.CultureInfo.InvariantCulture);
        if (f is < 0 or > 2) { reason = $"unknown one-versus-all output formula {formulaValue}"; return false; }
        formula = (ScoreFormula)f;
        subModels = predictors.Cast<object>().ToArray();
        reason = "";
        return true;
    }

    /// <summary>The sub-model and calibrator of a calibrated model (any <see cref="CalibratedModelParametersBase{TSubModel, TCalibrator}"/>); else the model itself and null.</summary>
    private static (object? Model, object? Calibrator) Uncalibrate(object model)
    {
        for (var t = model.GetType(); t is not null; t = t.BaseType)
        {
            if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(CalibratedModelParametersBase<,>))
            {
                const BindingFlags declared = BindingFlags.Instance | BindingFlags.Public | BindingFlags.DeclaredOnly;
                return (t.GetProperty(nameof(CalibratedModelParametersBase<object, ICalibrator>.SubModel), declared)!.GetValue(model),
                        t.GetProperty(nameof(CalibratedModelParametersBase<object, ICalibrator>.Calibrator), declared)!.GetValue(model));
            }
        }
        return (model, null);
    }

    private static IEnumerable<RegressionTreeBase>? TreesOf(object? model) => model switch
    {
        TreeEnsembleModelParametersBasedOnRegressionTree r => r.TrainedTreeEnsemble.Trees,
        TreeEnsembleModelParametersBasedOnQuantileRegressionTree q => q.TrainedTreeEnsemble.Trees,
        _ => null,
    };

    private static readonly FieldInfo? InternalTreeField = typeof(RegressionTreeBase).GetField("_tree", BindingFlags.Instance | BindingFlags.NonPublic);

    /// <summary>ML.NET's per-split NaN substitute, or null when the tree has none (then NaN goes right everywhere).</summary>
    private static bool TryGetMissingValueDefaults(RegressionTreeBase tree, out float[]? defaults)
    {
        defaults = null;
        var inner = InternalTreeField?.GetValue(tree);
        var field = inner?.GetType().GetField("DefaultValueForMissing", BindingFlags.Instance | BindingFlags.Public);
        if (field is null || field.FieldType != typeof(float[])) return false;
        defaults = (float[]?)field.GetValue(inner);
        return true;
    }

    /// <summary>Collects the trees, class by class, in ML.NET's order.</summary>
    private sealed class Builder(int width)
    {
        private readonly List<FlatTree> trees = [];
        private readonly List<int> classTreeStart = [];

        public void StartClass() => classTreeStart.Add(trees.Count);

        public bool AddTree(RegressionTreeBase tree, out string reason)
        {
            reason = "";
            var nodeCount = tree.NumberOfNodes;
            // ML.NET: a tree whose first left child is 0 (one without splits) outputs 0.
            if (nodeCount == 0 || tree.LeftChild[0] == 0)
            {
                trees.Add(FlatTree.Constant(0.0));
                return true;
            }
            if (tree.CategoricalSplitFlags.Any(c => c)) { reason = "categorical splits"; return false; }
            if (!TryGetMissingValueDefaults(tree, out var defaults)) { reason = "missing-value defaults not found (ML.NET version?)"; return false; }
            if (defaults is not null && defaults.Length < nodeCount) { reason = "missing-value defaults shorter than the tree"; return false; }
            var thresholds = tree.NumericalSplitThresholds.Take(nodeCount).ToArray();
            var flat = new FlatTree(
                tree.NumericalSplitFeatureIndexes.Take(nodeCount).ToArray(),
                thresholds,
                Enumerable.Range(0, nodeCount).Select(n => defaults is not null && defaults[n] <= thresholds[n]).ToArray(),
                tree.LeftChild.Take(nodeCount).ToArray(),
                tree.RightChild.Take(nodeCount).ToArray(),
                tree.LeafValues.Take(tree.NumberOfLeaves).ToArray());
            if (!flat.IsValid(width, out reason)) return false;
            trees.Add(flat);
            return true;
        }

        public FlatTreeClassifier Build(ScoreFormula formula, double[] slopes, double[] offsets, byte[] codes)
        {
            classTreeStart.Add(trees.Count);
            return new FlatTreeClassifier(width, trees, [.. classTreeStart], formula, slopes, offsets, codes);
        }
    }
}
