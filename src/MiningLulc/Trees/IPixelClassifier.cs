namespace MiningLulc.Trees;

/// <summary>
/// Classifies the rows of a row-major feature matrix (one row per pixel, NaN = missing value).
/// Two implementations: <see cref="MlNetPixelClassifier"/> (ML.NET's own scoring, the reference)
/// and <see cref="FlatTreeClassifier"/> (the same trees in flat arrays, the fast path); they give
/// identical classes and bit-identical scores. Implementations are immutable and thread-safe.
/// </summary>
internal interface IPixelClassifier
{
    /// <summary>Number of score columns: one per class the model was trained on (its label keys).</summary>
    int ScoreCount { get; }

    /// <summary>
    /// Classes (codes 1..7; 0 where no score is a number) for <paramref name="count"/> rows of
    /// <paramref name="rows"/>, which has <paramref name="width"/> features per row. When
    /// <paramref name="scores"/> is not empty it receives <see cref="ScoreCount"/> scores per row,
    /// exactly ML.NET's <c>Score</c> column (per-class probabilities for the models trained here).
    /// </summary>
    void Predict(float[] rows, int count, int width, Span<byte> classes, Span<float> scores);
}
