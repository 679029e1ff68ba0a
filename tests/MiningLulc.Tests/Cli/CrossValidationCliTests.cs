using MiningLulc.Cli;
using MiningLulc.Model;

namespace MiningLulc.Tests.Cli;

/// <summary><c>train --cv K</c> from the command line, on the tiny synthetic region (6 generated sites in 4 groups: 1, 3 and 4 touch).</summary>
[Collection(SyntheticRegionCollection.Name)]
public class CrossValidationCliTests(SyntheticRegionFixture region)
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "mining-lulc.dll");

    private static (int Code, string Output) Cli(params string[] args) => Tools.Run("dotnet", [Dll, .. args]);

    [Fact]
    public void Train_with_cv_prints_the_table_stores_it_in_the_card_and_inspect_shows_it()
    {
        using var dir = new TempDir();
        var model = dir.File("m.zip");
        // Ten boosting rounds keep the four fits (three folds and the model) short; the folds are what is checked.
        var (code, output) = Cli("train", "--region", region.Region, "--out", model, "--cv", "3", "--set", "training.trees=10", "--workers", "2");
        Assert.True(code == 0, output);

        var cv = ClassifierModel.ReadCard(model).Cv!;
        Assert.Equal(3, cv.K);
        Assert.Equal(6, cv.Folds.Sum(f => f.Sites));
        Assert.Equal(4, cv.Folds.Sum(f => f.Groups));
        var oa = cv.Folds.Select(f => f.Scores.OverallAccuracy!.Value.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var mean = cv.Mean.OverallAccuracy!.Value.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture);
        // The printed row is the card's: the three folds, then the mean; inspect prints the same row from the zip.
        var row = $"overall accuracy\\s*│\\s*{oa[0]}\\s*│\\s*{oa[1]}\\s*│\\s*{oa[2]}\\s*│\\s*{mean}\\s*│";
        Assert.Matches(row, output);
        foreach (var figure in new[] { "fold 1", "fold 3", "mean", "sd", "kappa", "macro F1", "F1 Open pit", "F1 Vegetation" }) Assert.Contains(figure, output);

        var (inspectCode, inspected) = Cli("inspect", model);
        Assert.Equal(0, inspectCode);
        Assert.Matches(row, inspected);
        Assert.Contains("3 folds of site groups, seed 42", inspected);
    }

    [Fact]
    public void Cv_with_holdout_or_with_fewer_than_two_folds_is_refused_with_exit_code_2()
    {
        using var dir = new TempDir();
        var (code, output) = Cli("train", "--region", region.Region, "--out", dir.File("m.zip"), "--cv", "3", "--holdout", "0.3");
        Assert.Equal((int)ExitCode.BadInput, code);
        Assert.Contains("--cv and --holdout cannot be combined", output);
        var (one, oneOutput) = Cli("train", "--region", region.Region, "--out", dir.File("m.zip"), "--cv", "1");
        Assert.Equal((int)ExitCode.BadInput, one);
        Assert.Contains("--cv must be at least 2 folds, got 1", oneOutput);
        Assert.False(File.Exists(dir.File("m.zip")));
    }
}
