using System.CommandLine;
using MiningLulc.Align;
using MiningLulc.Catalog;

namespace MiningLulc.Cli.Commands;

internal static class AlignCommand
{
    public static Command Create()
    {
        var region = new Option<string>("--region") { Description = "The region folder.", Required = true };
        var site = new Option<long>("--site") { Description = "The site_id to align.", Required = true };
        var output = new Option<string>("--out") { Description = "GeoTIFF to write: the ten reflectances, dh, time (decimal year), valid, site_mask on the site grid.", Required = true };
        var config = CommonOptions.Config();
        var preset = CommonOptions.Preset();
        var command = new Command("align", "Write one site's aligned inputs as a multi-band GeoTIFF, to look at next to the inputs.") { region, site, output, config, preset };
        command.SetAction(r => CommandAction.Run(() => Run(r.GetValue(region)!, r.GetValue(site), r.GetValue(output)!, CommonOptions.Load(r.GetValue(config), r.GetValue(preset)))));
        return command;
    }

    private static ExitCode Run(string region, long siteId, string output, EngineConfig config)
    {
        var catalog = RegionCatalog.Build(region, config.Input);
        var entry = catalog.Entries.FirstOrDefault(e => e.Site.Id == siteId)
            ?? throw new InvalidInputException($"has no site {siteId} (site ids: {string.Join(", ", catalog.Entries.Select(e => e.Site.Id).Take(20))}{(catalog.Entries.Count > 20 ? ", ..." : "")})", catalog.Folder.SitesPath);
        if (entry.Status != SiteStatus.Ready) throw new InvalidInputException($"site {siteId} cannot be aligned: {entry.Reason}", catalog.Folder.SitesPath);
        using var aligner = new SiteAligner(catalog.Folder, config.Align);
        var layout = aligner.Plan(entry);
        var site = aligner.Read(layout, new Geo.Window(0, 0, layout.Grid.Width, layout.Grid.Height));
        var counter = new CoverageCounter(layout);
        counter.Add(site, new Geo.Window(0, 0, layout.Grid.Width, layout.Grid.Height));
        var c = counter.Result;
        AlignedStackWriter.Write(site, config.Input.BandNames, output);
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        ConsoleUi.Facts($"site {siteId}", [
            ("year", entry.Year!.Value.ToString(inv)), ("composite", entry.S2Source ?? "-"),
            ("bands", aligner.DescribeComposite(entry.Year!.Value)),
            ("grid", $"{site.Grid.Width} x {site.Grid.Height} px at window {site.Grid.SourceWindow} of the composite"),
            ("site pixels", $"{c.SitePixels.ToString(inv)} ({site.ClassifiableCount.ToString(inv)} classifiable)"),
            ("coverage", $"inside composite {c.InsideComposite:P1}, inside DCM {c.InsideDcm:P1}{(c.Partial ? " (partial site)" : "")}; " +
                         $"with reflectance {c.WithReflectance:P1}, with dh {c.WithDh:P1}"),
            ("dh year", $"{c.DhFromOtherYear:P1} of time-stamped site pixels from another year than {entry.Year!.Value.ToString(inv)}"),
        ]);
        CommandAction.Written("aligned stack", Path.GetFullPath(output));
        return ExitCode.Success;
    }
}
