using System.Globalization;
using System.Xml.Linq;

namespace MiningLulc.Vectorize;

/// <summary>
/// A QGIS layer style (.qml) for the published GeoPackages: polygons filled by <c>class_name</c> with
/// the class colours of <see cref="LulcClasses.Colours"/>, labelled with the class names. QGIS applies
/// a .qml that sits beside a data file with the same name when it opens the layer, so
/// <c>sample_001.gpkg</c> opens coloured. Symbol layers carry their properties both as an option map
/// (QGIS 3.26 and later) and as the older <c>prop</c> elements, so older 3.x versions read them too.
/// </summary>
public static class QgisStyle
{
    /// <summary>The style's XML text (the same for every file: the classes do not change).</summary>
    public static string Text() => text.Value;

    private static readonly Lazy<string> text = new(Build);

    private static string Build()
    {
        var categories = new XElement("categories",
            LulcClasses.Names.Select((name, i) => new XElement("category",
                new XAttribute("value", name), new XAttribute("label", name), new XAttribute("symbol", i.ToString(CultureInfo.InvariantCulture)), new XAttribute("render", "true"))));
        var symbols = new XElement("symbols", LulcClasses.Colours.Select((c, i) => Fill(i, c)));
        var qgis = new XElement("qgis", new XAttribute("version", "3.28.0"), new XAttribute("styleCategories", "Symbology"),
            new XElement("renderer-v2",
                new XAttribute("type", "categorizedSymbol"), new XAttribute("attr", PublishedSchema.ClassName),
                new XAttribute("symbollevels", "0"), new XAttribute("enableorderby", "0"), new XAttribute("forceraster", "0"),
                categories, symbols));
        return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + qgis.ToString() + "\n";
    }

    /// <summary>Writes the style beside a GeoPackage (<c>x.gpkg</c> → <c>x.qml</c>); returns its path.</summary>
    public static string WriteBeside(string gpkgPath)
    {
        var path = Path.ChangeExtension(gpkgPath, ".qml");
        AtomicFile.WriteAllText(path, Text());
        return path;
    }

    private static XElement Fill(int index, (byte R, byte G, byte B) colour)
    {
        var properties = new (string Key, string Value)[]
        {
            ("color", $"{colour.R},{colour.G},{colour.B},255"),
            ("outline_color", "50,50,50,255"),
            ("outline_style", "solid"),
            ("outline_width", "0.1"),
            ("outline_width_unit", "MM"),
            ("style", "solid"),
        };
        return new XElement("symbol",
            new XAttribute("type", "fill"), new XAttribute("name", index.ToString(CultureInfo.InvariantCulture)),
            new XAttribute("alpha", "1"), new XAttribute("clip_to_extent", "1"), new XAttribute("force_rhr", "0"),
            new XElement("layer", new XAttribute("class", "SimpleFill"), new XAttribute("enabled", "1"), new XAttribute("locked", "0"), new XAttribute("pass", "0"),
                new XElement("Option", new XAttribute("type", "Map"),
                    properties.Select(p => new XElement("Option", new XAttribute("name", p.Key), new XAttribute("type", "QString"), new XAttribute("value", p.Value)))),
                properties.Select(p => new XElement("prop", new XAttribute("k", p.Key), new XAttribute("v", p.Value)))));
    }
}
