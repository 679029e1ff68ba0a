using System.Globalization;

namespace MiningLulc.Tests;

/// <summary>The dataset authors' 490 real training samples (../shared/real/cheng2025), read in place.</summary>
public sealed record AuthorSample(string Id, float[] Bands, float Elevation, float Mndwi, float Ndbi, float Ndvi, float Bsi, LulcClass Label)
{
    public const string RelativePath = "real/cheng2025/example_data_rf.csv";

    /// <summary>Bands in the engine's order: B02 B03 B04 B05 B06 B07 B08 B8A B11 B12.</summary>
    public static IReadOnlyList<AuthorSample> Load()
    {
        var lines = File.ReadAllLines(Path.Combine(TestPaths.Shared, RelativePath));
        var header = lines[0].Split(',');
        int Col(string name) => Array.IndexOf(header, name);
        string[] bandColumns = ["B2", "B3", "B4", "B5", "B6", "B7", "B8", "B8A", "B11", "B12"];
        var bandIdx = bandColumns.Select(Col).ToArray();
        return lines.Skip(1).Where(l => l.Length > 0).Select(l =>
        {
            var c = l.Split(',');
            float F(string name) => float.Parse(c[Col(name)], CultureInfo.InvariantCulture);
            return new AuthorSample(c[Col("id")], bandIdx.Select(i => float.Parse(c[i], CultureInfo.InvariantCulture)).ToArray(),
                F("elevation"), F("MNDWI"), F("NDBI"), F("NDVI"), F("BSI"), (LulcClass)int.Parse(c[Col("label")], CultureInfo.InvariantCulture));
        }).ToList();
    }
}
