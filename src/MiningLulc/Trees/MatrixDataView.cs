using Microsoft.ML;
using Microsoft.ML.Data;

namespace MiningLulc.Trees;

/// <summary>A row-major float matrix as an ML.NET data view with one vector column "Features".</summary>
internal static class MatrixDataView
{
    private sealed class Row
    {
        public float[] Features = [];
    }

    public static IDataView Create(MLContext ml, float[] matrix, int count, int width)
    {
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        return ml.Data.LoadFromEnumerable(Rows(matrix, count, width), schema);
    }

    private static IEnumerable<Row> Rows(float[] matrix, int count, int width)
    {
        for (var i = 0; i < count; i++) yield return new Row { Features = matrix.AsSpan(i * width, width).ToArray() };
    }
}
