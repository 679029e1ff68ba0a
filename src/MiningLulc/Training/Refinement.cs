namespace MiningLulc.Training;

/// <summary>
/// The authors' training-sample refinement (docs/published-method.md): a training pixel is kept only
/// when it passes its class's rule. Thresholds come from <see cref="RefinementSettings"/>.
/// A rule on dh fails when dh is missing (a void cannot prove the rule).
/// </summary>
public static class Refinement
{
    /// <summary>Whether a pixel with the given schema values (indexed by <see cref="FeatureSchema"/> planes) passes.</summary>
    public static bool Passes(LulcClass cls, float dh, float bsi, float ndbi, float mndwi, float ndvi, RefinementSettings s) => cls switch
    {
        LulcClass.OpenPit => dh < s.OpenPitMaxDh,
        LulcClass.WasteDumpingSite => dh > s.WasteDumpMinDh,
        LulcClass.GeneralDisturbedLand => dh >= s.DisturbedMinDh && dh <= s.DisturbedMaxDh && bsi < s.DisturbedMaxBsi,
        LulcClass.Facility => ndbi > s.FacilityMinNdbi,
        LulcClass.WaterBody => mndwi > s.WaterMinMndwi,
        LulcClass.Vegetation => ndvi > s.VegetationMinNdvi,
        LulcClass.BareSoil => true,
        _ => false,
    };

    public static bool Passes(LulcClass cls, float[][] planes, int pixel, RefinementSettings s) =>
        Passes(cls, planes[FeatureSchema.Dh][pixel], planes[FeatureSchema.Bsi][pixel], planes[FeatureSchema.Ndbi][pixel],
            planes[FeatureSchema.Mndwi][pixel], planes[FeatureSchema.Ndvi][pixel], s);
}
