using System.Globalization;
using MiningLulc.Align;
using MiningLulc.Catalog;
using MiningLulc.Geo;
using MiningLulc.Vectorize;
using MiningLulc.Model;

namespace MiningLulc.Inspection;

/// <summary>What a file or folder holds (facts), what is wrong with it (problems), an optional table, and more titled tables.</summary>
public sealed record InspectionReport(string Title, IReadOnlyList<(string Key, string Value)> Facts, IReadOnlyList<string> Problems,
    IReadOnlyList<string>? TableHeader = null, IReadOnlyList<IReadOnlyList<string>>? TableRows = null)
{
    /// <summary>Tables after the first, each with its title (a model's cross-validation beside its out-of-bag matrix).</summary>
    public IReadOnlyList<TitledTable> MoreTables { get; init; } = [];

    /// <summary>
    /// The report as JSON for scripts: {"title", "facts": {key: value}, "problems": [...], "table": [{column: cell}]}
    /// (table rows keyed by the column headers; facts in their order), and "tables": [{"title", "rows": [{column: cell}]}] when there are more.
    /// </summary>
    public string ToJson()
    {
        var facts = new Dictionary<string, string>();
        foreach (var (k, v) in Facts) facts[facts.ContainsKey(k) ? $"{k} ({facts.Count})" : k] = v;
        var table = TableHeader is { } header && TableRows is { } rows ? Keyed(header, rows) : null;
        var report = new Dictionary<string, object?> { ["title"] = Title, ["facts"] = facts, ["problems"] = Problems, ["table"] = table };
        if (MoreTables.Count > 0) report["tables"] = MoreTables.Select(t => new { title = t.Title, rows = Keyed(t.Header, t.Rows) }).ToList();
        return System.Text.Json.JsonSerializer.Serialize(report,
            new System.Text.Json.JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    private static List<Dictionary<string, string>> Keyed(IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows) =>
        rows.Select(r => header.Zip(r).ToDictionary(p => p.First, p => p.Second)).ToList();
}

/// <summary>A table with a title and a header row.</summary>
public sealed record TitledTable(string Title, IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows);

/// <summary>
/// Looks at a raster, a GeoPackage or zip of them, a model, or a region folder and says what it is
/// and what is wrong with it. Problems in what it can open are part of the report (and make the
/// command exit 1, like a validator); a file it cannot open at all is an error naming it.
/// </summary>
public static class Inspector
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static InspectionReport Inspect(string path, EngineConfig? config = null)
    {
        config ??= EngineConfig.Default;
        if (Directory.Exists(path)) return File.Exists(Path.Combine(path, config.Input.SitesFile)) ? Region(path, config) : Folder(path);
        if (!File.Exists(path) && !path.StartsWith("/vsi", StringComparison.Ordinal)) throw new InvalidInputException("not found", path);
        var ext = Path.GetExtension(path).ToLowerInvariant();
        if (ext == ".zip")
        {
            bool isModel;
            try
            {
                using var zip = System.IO.Compression.ZipFile.OpenRead(path);
                isModel = zip.GetEntry(ClassifierModel.CardEntry) is not null;
            }
            catch (InvalidDataException e) { throw new InvalidInputException($"not a readable zip ({e.Message})", path, e); }
            return isModel ? Model(path) : Vector(path);
        }
        if (ext is ".gpkg" or ".shp" or ".geojson" or ".json") return Vector(path);
        return Raster(path, config);
    }

    private static InspectionReport Raster(string path, EngineConfig config)
    {
        var facts = new List<(string, string)>();
        var problems = new List<string>();
        using var ds = RasterDataset.Open(path);
        facts.Add(("driver", ds.DriverName));
        facts.Add(("size", $"{ds.Width} x {ds.Height}, {ds.BandCount} band(s)"));
        var t = ds.Transform;
        facts.Add(("origin", $"{t.OriginX.ToString("R", Inv)}, {t.OriginY.ToString("R", Inv)}"));
        facts.Add(("pixel size", $"{t.PixelWidth.ToString("R", Inv)} x {t.PixelHeight.ToString("R", Inv)}"));
        if (!ds.HasTransform) problems.Add("no geotransform: the raster cannot be placed on the Earth");
        if (string.IsNullOrEmpty(ds.CrsWkt)) problems.Add("no CRS");
        else { using var crs = ds.Crs(); facts.Add(("crs", crs.ToString())); }
        foreach (var b in ds.Bands)
            facts.Add(($"band {b.Index}", $"{b.DataType}, '{b.Description}', nodata {(b.NoData is double nd ? nd.ToString("R", Inv) : "none")}"));
        if (ds.BandCount >= 10)
        {
            try { var idx = BandMatcher.Match(ds.Bands, config.Input.BandNames, path); facts.Add(("sentinel-2 bands", string.Join(" ", idx))); }
            catch (InvalidInputException e) { problems.Add(e.Message); }
        }
        // Read one block to prove the data is readable (truncated files fail here, not later).
        try
        {
            var w = new Window(0, 0, Math.Min(256, ds.Width), Math.Min(256, ds.Height));
            var buffer = new float[w.Area];
            for (var b = 1; b <= ds.BandCount; b++) ds.Read(b, w, buffer.AsSpan());
        }
        catch (InvalidInputException e) { problems.Add(e.Message); }
        return new InspectionReport($"raster {path}", facts, problems);
    }

    private static InspectionReport Vector(string path)
    {
        var facts = new List<(string, string)>();
        var problems = new List<string>();
        var sources = LabelReader.Sources(path);
        foreach (var source in sources)
        {
            using var ds = VectorDataset.Open(source);
            foreach (var layer in ds.Layers)
            {
                using var crs = layer.Crs();
                facts.Add(($"{Path.GetFileName(source)}:{layer.Name}", $"{layer.FeatureCount} features, {crs?.ToString() ?? "no CRS"}, fields {string.Join(", ", layer.Fields.Select(f => $"{f.Name}:{f.Type}"))}"));
            }
            if (ds.Layers.Any(l => l.Fields.Any(f => f.Name == PublishedSchema.ClassName)))
                problems.AddRange(PublishedSchemaValidator.Check(source).Select(p => $"{Path.GetFileName(source)}: {p}"));
        }
        if (sources.Count == 0) problems.Add("no GeoPackage inside");
        return new InspectionReport($"vector {path}", facts, problems);
    }

    private static InspectionReport Model(string path)
    {
        var model = ClassifierModel.Load(path);
        var c = model.Card;
        var facts = new List<(string, string)>
        {
            ("method", c.Method), ("trainer", c.Trainer),
            ("parameters", string.Join(", ", c.Parameters.Select(kv => $"{kv.Key}={kv.Value}"))),
            ("features", $"{c.FeatureSet} (schema v{c.FeatureSchemaVersion}, hash {c.FeatureSetHash}): {string.Join(" ", c.Features)}"),
            ("training", $"{c.TrainingSites} sites of {string.Join(", ", c.TrainingRegions)}; samples {string.Join(", ", c.SamplesPerClass.Select(kv => $"{kv.Key} {kv.Value}"))}"),
        };
        if (c.Holdout is { } h) facts.Add(("held-out sites", $"{h.Sites} sites, {h.Pixels} px: overall accuracy {h.OverallAccuracy:0.000}, kappa {h.Kappa:0.000}"));
        if (c.Holdout?.FeatureImportance is { Count: > 0 } importance)
            facts.Add(("feature importance", "accuracy lost on the held-out pixels when one feature is shuffled: " +
                string.Join(", ", importance.Take(8).Select(i => $"{i.Feature} {i.AccuracyDrop:0.000}")) + (importance.Count > 8 ? ", ..." : "")));
        facts.Add(("inference", model.InferencePath));
        if (c.Calibration is { } cal)
            facts.Add(("calibration", $"temperature {cal.Temperature.ToString("0.###", Inv)} (" +
                (cal.TemperatureByClass is { } byClass ? $"and per class: {string.Join(", ", byClass.Select(kv => $"{kv.Key} {kv.Value.ToString("0.###", Inv)}"))}; " : "") +
                $"fitted on {cal.FittedOn}, {cal.Pixels.ToString(Inv)} px; log-loss {cal.LogLossBefore.ToString("0.000", Inv)} -> {cal.LogLossAfter.ToString("0.000", Inv)}): applied to run --confidence only"));
        IReadOnlyList<TitledTable> cv = [];
        if (c.Cv is { } v)
        {
            facts.Add(("cross-validation", $"{v.K} folds of site groups, seed {v.Seed}: overall accuracy {Mean(v, s => s.OverallAccuracy)}, "
                + $"kappa {Mean(v, s => s.Kappa)}, macro F1 {Mean(v, s => s.MacroF1)} (mean ± sd over folds; table below)"));
            var (cvHeader, cvRows) = v.ToTable();
            cv = [new TitledTable(v.TableTitle(), cvHeader, cvRows)];
        }
        if (c.OutOfBag is not { } oob) return new InspectionReport($"model {path}", facts, []) { MoreTables = cv };
        // As R's print(rf): the out-of-bag error rate, then the confusion matrix with each class's error.
        var trees = model.Forest?.Trees.Count.ToString(Inv) ?? "?";
        facts.Add(("out-of-bag error", $"{(oob.Error * 100).ToString("0.00", Inv)} % of {oob.Rows.ToString(Inv)} training rows ({trees} trees, "
            + $"{c.Parameters.GetValueOrDefault("mtry", "?")} features tried at each split); confusion matrix below (rows: class, columns: out-of-bag vote)"));
        var codes = oob.Classes.Select(n => ((int)LulcClasses.Parse(n)!.Value).ToString(Inv)).ToList();
        var rows = oob.Classes.Select((name, i) => (IReadOnlyList<string>)
            [$"{codes[i]} {name}", .. oob.Confusion[i].Select(n => n.ToString(Inv)), oob.ClassError[i].ToString("0.000", Inv)]).ToList();
        return new InspectionReport($"model {path}", facts, [], ["class", .. codes, "class error"], rows) { MoreTables = cv };
    }

    private static string Mean(CrossValidationResult cv, Func<CrossValidationScores, double?> figure) =>
        $"{F3(figure(cv.Mean))} ± {F3(figure(cv.Sd))}";

    private static string F3(double? v) => v is { } x ? x.ToString("0.000", Inv) : "n/a";

    private static InspectionReport Folder(string path) =>
        new($"folder {path}", [("files", Directory.GetFileSystemEntries(path).Length.ToString(Inv))],
            [$"not a region folder (no {EngineConfig.Default.Input.SitesFile})"]);

    private static InspectionReport Region(string path, EngineConfig config)
    {
        var catalog = RegionCatalog.Build(path, config.Input);
        var f = catalog.Folder;
        var facts = new List<(string, string)>
        {
            ("region", f.Name),
            ("sites", $"{catalog.Entries.Count} ({catalog.Ready.Count()} ready, {catalog.Entries.Count(e => e.Status == SiteStatus.Skipped)} skipped, {catalog.Problems.Count} unreadable)"),
            ("composites", string.Join(", ", f.S2Years().Select(y => $"{y} ({f.S2Files(y).Count} file(s))"))),
            ("dcm tiles", string.Join(", ", f.DcmFiles().Select(Path.GetFileName))),
            ("labels", f.LabelFiles().Count == 0 ? "none" : string.Join(", ", f.LabelFiles().Select(Path.GetFileName))),
        };
        var problems = catalog.Problems.Select(p => $"feature {p.Fid} (site {p.Id?.ToString(Inv) ?? "?"}): {p.Reason}").ToList();
        // Tiles GDAL cannot open: the sites on them are skipped (listed below); the file itself is the problem to fix.
        foreach (var (files, kind) in new[] { (f.DcmFiles(), "DCM"), (f.TimeFiles(), "DCM TIME") })
            problems.AddRange(TileSet.Open(files, kind).Unreadable.Select(t => $"{kind} tile {t.Reason}"));
        foreach (var year in f.S2Years())
        {
            // Opening each year's composite finds what would stop its sites: unnamed bands, mixed CRS, missing bands.
            try
            {
                using var composite = Composite.Open(year, f.S2Files(year), config.Input, config.Align.BandResampling, config.Align.WarpErrorPixels);
                using var crs = composite.Crs();
                facts.Add(($"composite {year.ToString(Inv)}", $"{crs}: {composite.Describe()}"));
            }
            catch (MiningLulcException e) { problems.Add($"composite {year.ToString(Inv)}: {e.Message}"); }
        }
        problems.AddRange(catalog.Entries.Where(e => e.Status == SiteStatus.Skipped).Select(e => $"site {e.Site.Id}: {e.Reason}"));
        problems.AddRange(catalog.Entries.Where(e => e.Site.Repair is not null).Select(e => $"site {e.Site.Id}: geometry repaired ({e.Site.Repair})"));
        var rows = catalog.Entries.Select(e => (IReadOnlyList<string>)
        [
            e.Site.Id.ToString(Inv), e.Year?.ToString(Inv) ?? "-", e.TimeStamp?.ToString("0.000", Inv) ?? "-", e.S2Source ?? "-",
            (e.AreaM2 / 1e6).ToString("0.000", Inv), e.Status == SiteStatus.Ready ? "ready" : "skipped: " + e.Reason,
        ]).ToList();
        return new InspectionReport($"region {f.Directory}", facts, problems, ["site", "year", "time stamp", "composite", "km²", "status"], rows);
    }
}
