using System.CommandLine;

namespace MiningLulc.Cli;

/// <summary>Options shared by several commands.</summary>
internal static class CommonOptions
{
    public static Option<string?> Config() => new("--config") { Description = "Engine settings (JSON), overlaid on the built-in defaults. Default: the 'default' preset (configs/default.json, compiled in)." };

    public static Option<string?> Preset() => new("--preset") { Description = $"A named settings preset compiled into the engine from configs/ ({string.Join(", ", EngineConfig.Presets)}; 'published' is the authors' method)." };

    public static Option<string[]> Set() => new("--set")
    {
        Description = "Change one setting: --set training.trees=400 (repeatable; dotted keys of the settings file, checked like it).",
        AllowMultipleArgumentsPerToken = false,
    };

    public static Option<int> Workers() => new("--workers")
    {
        Description = $"Sites processed in parallel (default: all {Environment.ProcessorCount} cores).",
        DefaultValueFactory = _ => Environment.ProcessorCount,
    };

    /// <summary>
    /// The engine config from --config FILE or --preset NAME (not both), else the compiled-in 'default' preset.
    /// Presets are read from the assembly (configs/*.json embedded at build time), so they work from any directory.
    /// </summary>
    public static EngineConfig Load(string? config, string? preset, string[]? set = null)
    {
        if (config is not null && preset is not null) throw new InvalidInputException("give --config or --preset, not both");
        var loaded = config is not null ? EngineConfig.Load(config) : EngineConfig.LoadPreset(preset ?? "default");
        return loaded.With(set ?? []);
    }
}
