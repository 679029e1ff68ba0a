using System.Text.Json;

namespace MiningLulc.Catalog;

/// <summary>
/// The files of a region folder (docs/inputs.md), found through the patterns of
/// <see cref="InputSettings"/>. Only lists files; opening them is the readers' job.
/// </summary>
public sealed class RegionFolder
{
    private RegionFolder(string directory, string name, InputSettings settings)
    {
        Directory = directory;
        Name = name;
        Settings = settings;
    }

    public string Directory { get; }
    /// <summary>The region's name: region.json's "name", else the folder name.</summary>
    public string Name { get; }
    public InputSettings Settings { get; }

    public string SitesPath => Path.Combine(Directory, Settings.SitesFile);

    public static RegionFolder Open(string directory, InputSettings settings)
    {
        var full = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(full)) throw new InvalidInputException("region folder not found", directory);
        var name = new DirectoryInfo(full).Name;
        var meta = Path.Combine(full, "region.json");
        if (File.Exists(meta))
        {
            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllText(meta));
                if (doc.RootElement.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(n.GetString()))
                    name = n.GetString()!;
            }
            catch (JsonException e) { throw new InvalidInputException($"invalid JSON: {e.Message}", meta, e); }
        }
        var folder = new RegionFolder(full, SafeName(name), settings);
        if (!File.Exists(folder.SitesPath)) throw new InvalidInputException($"no {settings.SitesFile} in the region folder", full);
        return folder;
    }

    /// <summary>
    /// A region name made safe in file names, changing as little as possible (the files are named
    /// <c>&lt;region&gt;_NNN.gpkg</c>, docs/output-schema.md): path separators, characters no file
    /// system accepts (<c>: * ? " &lt; &gt; |</c>) and control characters become '_', '..' becomes
    /// '__', and leading dots and spaces go; letters of any script, digits, spaces and other
    /// punctuation stay. Whatever a region.json says, nothing is ever written outside the output folder.
    /// </summary>
    public static string SafeName(string name)
    {
        var chars = name.Trim().Select(c => char.IsControl(c) || c is '/' or '\\' or ':' or '*' or '?' or '"' or '<' or '>' or '|' ? '_' : c).ToArray();
        var safe = new string(chars).Replace("..", "__", StringComparison.Ordinal).TrimStart('.', ' ');
        return safe.Length == 0 ? "region" : safe;
    }

    /// <summary>Composite files for a year (tiles of one mosaic, or one VRT), sorted; empty when none.</summary>
    public IReadOnlyList<string> S2Files(int year)
    {
        var vrts = Glob(Settings.S2VrtPattern.Replace("{year}", year.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        if (vrts.Count > 0) return vrts.Take(1).ToList();
        return Glob(Settings.S2Pattern.Replace("{year}", year.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>Years with at least one composite file.</summary>
    public IReadOnlyList<int> S2Years() =>
        Enumerable.Range(Settings.MinYear, Settings.MaxYear - Settings.MinYear + 1).Where(y => S2Files(y).Count > 0).ToList();

    public IReadOnlyList<string> DcmFiles() => Glob(Settings.DcmPattern);
    public IReadOnlyList<string> TimeFiles() => Glob(Settings.TimePattern);

    /// <summary>Reference label sources: zips and GeoPackages under labels/.</summary>
    public IReadOnlyList<string> LabelFiles()
    {
        var dir = Path.Combine(Directory, Settings.LabelsFolder);
        if (!System.IO.Directory.Exists(dir)) return [];
        return System.IO.Directory.GetFiles(dir).Where(f => f.EndsWith(".zip", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".gpkg", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>A "folder/file-pattern" glob: wildcards (* and ?) in the file name only, case-insensitive.</summary>
    private List<string> Glob(string pattern)
    {
        var dir = Path.Combine(Directory, Path.GetDirectoryName(pattern) ?? "");
        if (!System.IO.Directory.Exists(dir)) return [];
        var options = new EnumerationOptions { MatchCasing = MatchCasing.CaseInsensitive, RecurseSubdirectories = false };
        return System.IO.Directory.GetFiles(dir, Path.GetFileName(pattern), options).Order(StringComparer.Ordinal).ToList();
    }
}
