using MiningLulc.Align;

namespace MiningLulc.Pipeline;

/// <summary>The optional majority filter between classification and vectorization (CONTRACT.md section 7).</summary>
public static class SmoothStage
{
    public static byte[] Apply(byte[] classes, AlignedSite site, SmoothSettings settings)
    {
        if (!settings.Enabled) return classes;
        throw new NotSupportedException("smoothing is not wired yet");
    }
}
