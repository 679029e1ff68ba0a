using Microsoft.ML;
using Microsoft.ML.Data;

namespace MiningLulc.Trees;

/// <summary>
/// The reference: scores through ML.NET itself (an <see cref="IDataView"/> over the matrix, the
/// trained transformer chain, a cursor over <c>PredictedClass</c> and <c>Score</c>). Slow (about
/// 12k rows/s for 700 trees: one row object and one copy per row) but it is, by definition, what
/// the model predicts. Thread-safe: ML.NET transformers may be shared; each call builds its own view.
/// </summary>
internal sealed class MlNetPixelClassifier : IPixelClassifier
{
    private readonly MLContext ml;
    private readonly ITransformer transformer;

    public MlNetPixelClassifier(MLContext ml, ITransformer transformer, int width)
    {
        this.ml = ml;
        this.transformer = transformer;
        var schema = transformer.GetOutputSchema(MatrixDataView.Create(ml, [], 0, width).Schema);
        ScoreCount = schema["Score"].Type is VectorDataViewType { Size: > 0 } v ? v.Size : throw new ArgumentException("the model has no fixed-size Score vector");
    }

    public int ScoreCount { get; }

    public void Predict(float[] rows, int count, int width, Span<byte> classes, Span<float> scores)
    {
        if (count == 0) return;
        var view = MatrixDataView.Create(ml, rows, count, width);
        var scored = transformer.Transform(view);
        var predictedColumn = scored.Schema["PredictedClass"];
        var scoreColumn = scored.Schema["Score"];
        var wanted = scores.IsEmpty ? [predictedColumn] : new[] { predictedColumn, scoreColumn };
        using var cursor = scored.GetRowCursor(wanted);
        var getClass = cursor.GetGetter<uint>(predictedColumn);
        var getScore = scores.IsEmpty ? null : cursor.GetGetter<VBuffer<float>>(scoreColumn);
        var i = 0;
        uint value = 0;
        VBuffer<float> score = default;
        while (cursor.MoveNext())
        {
            getClass(ref value);
            classes[i] = (byte)value;
            if (getScore is not null)
            {
                getScore(ref score);
                score.CopyTo(scores.Slice(i * ScoreCount, ScoreCount));
            }
            i++;
        }
    }
}
