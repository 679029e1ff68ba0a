using MiningLulc.Catalog;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Index.Strtree;
using MiningLulc.Model;

namespace MiningLulc.Assessment;

/// <summary>
/// The assessment of a sample reference (<see cref="ReferenceDesign.Sample"/>, docs/assessment.md):
/// every reference feature is one unit of a random sample of the map (each point of a MultiPoint is
/// a unit of its own). A point's map class is the class of the predicted polygon under it; a
/// polygon's (a plot) is the predicted class that covers most of it. The unit counts per (reference,
/// map) class go to <see cref="StratifiedEstimator"/> with the mapped areas as strata weights.
/// <para>
/// The sample is held in memory (thousands of units at most); the predictions are streamed once,
/// each predicted polygon tested against the units under its envelope.
/// </para>
/// </summary>
public static class SampleAssessor
{
    private const int K = ConfusionMatrix.K;

    /// <summary>Assesses <paramref name="predicted"/> (polygons, enumerated once) against the sample units of <paramref name="reference"/> (both EPSG:4326).</summary>
    public static AccuracyReport Assess(IEnumerable<LabelPolygon> predicted, IEnumerable<LabelPolygon> reference, Geometry? restrictTo = null)
    {
        var area = restrictTo is null ? null : PreparedGeometryFactory.Prepare(restrictTo);
        var units = Units(reference, area);
        var index = new STRtree<SampleUnit>();
        foreach (var u in units) index.Insert(u.Geometry.EnvelopeInternal, u);
        index.Build();

        var mappedArea = new double[K];
        foreach (var p in predicted)
        {
            if (p.Class is < LulcClass.OpenPit or > LulcClass.Vegetation) continue;
            var g = area is null ? p.Geometry : AccuracyAssessor.ClipTo(p.Geometry, area);
            if (g is null || g.IsEmpty) continue;
            mappedArea[(int)p.Class - 1] += EllipsoidArea.Of(g);
            IPreparedGeometry? prepared = null;
            foreach (var u in index.Query(g.EnvelopeInternal))
            {
                prepared ??= PreparedGeometryFactory.Prepare(g);
                if (u.IsPoint)
                {
                    if (prepared.Covers(u.Geometry)) u.Cover[(int)p.Class - 1] += 1;
                }
                else if (prepared.Intersects(u.Geometry))
                    u.Cover[(int)p.Class - 1] += EllipsoidArea.Of(AccuracyAssessor.SafeIntersection(u.Geometry, g));
            }
        }
        return Report(units, mappedArea);
    }

    /// <summary>
    /// Assesses the labels under <paramref name="predicted"/> against the sample under <paramref name="reference"/>
    /// (folders, .zip or .gpkg). Features whose geometry cannot be read are left out and named in the warnings.
    /// </summary>
    public static AccuracyReport AssessFiles(string predicted, string reference, Geometry? restrictTo = null)
    {
        // A sample needs no year: it is assessed as one sample, not year by year.
        foreach (var path in new[] { reference, predicted }) LabelReader.RequireSources(path);
        var log = new LabelReadLog();
        var report = Assess(LabelReader.Stream(predicted, log), LabelReader.Read(reference, log), restrictTo);
        return report with { Warnings = [.. log.Warnings, .. report.Warnings] };
    }

    /// <summary>A unit of the sample: its geometry, its reference class, and how much of it each predicted class covers (points: how many polygons).</summary>
    private sealed class SampleUnit(Geometry geometry, LulcClass reference)
    {
        public Geometry Geometry { get; } = geometry;
        public LulcClass Reference { get; } = reference;
        public bool IsPoint { get; } = geometry is Point;
        public double[] Cover { get; } = new double[K];

        /// <summary>The map class (code) that covers most of the unit (ties to the smaller code); 0 when no predicted polygon covers any of it.</summary>
        public int MapClass()
        {
            var best = -1;
            for (var c = 0; c < K; c++)
                if (Cover[c] > 0 && (best < 0 || Cover[c] > Cover[best])) best = c;
            return best + 1;
        }
    }

    private static List<SampleUnit> Units(IEnumerable<LabelPolygon> reference, IPreparedGeometry? area)
    {
        var units = new List<SampleUnit>();
        foreach (var r in reference)
        {
            if (r.Class is < LulcClass.OpenPit or > LulcClass.Vegetation) continue;
            switch (r.Geometry)
            {
                case Point or MultiPoint:
                    for (var i = 0; i < r.Geometry.NumGeometries; i++)
                    {
                        var point = (Point)r.Geometry.GetGeometryN(i);
                        if (!point.IsEmpty && (area is null || area.Covers(point))) units.Add(new SampleUnit(point, r.Class));
                    }
                    break;
                case Polygon or MultiPolygon:
                    var g = area is null ? r.Geometry : AccuracyAssessor.ClipTo(r.Geometry, area);
                    if (g is not null && !g.IsEmpty) units.Add(new SampleUnit(g, r.Class));
                    break;
                default:
                    throw new InvalidInputException($"a {r.Geometry.GeometryType} feature: sample units are points or polygons", r.Source);
            }
        }
        return units;
    }

    private static AccuracyReport Report(List<SampleUnit> units, double[] mappedArea)
    {
        var counts = new ConfusionMatrix();
        var referenceArea = new double[K];
        var outside = 0;
        foreach (var u in units)
        {
            if (!u.IsPoint) referenceArea[(int)u.Reference - 1] += EllipsoidArea.Of(u.Geometry);
            var map = u.MapClass();
            if (map == 0) outside++;
            else counts.Add((int)u.Reference, map, 1);
        }
        var estimate = StratifiedEstimator.Estimate(counts, mappedArea);
        var warnings = new List<string>();
        if (outside > 0) warnings.Add($"{outside} of {units.Count} sample units lie outside the map (no predicted polygon under them) and are left out");
        for (var c = 0; c < K; c++)
        {
            var n = counts.MappedTotal(c);
            if (n == 0 && mappedArea[c] > 0)
                warnings.Add($"map class '{LulcClasses.Names[c]}' ({mappedArea[c] / 1e6:0.000} km² mapped) has no sample units: its area is left out of the estimates");
            else if (n == 1)
                warnings.Add($"map class '{LulcClasses.Names[c]}' has a single sample unit: the standard errors it enters cannot be estimated (null)");
        }
        var compared = (int)counts.Total;
        var method = $"Sample reference: {compared} units (points: the predicted class under each; polygons: the predicted class covering most of each), "
            + "estimates of Olofsson et al. (2014) with the map classes as strata, weighted by their mapped areas (areas of the predicted polygons on the WGS 84 ellipsoid); "
            + "confusion matrix = estimated areas of the map; 95 % intervals: 1.96 x the analytic standard errors (eqs. 5-7, 10, 11).";
        var report = AccuracyReport.Create(estimate.AreaMatrix, new Dictionary<int, ConfusionMatrix>(), referenceArea, mappedArea, estimate.Area, estimate.Intervals95, method, 0);
        return report with
        {
            PerClass = LulcClasses.Names.Select((name, c) => (name, c)).ToDictionary(x => x.name, x => report.PerClass[x.name] with { SampleUnits = (int)counts.MappedTotal(x.c) }),
            ReferenceDesign = AccuracyReport.SampleDesign,
            IntervalMethod = AccuracyReport.StratifiedIntervals,
            SampleUnits = compared,
            MethodName = "sample",
            CellSizeM = null,
            Warnings = warnings,
        };
    }
}
