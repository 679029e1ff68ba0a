using System.CommandLine;

namespace MiningLulc.Cli;

/// <summary>Options shared by several commands.</summary>
internal static class CommonOptions
{
    public static Option<string?> Config() => new("--config") { Description = "Engine settings (JSON), overlaid on the built-in defaults. Default: the 'default' preset (configs/default.json, compiled in)." };

    public static Option<string?> Preset() => new("--preset") { Description = $"A named settings preset compiled into the engine from configs/ ({string.Join(", ", EngineConfig.Presets)}; 'published' is the authors' method)." };

    public static Option<int> Workers() => new("--workers")
    {
        Description = $"Sites processed in parallel (default: all {Environment.ProcessorCount} cores).",
        DefaultValueFactory = _ => Environment.ProcessorCount,
    };

    /// <summary>
    /// The engine config from --config FILE or --preset NAME (not both), else the compiled-in 'default' preset.
    /// Presets are read from the assembly (configs/*.json embedded at build time), so they work from any directory.
    /// </summary>
    public static EngineConfig Load(string? config, string? preset)
    {
        if (config is not null && preset is not null) throw new InvalidInputException("give --config or --preset, not both");
        if (config is not null) return EngineConfig.Load(config);
        return EngineConfig.LoadPreset(preset ?? "default");
    }
}
