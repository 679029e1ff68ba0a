namespace MiningLulc.Synthetic;

/// <summary>What kind of mine a site holds.</summary>
internal enum MineKind
{
    /// <summary>Terraced pit(s), waste dumps, often a tailings dam, a processing plant, haul roads.</summary>
    Industrial,
    /// <summary>One benched pit, stockpiles, a crusher and a few buildings.</summary>
    Quarry,
    /// <summary>Artisanal and small-scale mining: many shallow, often flooded pits along a valley, spoil heaps, mud, shacks.</summary>
    Artisanal,
}

/// <summary>
/// The ground truth inside one synthetic site, in the region's UTM metres: pits (terraced, with
/// water at the bottom, partly backfilled), waste dumps beside them, a tailings storage facility,
/// a plant with roofs, tanks and pads, ponds, haul roads and a paved access road, disturbed ground
/// around all of it, remnants of vegetation and bare soil elsewhere. Every feature knows how it
/// was at the DCM baseline (2011-2014): old pits and dumps changed little since, so their
/// elevation change is small. <see cref="Sample"/> gives class, true elevation change and look at
/// any point. Immutable after construction; thread-safe.
/// </summary>
internal sealed class MineLayout
{
    private readonly struct Ellipse
    {
        public readonly double X, Y, Rx, Ry, Cos, Sin;

        public Ellipse(double x, double y, double rx, double ry, double angle)
        {
            X = x; Y = y; Rx = rx; Ry = ry; Cos = Math.Cos(angle); Sin = Math.Sin(angle);
        }

        public double Reach => Math.Max(Rx, Ry);
        public double MeanRadius => Math.Sqrt(Rx * Ry);

        /// <summary>Normalized radial distance: &lt; 1 inside.</summary>
        public double Norm(double x, double y)
        {
            double dx = x - X, dy = y - Y;
            double u = (dx * Cos + dy * Sin) / Rx, v = (-dx * Sin + dy * Cos) / Ry;
            return Math.Sqrt(u * u + v * v);
        }

        public bool Far(double x, double y, double margin)
        {
            double dx = x - X, dy = y - Y, r = Reach + margin;
            return dx * dx + dy * dy > r * r;
        }
    }

    private sealed record Pit(Ellipse Shape, double Depth, double Bench, double FloorN, bool Terraced, double BaseScale, double BaseDepth,
        double WaterN, byte WaterKind, float Turbidity, double FillAngle, double FillWidth, double FillShare, int StrataSeed);

    private sealed record Dump(Ellipse Shape, double Height, double SideM, double BaseScale, double BaseHeight, float RockShare, float Rehab);

    private sealed record Tailings(Ellipse Shape, Ellipse Pond, double DamHeight, double BeachHeight, float Turbidity);

    private sealed record Pond(Ellipse Shape, byte Kind, float Turbidity, double Level);

    private sealed record Building(double X, double Y, double HalfW, double HalfH, double Cos, double Sin, bool Round, double Height, byte Material, float Brightness)
    {
        public bool Contains(double x, double y)
        {
            double dx = x - X, dy = y - Y;
            if (Round) return dx * dx + dy * dy <= HalfW * HalfW;
            return Math.Abs(dx * Cos + dy * Sin) <= HalfW && Math.Abs(-dx * Sin + dy * Cos) <= HalfH;
        }

        public double Reach => Math.Sqrt(HalfW * HalfW + HalfH * HalfH);
    }

    private sealed record Road(double[] Xs, double[] Ys, double HalfWidth, bool Paved, double MinX, double MinY, double MaxX, double MaxY);

    private readonly List<Pit> pits = [];
    private readonly List<Dump> dumps = [];
    private readonly List<Tailings> tailings = [];
    private readonly List<Pond> ponds = [];
    private readonly List<Building> buildings = [];
    private readonly List<Road> roads = [];
    private readonly List<Ellipse> clearings = [];
    private readonly Road? corridor;
    private readonly double corridorHalfWidth;
    private readonly double plantX, plantY, plantRadius;
    private readonly double disturbedBuffer, disturbedThreshold, clearedThreshold, canopyLossM, sunX, sunY, lookX, lookY;
    private readonly bool cleared;
    private readonly double soilVegetation;
    private readonly Terrain terrain;
    private readonly ValueNoise edgeNoise, detailNoise, clearedNoise, cutFillNoise, disturbedNoise;

    /// <param name="id">Site id.</param>
    /// <param name="cx">Centre of the main part (UTM metres).</param>
    /// <param name="cy">Centre of the main part (UTM metres).</param>
    /// <param name="radius">Radius of a disc of the main part's area, metres.</param>
    /// <param name="annex">Centre and equivalent radius of a detached part, if any.</param>
    /// <param name="southern">Whether the region lies south of the equator (sets the sun's azimuth).</param>
    public MineLayout(long id, double cx, double cy, double radius, (double X, double Y, double R)? annex, bool southern,
        SynthPreset preset, Terrain terrain, Random rng, int seed)
    {
        this.terrain = terrain;
        Id = id;
        CentreX = cx;
        CentreY = cy;
        Radius = radius;
        edgeNoise = new ValueNoise(seed + 11, 70, 2);
        detailNoise = new ValueNoise(seed + 17, 45, 2);
        clearedNoise = new ValueNoise(seed + 19, 260, 2);
        disturbedNoise = new ValueNoise(seed + 29, 140, 2);
        cutFillNoise = new ValueNoise(seed + 23, 90, 2);
        Style = new SiteStyle(preset, rng, terrain, cx, cy);
        WaterMasked = SynthRandom.Chance(rng, preset.WaterMaskedShare);
        // Morning overpass: the sun stands to the north-east (south) or south-east (north); TanDEM-X looks sideways (east here).
        var sunAzimuth = (southern ? 45.0 : 135.0) * Math.PI / 180;
        sunX = Math.Sin(sunAzimuth);
        sunY = Math.Cos(sunAzimuth);
        lookX = 1;
        lookY = 0;

        var area = Math.PI * radius * radius;
        Kind = SynthRandom.Chance(rng, preset.ArtisanalShare) ? MineKind.Artisanal
            : radius < 420 && SynthRandom.Chance(rng, 0.5) ? MineKind.Quarry : MineKind.Industrial;
        var a0 = rng.NextDouble() * 2 * Math.PI;
        switch (Kind)
        {
            case MineKind.Artisanal:
                {
                    // Placer workings along a valley: pits, spoil heaps beside them, settling ponds, shacks, tracks.
                    var (ux, uy) = (Math.Cos(a0), Math.Sin(a0));
                    var (amp, omega, phase) = (radius * SynthRandom.Uniform(rng, 0.05, 0.2), SynthRandom.Uniform(rng, 1.5, 4) / radius, rng.NextDouble() * 6.3);
                    (double X, double Y) Valley(double t) => (cx + t * ux - amp * Math.Sin(omega * t + phase) * uy, cy + t * uy + amp * Math.Sin(omega * t + phase) * ux);
                    var xs = new double[13];
                    var ys = new double[13];
                    for (var i = 0; i < 13; i++) (xs[i], ys[i]) = Valley((i / 6.0 - 1) * 0.85 * radius);
                    corridor = MakeRoad(xs, ys, 0, false);
                    corridorHalfWidth = radius * SynthRandom.Uniform(rng, 0.06, 0.16);
                    var count = (int)Math.Clamp(area / SynthRandom.Uniform(rng, 9000, 22000), 6, 140);
                    for (var k = 0; k < count; k++)
                    {
                        var (px, py) = Valley(SynthRandom.Uniform(rng, -0.8, 0.8) * radius);
                        var lateral = 0.16 * radius * SynthRandom.Gaussian(rng);
                        px -= lateral * uy;
                        py += lateral * ux;
                        var r = SynthRandom.LogUniform(rng, 8, 45);
                        var hasWater = SynthRandom.Chance(rng, Math.Max(preset.PitWaterShare, 0.6));
                        pits.Add(new Pit(new Ellipse(px, py, r, r * SynthRandom.Uniform(rng, 0.6, 1), rng.NextDouble() * Math.PI),
                            SynthRandom.Uniform(rng, 2, 15), 100, 0.5, false, 0, 0,
                            hasWater ? SynthRandom.Uniform(rng, 0.35, 0.95) : 0, 1, (float)SynthRandom.Uniform(rng, 0.4, 1), 0, 0, 0, seed + k));
                        if (SynthRandom.Chance(rng, 0.6))
                        {
                            var ha = rng.NextDouble() * 2 * Math.PI;
                            var hr = r * SynthRandom.Uniform(rng, 0.5, 1.1);
                            var h = SynthRandom.Uniform(rng, 1.5, 8);
                            dumps.Add(new Dump(new Ellipse(px + (r + hr + 3) * Math.Cos(ha), py + (r + hr + 3) * Math.Sin(ha), hr, hr * SynthRandom.Uniform(rng, 0.6, 1), ha),
                                h, h / 0.5, 0, 0, (float)SynthRandom.Uniform(rng, 0.3, 0.8), 0));
                        }
                    }
                    for (var k = 1 + rng.Next(4); k > 0; k--)
                    {
                        var (px, py) = Valley(SynthRandom.Uniform(rng, -0.7, 0.7) * radius);
                        var r = SynthRandom.Uniform(rng, 8, 30);
                        ponds.Add(new Pond(new Ellipse(px + 0.25 * radius * SynthRandom.Gaussian(rng), py + 0.25 * radius * SynthRandom.Gaussian(rng), r, r * 0.7, rng.NextDouble() * Math.PI),
                            1, (float)SynthRandom.Uniform(rng, 0.5, 1), SynthRandom.Uniform(rng, -1, 2)));
                    }
                    var (sx, sy) = Valley(SynthRandom.Uniform(rng, -0.5, 0.5) * radius);
                    (plantX, plantY, plantRadius) = (sx + 0.3 * radius * uy, sy - 0.3 * radius * ux, 30);
                    for (var k = 2 + rng.Next(5); k > 0; k--)
                    {
                        var hw = SynthRandom.Uniform(rng, 3, 8);
                        buildings.Add(new Building(plantX + 25 * SynthRandom.Gaussian(rng), plantY + 25 * SynthRandom.Gaussian(rng), hw, hw * SynthRandom.Uniform(rng, 0.6, 1),
                            Math.Cos(a0), Math.Sin(a0), false, SynthRandom.Uniform(rng, 2.5, 4), (byte)(2 + rng.Next(2)), (float)SynthRandom.Uniform(rng, 0.9, 1.2)));
                    }
                    for (var k = 1 + rng.Next(2); k > 0; k--)
                        roads.Add(Track(rng, plantX, plantY, cx + radius * Math.Cos(a0 + rng.NextDouble() * 6), cy + radius * Math.Sin(a0 + rng.NextDouble() * 6), SynthRandom.Uniform(rng, 3, 5), false));
                    disturbedBuffer = SynthRandom.Uniform(rng, 15, 45);
                    break;
                }
            case MineKind.Quarry:
                {
                    var rp = radius * SynthRandom.Uniform(rng, 0.32, 0.5);
                    var pit = NewPit(rng, cx + radius * 0.15 * SynthRandom.Gaussian(rng), cy + radius * 0.15 * SynthRandom.Gaussian(rng), rp,
                        SynthRandom.Uniform(rng, 10, 70), preset.PitWaterShare * 0.5, seed);
                    pits.Add(pit);
                    for (var k = 1 + rng.Next(3); k > 0; k--)
                    {
                        var ang = a0 + Math.PI + SynthRandom.Uniform(rng, -1.2, 1.2);
                        var rd = radius * SynthRandom.Uniform(rng, 0.1, 0.18);
                        var d = rp + rd + SynthRandom.Uniform(rng, 15, 50);
                        dumps.Add(NewDump(rng, pit.Shape.X + d * Math.Cos(ang), pit.Shape.Y + d * Math.Sin(ang), rd, SynthRandom.Uniform(rng, 3, 25)));
                        roads.Add(Track(rng, pit.Shape.X, pit.Shape.Y, dumps[^1].Shape.X, dumps[^1].Shape.Y, SynthRandom.Uniform(rng, 5, 10), false));
                    }
                    var pa = a0 - Math.PI / 2 + SynthRandom.Uniform(rng, -0.5, 0.5);
                    (plantX, plantY) = (pit.Shape.X + (rp + radius * 0.22) * Math.Cos(pa), pit.Shape.Y + (rp + radius * 0.22) * Math.Sin(pa));
                    plantRadius = Math.Clamp(radius * 0.1, 25, 60);
                    AddPlant(rng, 2 + rng.Next(4), pa, smallPads: true);
                    roads.Add(Track(rng, pit.Shape.X, pit.Shape.Y, plantX, plantY, SynthRandom.Uniform(rng, 5, 10), false));
                    AddAccessRoad(rng, pa, radius);
                    disturbedBuffer = SynthRandom.Uniform(rng, 40, 110);
                    break;
                }
            default:
                {
                    var rp = radius * SynthRandom.Uniform(rng, 0.28, 0.42);
                    var main = NewPit(rng, cx + radius * 0.1 * SynthRandom.Gaussian(rng), cy + radius * 0.1 * SynthRandom.Gaussian(rng), rp,
                        Math.Clamp(rp * SynthRandom.Uniform(rng, 0.25, 0.6), 10, 150), preset.PitWaterShare, seed);
                    pits.Add(main);
                    if (radius > 650 && SynthRandom.Chance(rng, 0.45))
                    {
                        var ang = a0 + SynthRandom.Uniform(rng, 1.5, 2.5);
                        var r2 = radius * SynthRandom.Uniform(rng, 0.12, 0.2);
                        var d = rp + r2 + radius * SynthRandom.Uniform(rng, 0.08, 0.2);
                        pits.Add(NewPit(rng, main.Shape.X + d * Math.Cos(ang), main.Shape.Y + d * Math.Sin(ang), r2, Math.Clamp(r2 * SynthRandom.Uniform(rng, 0.15, 0.4), 6, 90), preset.PitWaterShare, seed + 1));
                    }
                    var dumpCount = 2 + rng.Next(radius > 600 ? 4 : 2);
                    for (var k = 0; k < dumpCount; k++)
                    {
                        var ang = a0 + Math.PI + SynthRandom.Uniform(rng, -1.3, 1.3);
                        var rd = radius * SynthRandom.Uniform(rng, 0.14, 0.26);
                        var d = main.Shape.Reach + rd + SynthRandom.Uniform(rng, 15, 70);
                        var h = SynthRandom.Chance(rng, 0.15) ? SynthRandom.Uniform(rng, 2, 6) : Math.Max(5, Math.Min(SynthRandom.Uniform(rng, 10, 85), rd * 0.7));
                        dumps.Add(NewDump(rng, main.Shape.X + d * Math.Cos(ang), main.Shape.Y + d * Math.Sin(ang), rd, h));
                        roads.Add(Track(rng, main.Shape.X, main.Shape.Y, dumps[^1].Shape.X, dumps[^1].Shape.Y, SynthRandom.Uniform(rng, 6, 14), false));
                    }
                    if (radius > 350 && SynthRandom.Chance(rng, preset.TailingsShare))
                    {
                        var ang = a0 + Math.PI / 2 + SynthRandom.Uniform(rng, -0.5, 0.5);
                        var rt = radius * SynthRandom.Uniform(rng, 0.15, 0.26);
                        var d = radius * SynthRandom.Uniform(rng, 0.42, 0.58);
                        var (tx, ty) = (cx + d * Math.Cos(ang), cy + d * Math.Sin(ang));
                        var shape = new Ellipse(tx, ty, rt, rt * SynthRandom.Uniform(rng, 0.7, 1), rng.NextDouble() * Math.PI);
                        var pa = rng.NextDouble() * 2 * Math.PI;
                        var po = rt * SynthRandom.Uniform(rng, 0.1, 0.3);
                        var pr = rt * SynthRandom.Uniform(rng, 0.4, 0.7);
                        var pond = new Ellipse(tx + po * Math.Cos(pa), ty + po * Math.Sin(pa), pr, pr * SynthRandom.Uniform(rng, 0.6, 1), rng.NextDouble() * Math.PI);
                        var fresh = SynthRandom.Chance(rng, 0.5);
                        tailings.Add(new Tailings(shape, pond, fresh ? SynthRandom.Uniform(rng, 10, 35) : SynthRandom.Uniform(rng, 2, 8),
                            fresh ? SynthRandom.Uniform(rng, 4, 20) : SynthRandom.Uniform(rng, 0.5, 5), (float)SynthRandom.Uniform(rng, 0.5, 1)));
                        roads.Add(Track(rng, main.Shape.X, main.Shape.Y, tx, ty, SynthRandom.Uniform(rng, 5, 9), false));
                    }
                    var plantAngle = a0 - Math.PI / 2 + SynthRandom.Uniform(rng, -0.5, 0.5);
                    var pd = radius * SynthRandom.Uniform(rng, 0.4, 0.6);
                    (plantX, plantY) = (cx + pd * Math.Cos(plantAngle), cy + pd * Math.Sin(plantAngle));
                    plantRadius = Math.Clamp(radius * SynthRandom.Uniform(rng, 0.1, 0.16), 40, 180);
                    AddPlant(rng, 5 + rng.Next(10), plantAngle, smallPads: false);
                    roads.Add(Track(rng, main.Shape.X, main.Shape.Y, plantX, plantY, SynthRandom.Uniform(rng, 7, 14), false));
                    AddAccessRoad(rng, plantAngle, radius);
                    if (SynthRandom.Chance(rng, 0.75))
                    {
                        for (var k = 1 + rng.Next(3); k > 0; k--)
                        {
                            var r = SynthRandom.Uniform(rng, 12, 35);
                            var kind = (byte)(rng.Next(3) switch { 0 => 0, 1 => 1, _ => 2 });
                            ponds.Add(new Pond(new Ellipse(plantX + plantRadius * 1.6 * SynthRandom.Gaussian(rng), plantY + plantRadius * 1.6 * SynthRandom.Gaussian(rng), r, r * SynthRandom.Uniform(rng, 0.5, 1), plantAngle),
                                kind, (float)SynthRandom.Uniform(rng, 0, 1), SynthRandom.Uniform(rng, -1, 3)));
                        }
                    }
                    for (var k = rng.Next(3); k > 0; k--)
                    {
                        var ang = rng.NextDouble() * 2 * Math.PI;
                        var d = radius * SynthRandom.Uniform(rng, 0.3, 0.75);
                        var r = radius * SynthRandom.Uniform(rng, 0.06, 0.14);
                        clearings.Add(new Ellipse(cx + d * Math.Cos(ang), cy + d * Math.Sin(ang), r, r * SynthRandom.Uniform(rng, 0.5, 1), ang));
                    }
                    disturbedBuffer = SynthRandom.Uniform(rng, 60, 180);
                    break;
                }
        }
        if (annex is (double ax, double ay, double ar))
        {
            // A detached part: a remote waste dump or a cleared yard.
            if (SynthRandom.Chance(rng, 0.5)) dumps.Add(NewDump(rng, ax, ay, ar * 0.55, SynthRandom.Uniform(rng, 4, 30)));
            else clearings.Add(new Ellipse(ax, ay, ar * 0.7, ar * 0.5, rng.NextDouble() * Math.PI));
        }

        // Forest cleared after the DCM baseline.
        // Beyond the buffer around the workings, a share of the remaining ground is disturbed too (tracks, yards, old workings).
        disturbedThreshold = Quantile(disturbedNoise, cx, cy, radius, 1 - SynthRandom.Uniform(rng, 0.1, 0.4), rng);
        cleared = SynthRandom.Chance(rng, preset.ClearedForestShare);
        canopyLossM = SynthRandom.Uniform(rng, 8, 25);
        soilVegetation = preset.SoilVegetation;
        clearedThreshold = Quantile(clearedNoise, cx, cy, radius, 1 - SynthRandom.Uniform(rng, 0.5, 0.95), rng);
    }

    public long Id { get; }
    public double CentreX { get; }
    public double CentreY { get; }
    public double Radius { get; }
    public MineKind Kind { get; }
    public SiteStyle Style { get; }
    /// <summary>Whether the DCM masks this site's water (void), as TanDEM-X products often do.</summary>
    public bool WaterMasked { get; }

    /// <summary>Class, true elevation change and look at a point of this site (call only for points the site owns).</summary>
    public Ground Sample(double x, double y)
    {
        var g = SampleFeatures(x, y);
        if (cleared && g.Class != LulcClass.Vegetation && clearedNoise.At(x, y) > clearedThreshold)
            g.Dh -= (float)(canopyLossM * (0.85 + 0.15 * detailNoise.At(y, x))); // the baseline saw a forest canopy here
        return g;
    }

    private Ground SampleFeatures(double x, double y)
    {
        var wobble = 0.07 * edgeNoise.At(x, y);
        foreach (var b in buildings)
        {
            if (Math.Abs(x - b.X) > b.Reach || Math.Abs(y - b.Y) > b.Reach || !b.Contains(x, y)) continue;
            return new Ground(LulcClass.Facility, Surface.BuiltUp, (float)b.Height, b.Brightness, 0, b.Material);
        }
        foreach (var p in ponds)
        {
            if (p.Shape.Far(x, y, 10)) continue;
            var n = p.Shape.Norm(x, y) + wobble;
            if (n < 1)
                return new Ground(LulcClass.WaterBody, Surface.Water, WaterMasked ? float.NaN : (float)p.Level, p.Turbidity, (float)Math.Clamp((n - 0.75) * 1.2, 0, 0.3), p.Kind);
        }
        foreach (var t in tailings)
        {
            if (t.Shape.Far(x, y, 20)) continue;
            var n = t.Shape.Norm(x, y) + 0.5 * wobble;
            if (n >= 1) continue;
            if (n > 0.86)
            {
                var h = t.DamHeight * Math.Clamp((1 - n) / 0.07, 0, 1);
                return new Ground(LulcClass.WasteDumpingSite, Surface.Dump, (float)h, 0.8f, 0, 0, SlopeLight(x - t.Shape.X, y - t.Shape.Y, 0.2, n > 0.93));
            }
            var pn = t.Pond.Norm(x, y) + wobble;
            if (pn < 1)
                return new Ground(LulcClass.WaterBody, Surface.Water, WaterMasked ? float.NaN : (float)(t.BeachHeight - 0.5), t.Turbidity, (float)Math.Clamp((pn - 0.85) * 1.5, 0, 0.2), 3);
            return new Ground(LulcClass.WasteDumpingSite, Surface.TailingsBeach, (float)(t.BeachHeight * (0.6 + 0.4 * n)), 0, (float)Math.Clamp(1.4 - pn, 0, 0.8));
        }
        foreach (var p in pits)
        {
            if (p.Shape.Far(x, y, 25)) continue;
            var n = p.Shape.Norm(x, y) + wobble * (p.Terraced ? 0.6 : 1.0);
            if (n >= 1) continue;
            return SamplePit(p, x, y, n);
        }
        foreach (var d in dumps)
        {
            if (d.Shape.Far(x, y, 25)) continue;
            var n = d.Shape.Norm(x, y) + wobble;
            if (n >= 1) continue;
            var r = d.Shape.MeanRadius;
            var now = d.Height * Math.Clamp((1 - n) * r / d.SideM, 0, 1);
            var nb = d.BaseScale > 0 ? n / d.BaseScale : 2;
            var before = nb < 1 ? d.BaseHeight * Math.Clamp((1 - nb) * r * d.BaseScale / d.SideM, 0, 1) : 0;
            var rehab = nb < 0.95 ? d.Rehab * (float)(0.8 + 0.2 * detailNoise.At(x, y)) : 0;
            var onSlope = (1 - n) * r < d.SideM;
            return new Ground(LulcClass.WasteDumpingSite, Surface.Dump, (float)(now - before), d.RockShare, rehab, 0, SlopeLight(x - d.Shape.X, y - d.Shape.Y, 0.25, onSlope));
        }
        foreach (var r in roads)
        {
            if (x < r.MinX - r.HalfWidth || x > r.MaxX + r.HalfWidth || y < r.MinY - r.HalfWidth || y > r.MaxY + r.HalfWidth) continue;
            if (DistanceToPolyline(x, y, r) >= r.HalfWidth) continue;
            return r.Paved
                ? new Ground(LulcClass.Facility, Surface.BuiltUp, 0.3f, (float)(0.95 + 0.1 * detailNoise.At(x, y)), 0, 0)
                : new Ground(LulcClass.GeneralDisturbedLand, Surface.Disturbed, (float)(0.8 * cutFillNoise.At(x, y)), 0.75f, 0, 0, 1.08f, 0.1f);
        }

        // Disturbed ground: around the workings (noisy edge), in clearings, along an artisanal valley.
        var near = Math.Sqrt((x - plantX) * (x - plantX) + (y - plantY) * (y - plantY)) - plantRadius;
        foreach (var p in pits) if (!p.Shape.Far(x, y, disturbedBuffer * 1.6)) near = Math.Min(near, (p.Shape.Norm(x, y) - 1) * p.Shape.MeanRadius);
        foreach (var d in dumps) if (!d.Shape.Far(x, y, disturbedBuffer * 1.6)) near = Math.Min(near, (d.Shape.Norm(x, y) - 1) * d.Shape.MeanRadius);
        foreach (var t in tailings) if (!t.Shape.Far(x, y, disturbedBuffer * 1.6)) near = Math.Min(near, (t.Shape.Norm(x, y) - 1) * t.Shape.MeanRadius);
        var detail = detailNoise.At(x, y);
        var disturbed = near < disturbedBuffer * (1 + 0.6 * edgeNoise.At(y, x)) || disturbedNoise.At(x, y) > disturbedThreshold;
        foreach (var c in clearings) disturbed |= !c.Far(x, y, 20) && c.Norm(x, y) + 2 * wobble < 1;
        if (corridor is not null && !disturbed) disturbed = DistanceToPolyline(x, y, corridor) < corridorHalfWidth * (1 + 0.5 * edgeNoise.At(y, x));
        if (disturbed)
        {
            var rockShare = (float)Math.Clamp(0.55 - 0.4 * Math.Max(near, 0) / disturbedBuffer + 0.3 * detail, 0.05, 0.95);
            var plants = (float)Math.Clamp(0.4 * soilVegetation * (1 + detail) * (Kind == MineKind.Artisanal ? 1.5 : 1), 0, 0.3); // fewer than on natural ground
            // Cleared land is often just scraped natural soil, most so far from the workings: spectrally bare soil.
            var scraped = (float)Math.Clamp(0.05 + 0.3 * cutFillNoise.At(y, x) + 0.1 * Math.Max(near, 0) / disturbedBuffer, 0, 0.4);
            return new Ground(LulcClass.GeneralDisturbedLand, Surface.Disturbed, (float)(1.2 * cutFillNoise.At(x, y)), rockShare * (1 - scraped), plants, 0, 1, scraped);
        }
        return terrain.Natural(x, y);
    }

    private Ground SamplePit(Pit p, double x, double y, double n)
    {
        // Depth below the original ground now (benched walls, flat floor) and at the baseline.
        var wall = Math.Clamp((1 - n) / (1 - p.FloorN), 0, 1);
        var depth = p.Depth * wall;
        var onFace = false;
        var level = 0;
        if (p.Terraced)
        {
            var u = depth / p.Bench;
            level = (int)Math.Floor(u);
            var frac = u - level;
            onFace = frac > 0.65 && wall < 1;
            depth = p.Bench * (level + Math.Clamp((frac - 0.65) / 0.35, 0, 1));
        }
        var nb = p.BaseScale > 0 ? n / p.BaseScale : 2;
        var before = nb < 1 ? p.BaseDepth * Math.Clamp((1 - nb) / (1 - p.FloorN), 0, 1) : 0;
        var dh = (float)Math.Min(0.3, before - depth);
        double dx = x - p.Shape.X, dy = y - p.Shape.Y, len = Math.Max(1e-6, Math.Sqrt(dx * dx + dy * dy));
        double rx = dx / len, ry = dy / len;

        if (p.WaterN > 0 && n < p.WaterN)
        {
            // Pit lake: its surface lies at the level of the wall where it meets it.
            var shoreDepth = p.Depth * Math.Clamp((1 - p.WaterN) / (1 - p.FloorN), 0, 1);
            var shoreBase = p.BaseScale > 0 ? p.WaterN / p.BaseScale : 2;
            var shoreBefore = shoreBase < 1 ? p.BaseDepth * Math.Clamp((1 - shoreBase) / (1 - p.FloorN), 0, 1) : 0;
            var surface = (float)Math.Min(0.3, shoreBefore - shoreDepth);
            var shallow = (float)Math.Clamp((n / p.WaterN - 0.8) * 1.5, 0, 0.3);
            return new Ground(LulcClass.WaterBody, Surface.Water, WaterMasked ? float.NaN : surface, p.Turbidity, shallow, p.WaterKind);
        }
        if (p.FillShare > 0 && n > 0.3)
        {
            var da = Math.Abs(Math.IEEERemainder(Math.Atan2(dy, dx) - p.FillAngle, 2 * Math.PI));
            if (da < p.FillWidth)
                return new Ground(LulcClass.WasteDumpingSite, Surface.Dump, dh * (float)(1 - p.FillShare), 0.85f, 0, 0, 1.02f); // in-pit backfill
        }
        var strata = 1 + 0.08 * ValueNoise.Hash(level, p.StrataSeed, 5);
        // Faces are bare rock in sun or shade; berms and the floor are working surfaces, part trafficked.
        double light;
        float wet, worked;
        if (onFace) { light = 1 - 0.35 * (rx * sunX + ry * sunY); wet = 0; worked = 0.1f; }
        else if (wall >= 1) { light = 0.97; wet = p.WaterN > 0 ? (float)Math.Clamp(1 - (n - p.WaterN) / 0.12, 0.15, 0.7) : 0.15f; worked = 0.45f; }
        else { light = 1 + 0.04 * detailNoise.At(x, y); wet = 0.05f; worked = 0.5f; }
        // Radar shadow: steep deep walls facing away from the sensor come out as voids.
        var voidHere = onFace && p.Depth > 30 && -(rx * lookX + ry * lookY) > 0.45 && detailNoise.At(y, x) > 0.05;
        return new Ground(LulcClass.OpenPit, Surface.PitRock, voidHere ? float.NaN : dh, 0, wet, 0, (float)(light * strata), worked);
    }

    private float SlopeLight(double dx, double dy, double strength, bool onSlope)
    {
        if (!onSlope) return 1f;
        var len = Math.Max(1e-6, Math.Sqrt(dx * dx + dy * dy));
        return (float)(1 + strength * (dx * sunX + dy * sunY) / len);
    }

    private Pit NewPit(Random rng, double x, double y, double r, double depth, double waterShare, int seed)
    {
        var isNew = SynthRandom.Chance(rng, 0.45);
        var baseScale = isNew ? 0 : SynthRandom.Uniform(rng, 0.3, 0.92);
        var floorN = SynthRandom.Uniform(rng, 0.2, 0.45);
        var water = SynthRandom.Chance(rng, waterShare) ? SynthRandom.Uniform(rng, 0.6, 1.15) * floorN : 0;
        var fill = SynthRandom.Chance(rng, 0.25);
        return new Pit(new Ellipse(x, y, r, r * SynthRandom.Uniform(rng, 0.55, 1), rng.NextDouble() * Math.PI), depth, SynthRandom.Uniform(rng, 8, 15), floorN, true,
            baseScale, depth * baseScale * SynthRandom.Uniform(rng, 0.3, 0.9), water, (byte)(rng.Next(2)), (float)SynthRandom.Uniform(rng, 0, 1),
            rng.NextDouble() * 2 * Math.PI, fill ? SynthRandom.Uniform(rng, 0.4, 1) : 0, fill ? SynthRandom.Uniform(rng, 0.3, 0.85) : 0, seed);
    }

    private static Dump NewDump(Random rng, double x, double y, double r, double height)
    {
        var old = SynthRandom.Chance(rng, 0.35);
        var baseScale = old ? SynthRandom.Uniform(rng, 0.4, 0.95) : 0;
        var rehab = old && SynthRandom.Chance(rng, 0.45) ? (float)SynthRandom.Uniform(rng, 0.3, 0.85) : 0;
        return new Dump(new Ellipse(x, y, r, r * SynthRandom.Uniform(rng, 0.55, 1), rng.NextDouble() * Math.PI), height, height / SynthRandom.Uniform(rng, 0.6, 0.9),
            baseScale, height * SynthRandom.Uniform(rng, 0.3, 0.9), (float)SynthRandom.Uniform(rng, 0.45, 1), rehab);
    }

    private void AddPlant(Random rng, int count, double angle, bool smallPads)
    {
        for (var k = 0; k < count; k++)
        {
            var a = rng.NextDouble() * 2 * Math.PI;
            var d = plantRadius * Math.Sqrt(rng.NextDouble());
            var round = SynthRandom.Chance(rng, 0.15);
            var hw = round ? SynthRandom.Uniform(rng, 6, 15) : SynthRandom.Uniform(rng, 6, 35);
            var isNew = SynthRandom.Chance(rng, 0.6);
            buildings.Add(new Building(plantX + d * Math.Cos(a), plantY + d * Math.Sin(a), hw, round ? hw : SynthRandom.Uniform(rng, 5, 25),
                Math.Cos(angle), Math.Sin(angle), round, isNew ? SynthRandom.Uniform(rng, 3, 20) : 0, RoofMaterial(rng), (float)SynthRandom.Uniform(rng, 0.85, 1.15)));
        }
        for (var k = 2 + rng.Next(3); k > 0; k--)
        {
            var a = rng.NextDouble() * 2 * Math.PI;
            var d = plantRadius * (0.5 + 0.6 * rng.NextDouble());
            var hw = smallPads ? SynthRandom.Uniform(rng, 10, 25) : SynthRandom.Uniform(rng, 15, 45);
            buildings.Add(new Building(plantX + d * Math.Cos(a), plantY + d * Math.Sin(a), hw, hw * SynthRandom.Uniform(rng, 0.5, 1),
                Math.Cos(angle), Math.Sin(angle), false, SynthRandom.Uniform(rng, 0, 1.5), (byte)(rng.Next(3) == 0 ? 0 : 1), (float)SynthRandom.Uniform(rng, 0.85, 1.1)));
        }
    }

    /// <summary>Dark roofs and asphalt are the commonest, then concrete, metal and red roofs.</summary>
    private static byte RoofMaterial(Random rng) => rng.NextDouble() switch { < 0.45 => 0, < 0.7 => 1, < 0.88 => 2, _ => 3 };

    private void AddAccessRoad(Random rng, double angle, double radius)
    {
        if (!SynthRandom.Chance(rng, 0.6)) return;
        var a = angle + SynthRandom.Uniform(rng, -0.4, 0.4);
        roads.Add(Track(rng, plantX, plantY, plantX + 1.3 * radius * Math.Cos(a), plantY + 1.3 * radius * Math.Sin(a), SynthRandom.Uniform(rng, 3.5, 6), true));
    }

    /// <summary>A road from one point to another with one bend.</summary>
    private static Road Track(Random rng, double x0, double y0, double x1, double y1, double halfWidth, bool paved)
    {
        double dx = x1 - x0, dy = y1 - y0;
        var bend = SynthRandom.Uniform(rng, -0.15, 0.15);
        double mx = (x0 + x1) / 2 - bend * dy, my = (y0 + y1) / 2 + bend * dx;
        return MakeRoad([x0, mx, x1], [y0, my, y1], halfWidth, paved);
    }

    private static Road MakeRoad(double[] xs, double[] ys, double halfWidth, bool paved) =>
        new(xs, ys, halfWidth, paved, xs.Min(), ys.Min(), xs.Max(), ys.Max());

    private static double DistanceToPolyline(double x, double y, Road r)
    {
        var best = double.PositiveInfinity;
        for (var i = 0; i + 1 < r.Xs.Length; i++)
        {
            double vx = r.Xs[i + 1] - r.Xs[i], vy = r.Ys[i + 1] - r.Ys[i], wx = x - r.Xs[i], wy = y - r.Ys[i];
            var t = Math.Clamp((wx * vx + wy * vy) / Math.Max(vx * vx + vy * vy, 1e-9), 0, 1);
            double ex = wx - t * vx, ey = wy - t * vy;
            best = Math.Min(best, ex * ex + ey * ey);
        }
        return Math.Sqrt(best);
    }

    /// <summary>The value of a noise field that a share <paramref name="q"/> of the site's disc lies below (from 600 seeded samples).</summary>
    private static double Quantile(ValueNoise noise, double cx, double cy, double radius, double q, Random rng)
    {
        if (q <= 0) return double.NegativeInfinity;
        if (q >= 1) return double.PositiveInfinity;
        var values = new double[600];
        for (var i = 0; i < values.Length; i++)
        {
            var a = rng.NextDouble() * 2 * Math.PI;
            var d = radius * Math.Sqrt(rng.NextDouble());
            values[i] = noise.At(cx + d * Math.Cos(a), cy + d * Math.Sin(a));
        }
        Array.Sort(values);
        return values[(int)Math.Min(values.Length - 1, q * values.Length)];
    }
}
