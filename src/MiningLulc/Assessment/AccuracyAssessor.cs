using MiningLulc.Catalog;
using MiningLulc.Geo;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;
using MiningLulc.Model;

namespace MiningLulc.Assessment;

/// <summary>
/// Compares predicted and reference polygons area by area (docs/assessment.md). The list overload
/// is the exact overlay, the reference implementation: each reference polygon is intersected with
/// the predicted ones and the geodesic area of every intersection goes into a confusion matrix
/// (rows = reference, columns = predicted); it holds both label sets in memory and is slow (tens of
/// seconds for a few thousand polygons). The <see cref="AssessOptions"/> overload picks the method;
/// its default is the cell count of <see cref="CellCountAssessor"/>, which agrees with the overlay
/// to about 0.001.
/// </summary>
public static class AccuracyAssessor
{
    public const int BootstrapReplicates = 200;

    public static AccuracyReport Assess(IReadOnlyList<LabelPolygon> predicted, IReadOnlyList<LabelPolygon> reference, Geometry? restrictTo = null, IProgress<(int Done, int Total)>? progress = null)
    {
        foreach (var label in reference.Concat(predicted)) RequireArea(label.Geometry, label.Source);
        if (restrictTo is not null)
        {
            reference = Restrict(reference, restrictTo);
            predicted = Restrict(predicted, restrictTo);
        }
        var predIndex = new STRtree<LabelPolygon>();
        foreach (var p in predicted) predIndex.Insert(p.Geometry.EnvelopeInternal, p);
        predIndex.Build();
        var clusterOf = Clusters(reference);

        var clusters = new Dictionary<int, ConfusionMatrix>();
        var byYear = new SortedDictionary<int, ConfusionMatrix>();
        var total = new ConfusionMatrix();
        // Predictions written with --confidence: each intersection counts for its predicted polygon's confidence.
        var reliability = predicted.Any(p => p.Confidence is not null) ? new ReliabilityTable() : null;
        var referenceArea = new double[LulcClasses.Count];
        for (var i = 0; i < reference.Count; i++)
        {
            var r = reference[i];
            referenceArea[(int)r.Class - 1] += GeodesicArea.Of(r.Geometry);
            var cm = clusters.TryGetValue(clusterOf[i], out var c) ? c : clusters[clusterOf[i]] = new ConfusionMatrix();
            var yearCm = r.Year is int y ? (byYear.TryGetValue(y, out var yc) ? yc : byYear[y] = new ConfusionMatrix()) : null;
            foreach (var p in predIndex.Query(r.Geometry.EnvelopeInternal))
            {
                if (!p.Geometry.Intersects(r.Geometry)) continue;
                var area = GeodesicArea.Of(SafeIntersection(r.Geometry, p.Geometry));
                if (area <= 0) continue;
                cm.Add((int)r.Class, (int)p.Class, area);
                yearCm?.Add((int)r.Class, (int)p.Class, area);
                total.Add((int)r.Class, (int)p.Class, area);
                reliability?.Add(p.Confidence ?? double.NaN, area, p.Class == r.Class);
            }
            progress?.Report((i + 1, reference.Count));
        }

        var mappedArea = new double[LulcClasses.Count];
        foreach (var p in predicted) mappedArea[(int)p.Class - 1] += GeodesicArea.Of(p.Geometry);
        var comparison = "Exact overlay: area-weighted comparison of predicted and reference polygons (geodesic areas of intersections, WGS 84). ";
        var report = Summarize(total, byYear, clusters.Values.ToList(), referenceArea, mappedArea, comparison, AssessmentMethod.Overlay, null);
        return reliability is null ? report : report with { Reliability = reliability.ToBins(), ExpectedCalibrationError = reliability.ExpectedCalibrationError };
    }

    /// <summary>
    /// Assesses with the method of <paramref name="options"/>: the cell count (default, streams both label
    /// sets once) or the exact overlay (which holds both in memory).
    /// </summary>
    public static AccuracyReport Assess(IEnumerable<LabelPolygon> predicted, IEnumerable<LabelPolygon> reference, AssessOptions options,
        Geometry? restrictTo = null, IProgress<(int Done, int Total)>? progress = null) => options.Validate() switch
        {
            { Reference: ReferenceDesign.Sample } => SampleAssessor.Assess(predicted, reference, restrictTo),
            { Method: AssessmentMethod.Raster } => CellCountAssessor.Assess(predicted, reference, options, restrictTo, progress),
            { Method: AssessmentMethod.Overlay } => Assess(predicted.ToList(), reference.ToList(), restrictTo, progress),
            _ => throw new ArgumentOutOfRangeException(nameof(options), $"unknown assessment method {options.Method}"),
        };

    /// <summary>
    /// Refuses a point among labels compared area by area: points have no area, and a reference of points
    /// is a sample of the map, assessed as one (<see cref="ReferenceDesign.Sample"/>), not a census.
    /// </summary>
    internal static void RequireArea(Geometry geometry, string source, long? fid = null)
    {
        if (geometry is IPuntal)
            throw new InvalidInputException($"{(fid is long f ? $"feature {f}" : "a feature")} is a {geometry.GeometryType}: labels compared area by area must be polygons "
                + "(a reference of points is a sample of the map: assess it with --reference-sample, docs/assessment.md)", source);
    }

    /// <summary>The report from the area confusion matrices (total, per reference year, per site cluster) and the class areas.</summary>
    internal static AccuracyReport Summarize(ConfusionMatrix total, IReadOnlyDictionary<int, ConfusionMatrix> byYear, IReadOnlyList<ConfusionMatrix> clusters,
        double[] referenceArea, double[] mappedArea, string comparison, AssessmentMethod method, double? cellSizeM)
    {
        var mapTotal = mappedArea.Sum();
        var wallToWall = mapTotal > 0 && total.Total >= 0.95 * mapTotal;
        var adjusted = AreaEstimator.Adjusted(total, mappedArea);
        var ci = ClusterBootstrap.Intervals(clusters, mappedArea, BootstrapReplicates, seed: 12345);
        var text = comparison
            + "Adjusted areas: stratified estimator of Olofsson et al. (2014) with the map classes as strata; "
            + $"95 % intervals (adjusted areas, overall, user's and producer's accuracies): 1.96 x the standard deviation over the same {BootstrapReplicates} bootstrap resamples of sites (clusters of touching reference polygons). "
            + (wallToWall ? "The reference covers the map wall to wall."
                : "The reference covers part of the map; if its features are a random sample of the map, assess it as a sample (--reference-sample: Olofsson et al. 2014 estimates with analytic standard errors).");
        return AccuracyReport.Create(total, byYear, referenceArea, mappedArea, adjusted, ci, text, clusters.Count) with
        {
            MethodName = method == AssessmentMethod.Raster ? "raster" : "overlay",
            CellSizeM = cellSizeM,
        };
    }

    /// <summary>A polygon clipped to an area: itself when the area covers it, null when nothing of it is left.</summary>
    internal static Geometry? ClipTo(Geometry polygon, NetTopologySuite.Geometries.Prepared.IPreparedGeometry area)
    {
        if (!area.Intersects(polygon)) return null;
        if (area.Covers(polygon)) return polygon;
        var clipped = SafeIntersection(polygon, area.Geometry);
        return clipped.IsEmpty || clipped.Area <= 0 ? null : clipped;
    }

    /// <summary>The polygons clipped to an area (both label sets, so mapped areas refer to the same area).</summary>
    private static List<LabelPolygon> Restrict(IReadOnlyList<LabelPolygon> polygons, Geometry area)
    {
        var prepared = NetTopologySuite.Geometries.Prepared.PreparedGeometryFactory.Prepare(area);
        return polygons.Select(r => ClipTo(r.Geometry, prepared) is { } g ? r with { Geometry = g } : null).OfType<LabelPolygon>().ToList();
    }

    /// <summary>The intersection of two polygons; when their topology is damaged, of the repaired polygons.</summary>
    internal static Geometry SafeIntersection(Geometry a, Geometry b)
    {
        try { return a.Intersection(b); }
        catch (TopologyException)
        {
            return NetTopologySuite.Geometries.Utilities.GeometryFixer.Fix(a).Intersection(NetTopologySuite.Geometries.Utilities.GeometryFixer.Fix(b));
        }
    }

    /// <summary>Cluster id per reference polygon: connected components of touching polygons (a site's labels tile it).</summary>
    internal static int[] Clusters(IReadOnlyList<LabelPolygon> reference) => TouchingGroups.Of(reference.Select(r => r.Geometry).ToList());
}

/// <summary>Area estimates adjusted for map errors (Olofsson et al. 2014, stratified by map class).</summary>
public static class AreaEstimator
{
    /// <summary>
    /// Adjusted area of each reference class: A * Σ_i W_i * n_ij / n_i., with W_i the mapped share of
    /// map class i and n_ij the compared area mapped i and referenced j. Equals the reference area when
    /// the comparison covers the whole map.
    /// </summary>
    public static double[] Adjusted(ConfusionMatrix cm, double[] mappedArea)
    {
        var k = ConfusionMatrix.K;
        var total = mappedArea.Sum();
        var result = new double[k];
        if (total <= 0) return result;
        for (var i = 0; i < k; i++)
        {
            var ni = cm.MappedTotal(i);
            if (ni <= 0) continue;
            var w = mappedArea[i] / total;
            for (var j = 0; j < k; j++) result[j] += total * w * cm[j, i] / ni;
        }
        return result;
    }
}
