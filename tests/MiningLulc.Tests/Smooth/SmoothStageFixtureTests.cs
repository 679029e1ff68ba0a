using System.Globalization;
using System.Text.Json;
using MiningLulc.Align;
using MiningLulc.Geo;
using MiningLulc.Smooth;

namespace MiningLulc.Tests.Smooth;

/// <summary>
/// The Smooth stage as the pipeline runs it — GeoTIFF in, UTM zone from the classified pixels,
/// metres through PROJ, filter — against the reference R outputs of the shared fixture.
/// </summary>
public class SmoothStageFixtureTests
{
    private const string Folder = "fixtures/majority-filter";

    [SharedFileFact(Folder)]
    public void ReproducesTheReferenceOnEveryPixelExceptExactDistanceTies()
    {
        var dir = Path.Combine(TestPaths.Shared, Folder);
        using var cases = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "cases.json")));
        foreach (var (name, expectedCompared) in new[] { ("geographic", 3424), ("utm-south", 6038), ("small", 30) })
        {
            var (classes, grid) = ReadClasses(Path.Combine(dir, $"{name}_in.tif"));
            var (expected, _) = ReadClasses(Path.Combine(dir, $"{name}_out.tif"));
            Assert.Equal(cases.RootElement.GetProperty("cases").GetProperty(name).GetProperty("utm_epsg").GetInt32(), SmoothStage.UtmZoneOfClassifiedPixels(classes, grid));

            var filtered = SmoothStage.Apply(classes, grid, new SmoothSettings { Enabled = true, Neighbours = 48 });
            var exactTies = File.ReadAllLines(Path.Combine(dir, $"{name}_tie_sensitive.csv")).Skip(1).Where(l => l.Length > 0)
                .Select(l => l.Split(',')).Where(c => c[4] == "1")
                .Select(c => int.Parse(c[0], CultureInfo.InvariantCulture) * grid.Width + int.Parse(c[1], CultureInfo.InvariantCulture)).ToHashSet();
            var compared = 0;
            var mismatches = new List<int>();
            for (var i = 0; i < classes.Length; i++)
            {
                if (classes[i] == 0) { Assert.Equal(0, filtered[i]); continue; }
                if (exactTies.Contains(i)) continue;
                compared++;
                if (filtered[i] != expected[i]) mismatches.Add(i);
            }
            Assert.Equal(expectedCompared, compared);
            Assert.True(mismatches.Count == 0, $"{name}: {mismatches.Count} pixels differ from R, first at row {mismatches.FirstOrDefault() / grid.Width}, col {mismatches.FirstOrDefault() % grid.Width}");
        }
    }

    private static (byte[] Classes, SiteGrid Grid) ReadClasses(string path)
    {
        using var ds = RasterDataset.Open(path);
        var classes = new byte[ds.Width * ds.Height];
        ds.Read(1, ds.FullWindow, classes.AsSpan());
        return (classes, new SiteGrid(ds.Width, ds.Height, ds.Transform, ds.CrsWkt, ds.FullWindow));
    }
}
