using System.Xml.Linq;
using MiningLulc.Pipeline;
using MiningLulc.Vectorize;

namespace MiningLulc.Tests.Vectorize;

/// <summary>The .qml written beside each GeoPackage: QGIS colours the layer by class when it opens it.</summary>
[Collection(SyntheticRegionCollection.Name)]
public class QgisStyleTests(SyntheticRegionFixture region)
{
    [Fact]
    public void The_style_colours_polygons_by_class_name_with_the_class_palette()
    {
        var doc = XDocument.Parse(QgisStyle.Text());
        var renderer = doc.Root!.Element("renderer-v2")!;
        Assert.Equal("categorizedSymbol", (string?)renderer.Attribute("type"));
        Assert.Equal("class_name", (string?)renderer.Attribute("attr"));
        var categories = renderer.Element("categories")!.Elements("category").ToList();
        Assert.Equal(["Open pit", "Waste dumping site", "General disturbed land", "Water body", "Facility", "Bare soil", "Vegetation"],
            categories.Select(c => (string)c.Attribute("value")!));
        var symbols = renderer.Element("symbols")!.Elements("symbol").ToDictionary(s => (string)s.Attribute("name")!);
        foreach (var category in categories)
        {
            var symbol = symbols[(string)category.Attribute("symbol")!];
            var colour = symbol.Element("layer")!.Elements("prop").Single(p => (string?)p.Attribute("k") == "color");
            var (r, g, b) = LulcClasses.Colours[LulcClasses.Names.ToList().IndexOf((string)category.Attribute("value")!)];
            Assert.Equal($"{r},{g},{b},255", (string?)colour.Attribute("v"));
        }
        // Open pit is red, water blue, vegetation green: a spot check of the palette itself.
        Assert.Equal((215, 48, 31), ((int, int, int))LulcClasses.Colours[0]);
    }

    [Fact]
    public void Each_GeoPackage_gets_its_style_and_stale_styles_go_with_stale_files()
    {
        var output = region.NewFolder("qml");
        var small = region.Config with { Vectorize = region.Config.Vectorize with { MaxFeaturesPerFile = 40 } };
        var many = RegionRunner.Run(new RunRequest { RegionDirectory = region.Region, Model = region.Model, OutDirectory = output, Config = small });
        Assert.True(many.Files.Count > 1, $"{many.Files.Count} file(s)");
        foreach (var file in many.Files)
            Assert.Equal(QgisStyle.Text(), File.ReadAllText(Path.ChangeExtension(file, ".qml")));

        var one = RegionRunner.Run(new RunRequest { RegionDirectory = region.Region, Model = region.Model, OutDirectory = output, Config = region.Config });
        Assert.Single(one.Files);
        Assert.Equal([Path.ChangeExtension(Path.GetFileName(one.Files[0]), ".qml")], Directory.GetFiles(output, "*.qml").Select(Path.GetFileName));
    }
}
