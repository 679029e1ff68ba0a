using System.CommandLine;

namespace MiningLulc.Cli;

/// <summary>Options shared by several commands.</summary>
internal static class CommonOptions
{
    public static Option<string?> Config() => new("--config") { Description = "Engine settings (JSON), overlaid on the defaults. Default: configs/default.json." };

    public static Option<string?> Preset() => new("--preset") { Description = "A named settings file from configs/ (e.g. 'published' for the authors' method)." };

    public static Option<int> Workers() => new("--workers")
    {
        Description = $"Sites processed in parallel (default: all {Environment.ProcessorCount} cores).",
        DefaultValueFactory = _ => Environment.ProcessorCount,
    };

    /// <summary>The engine config from --config or --preset (not both), else configs/default.json, else built-in defaults.</summary>
    public static EngineConfig Load(string? config, string? preset)
    {
        if (config is not null && preset is not null) throw new InvalidInputException("give --config or --preset, not both");
        if (config is not null) return EngineConfig.Load(config);
        if (preset is not null) return EngineConfig.LoadPreset(preset, Repository.Configs);
        var fallback = Path.Combine(Repository.Configs, "default.json");
        return File.Exists(fallback) ? EngineConfig.Load(fallback) : EngineConfig.Default;
    }
}
