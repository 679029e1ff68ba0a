#!/usr/bin/env python3
"""A plain GDAL + numpy + scikit-learn pipeline over a region folder (docs/inputs.md).

The yardstick for `mining-lulc run`'s throughput (benchmarks/python/compare.sh): the script a
competent researcher would write for the published method (docs/published-method.md), site by site:

  read the composite window (GDAL), warp the DCM onto it (gdal.Warp to MEM, bilinear), rasterize
  the site (all touched), compute the 15 published features with numpy, classify the pixels with a
  scikit-learn RandomForestClassifier (100 trees, 4 features per split, n_jobs=-1), polygonize
  (gdal.Polygonize, 4-connectivity), clip each polygon to the area the site owns (OGR), transform
  it to EPSG:4326, measure its area, and write GeoPackages of at most 5,000 features.

It is not the engine and does not match its outputs byte for byte: no majority filter, no focal
features, area in a site-centred Lambert equal-area projection (GDAL 3.6's Python bindings have no
geodesic area), features in the order polygonize gives them. It does the same amount of work.

  python3 pipeline.py train --region DIR --model MODEL.pkl   # reference labels -> a random forest
  python3 pipeline.py run   --region DIR --model MODEL.pkl --out OUTDIR

Training is a separate command (and process), so that `run` is timed like the engine's `run`:
a process that loads a trained model and classifies the region. Needs python3-gdal, numpy and
scikit-learn (Debian: apt-get install python3-gdal python3-sklearn).
"""
import argparse
import glob
import json
import math
import os
import pickle
import sys
import time

import numpy as np
from osgeo import gdal, ogr, osr

gdal.UseExceptions()
ogr.UseExceptions()
osr.UseExceptions()

CLASSES = ["Open pit", "Waste dumping site", "General disturbed land", "Water body", "Facility", "Bare soil", "Vegetation"]
S2_NODATA = 0
DCM_NODATA = -32767.0
TIME_NODATA = 0.0
MAX_FEATURES_PER_FILE = 5000
MIN_PIECE_M2 = 1.0


def srs_of(wkt_or_epsg):
    s = osr.SpatialReference()
    if isinstance(wkt_or_epsg, int):
        s.ImportFromEPSG(wkt_or_epsg)
    else:
        s.ImportFromWkt(wkt_or_epsg)
    s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return s


WGS84 = srs_of(4326)


class Region:
    """The inputs of a region folder: sites (EPSG:4326), DCM and TIME mosaics, composites per year."""

    def __init__(self, folder):
        self.folder = folder
        name = os.path.basename(os.path.normpath(folder))
        rj = os.path.join(folder, "region.json")
        if os.path.exists(rj):
            with open(rj) as f:
                name = json.load(f).get("name", name)
        self.name = name
        self.sites = read_sites(os.path.join(folder, "sites.gpkg"))
        self.dcm = gdal.BuildVRT("", sorted(glob.glob(os.path.join(folder, "dcm", "*_DCM.tif"))), srcNodata=DCM_NODATA, VRTNodata=DCM_NODATA)
        self.time = gdal.BuildVRT("", sorted(glob.glob(os.path.join(folder, "dcm", "*_TIME.tif"))), srcNodata=TIME_NODATA, VRTNodata=TIME_NODATA)
        self.composites = {}

    def composite(self, year):
        if year not in self.composites:
            files = sorted(glob.glob(os.path.join(self.folder, "s2", str(year), "*.tif")))
            if not files:
                self.composites[year] = None
            else:
                ds = gdal.Open(files[0]) if len(files) == 1 else gdal.BuildVRT("", files)
                self.composites[year] = ds
        return self.composites[year]

    def site_year(self, geom):
        """Floor of the DCM time stamp at the site's centroid; the median of the site's stamps when the centroid has none."""
        c = geom.Centroid()
        gt = self.time.GetGeoTransform()
        col, row = int(math.floor((c.GetX() - gt[0]) / gt[1])), int(math.floor((c.GetY() - gt[3]) / gt[5]))
        if 0 <= col < self.time.RasterXSize and 0 <= row < self.time.RasterYSize:
            v = float(self.time.GetRasterBand(1).ReadAsArray(col, row, 1, 1)[0, 0])
            if v != TIME_NODATA and math.isfinite(v):
                return int(math.floor(v))
        minx, maxx, miny, maxy = geom.GetEnvelope()
        c0, c1 = int((minx - gt[0]) / gt[1]), int(math.ceil((maxx - gt[0]) / gt[1]))
        r0, r1 = int((maxy - gt[3]) / gt[5]), int(math.ceil((miny - gt[3]) / gt[5]))
        c0, r0 = max(c0, 0), max(r0, 0)
        c1, r1 = min(c1, self.time.RasterXSize), min(r1, self.time.RasterYSize)
        if c1 <= c0 or r1 <= r0:
            return None
        a = self.time.GetRasterBand(1).ReadAsArray(c0, r0, c1 - c0, r1 - r0)
        a = a[(a != TIME_NODATA) & np.isfinite(a)]
        return int(math.floor(float(np.median(a)))) if a.size else None


def read_sites(path):
    """[(site_id, geometry in EPSG:4326)] sorted by site_id."""
    ds = ogr.Open(path)
    layer = ds.GetLayer(0)
    srs = layer.GetSpatialRef()
    ct = None
    if srs is not None:
        srs = srs.Clone()
        srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
        if not srs.IsSame(WGS84):
            ct = osr.CoordinateTransformation(srs, WGS84)
    sites = []
    for f in layer:
        g = f.GetGeometryRef().Clone()
        if ct is not None:
            g.Transform(ct)
        sites.append((int(f.GetField("site_id")), g))
    sites.sort(key=lambda s: s[0])
    return sites


def owned_areas(sites):
    """[(site_id, site, owned area)]: where sites overlap, the smaller site_id keeps the area (docs/output-schema.md)."""
    owned = []
    for i, (sid, g) in enumerate(sites):
        env = g.GetEnvelope()
        mine = g
        for _, h in sites[:i]:
            e = h.GetEnvelope()
            if e[0] > env[1] or e[1] < env[0] or e[2] > env[3] or e[3] < env[2]:
                continue
            if mine.Intersects(h):
                mine = mine.Difference(h)
        owned.append((sid, g, mine))
    return owned


def site_window(ds, geom_in_grid, halo=1):
    gt = ds.GetGeoTransform()
    minx, maxx, miny, maxy = geom_in_grid.GetEnvelope()
    cols = [(x - gt[0]) / gt[1] for x in (minx, maxx)]
    rows = [(y - gt[3]) / gt[5] for y in (miny, maxy)]
    c0, c1 = int(math.floor(min(cols))) - halo, int(math.ceil(max(cols))) + halo
    r0, r1 = int(math.floor(min(rows))) - halo, int(math.ceil(max(rows))) + halo
    c0, r0 = max(c0, 0), max(r0, 0)
    c1, r1 = min(c1, ds.RasterXSize), min(r1, ds.RasterYSize)
    return c0, r0, c1 - c0, r1 - r0


def mem_raster(w, h, gt, wkt, dtype=gdal.GDT_Byte, bands=1):
    ds = gdal.GetDriverByName("MEM").Create("", w, h, bands, dtype)
    ds.SetGeoTransform(gt)
    ds.SetProjection(wkt)
    return ds


def rasterize(geom, w, h, gt, wkt, all_touched=True):
    """1 where the geometry (in the grid CRS) touches a pixel."""
    ds = mem_raster(w, h, gt, wkt)
    src = ogr.GetDriverByName("Memory").CreateDataSource("")
    layer = src.CreateLayer("g", srs_of(wkt), ogr.wkbMultiPolygon)
    f = ogr.Feature(layer.GetLayerDefn())
    f.SetGeometry(geom)
    layer.CreateFeature(f)
    gdal.RasterizeLayer(ds, [1], layer, burn_values=[1], options=["ALL_TOUCHED=TRUE"] if all_touched else [])
    return ds.GetRasterBand(1).ReadAsArray()


def read_site(region, year, geom4326):
    """The site's grid window: bands (10, h, w) float32 with NaN for nodata, dh (h, w), mask, grid."""
    comp = region.composite(year)
    wkt = comp.GetProjection()
    grid_srs = srs_of(wkt)
    geom = geom4326.Clone()
    geom.Transform(osr.CoordinateTransformation(WGS84, grid_srs))
    c0, r0, w, h = site_window(comp, geom)
    gt0 = comp.GetGeoTransform()
    gt = (gt0[0] + c0 * gt0[1], gt0[1], 0.0, gt0[3] + r0 * gt0[5], 0.0, gt0[5])
    bands = comp.ReadAsArray(c0, r0, w, h).astype(np.float32)
    bands[bands == S2_NODATA] = np.nan
    xs = (gt[0], gt[0] + w * gt[1])
    ys = (gt[3], gt[3] + h * gt[5])
    warped = gdal.Warp("", region.dcm, format="MEM", dstSRS=wkt, outputBounds=(min(xs), min(ys), max(xs), max(ys)),
                       width=w, height=h, resampleAlg="bilinear", outputType=gdal.GDT_Float32,
                       srcNodata=DCM_NODATA, dstNodata=float("nan"))
    dh = warped.GetRasterBand(1).ReadAsArray()
    mask = rasterize(geom, w, h, gt, wkt)
    return bands, dh, mask, gt, wkt, geom


def features(bands, dh):
    """The 15 published features (docs/published-method.md), (15, h, w) float32."""
    b02, b03, b04, b05, b06, b07, b08, b8a, b11, b12 = bands
    with np.errstate(divide="ignore", invalid="ignore"):
        mndwi = (b03 - b11) / (b03 + b11)
        ndbi = (b11 - b08) / (b11 + b08)
        ndvi = (b08 - b04) / (b08 + b04)
        bsi = ((b11 + b04) - (b08 + b02)) / ((b11 + b04) + (b08 + b02) + 1e-6)
    return np.concatenate([bands, dh[None], mndwi[None], ndbi[None], ndvi[None], bsi[None]]).astype(np.float32)


def as_rows(feats, pixels):
    """(n, 15) rows for the selected pixels; missing dh becomes a sentinel (scikit-learn 1.2 trees take no NaN)."""
    rows = feats[:, pixels].T
    return np.nan_to_num(rows, nan=-9999.0, posinf=-9999.0, neginf=-9999.0)


def refine(rows, cls):
    """The published training-sample rules per class (docs/published-method.md)."""
    dh, mndwi, ndbi, ndvi, bsi = rows[:, 10], rows[:, 11], rows[:, 12], rows[:, 13], rows[:, 14]
    has_dh = dh != -9999.0
    rules = {
        1: has_dh & (dh < 0), 2: has_dh & (dh > 1), 3: has_dh & (dh >= 0) & (dh <= 1) & (bsi < 0.2),
        4: mndwi > 0, 5: ndbi > 0.28, 6: np.ones(len(rows), bool), 7: ndvi > 0.3,
    }
    return rules[cls]


def train(args):
    from sklearn.ensemble import RandomForestClassifier
    t0 = time.perf_counter()
    region = Region(args.region)
    label_files = sorted(glob.glob(os.path.join(args.region, "labels", "*.gpkg")))
    for z in sorted(glob.glob(os.path.join(args.region, "labels", "*.zip"))):
        label_files += ["/vsizip/" + os.path.abspath(z) + "/" + n for n in gdal.ReadDir("/vsizip/" + os.path.abspath(z)) if n.endswith(".gpkg")]
    label_layers = [(ds, ds.GetLayer(0)) for ds in (ogr.Open(f) for f in label_files)]
    rng = np.random.default_rng(args.seed)
    xs, ys = [], []
    for sid, geom in region.sites:
        year = region.site_year(geom)
        if year is None or region.composite(year) is None:
            continue
        bands, dh, mask, gt, wkt, _ = read_site(region, year, geom)
        h, w = mask.shape
        labels = mem_raster(w, h, gt, wkt)
        env = geom.GetEnvelope()
        for _, layer in label_layers:
            layer.SetSpatialFilterRect(env[0], env[2], env[1], env[3])
            layer.SetAttributeFilter(None)
            for code, name in enumerate(CLASSES, 1):
                layer.SetAttributeFilter("class_name = '%s'" % name)
                if layer.GetFeatureCount() > 0:
                    gdal.RasterizeLayer(labels, [1], layer, burn_values=[code])
            layer.SetAttributeFilter(None)
            layer.SetSpatialFilter(None)
        lab = labels.GetRasterBand(1).ReadAsArray()
        valid = np.all(np.isfinite(bands), axis=0) & (mask == 1) & (lab > 0)
        pixels = np.flatnonzero(valid.ravel())
        if pixels.size == 0:
            continue
        feats = features(bands, dh).reshape(15, -1)
        rows, cls = as_rows(feats, pixels), lab.ravel()[pixels]
        for code in range(1, 8):
            sel = np.flatnonzero(cls == code)
            sel = sel[refine(rows[sel], code)]
            if sel.size > args.per_site:
                sel = rng.choice(sel, args.per_site, replace=False)
            xs.append(rows[sel])
            ys.append(cls[sel])
    x, y = np.concatenate(xs), np.concatenate(ys)
    keep = []
    for code in range(1, 8):
        sel = np.flatnonzero(y == code)
        if sel.size > args.per_class:
            sel = rng.choice(sel, args.per_class, replace=False)
        keep.append(sel)
    keep = np.concatenate(keep)
    x, y = x[keep], y[keep]
    t1 = time.perf_counter()
    forest = RandomForestClassifier(n_estimators=args.trees, max_features=4, n_jobs=-1, random_state=args.seed)
    forest.fit(x, y)
    t2 = time.perf_counter()
    with open(args.model, "wb") as f:
        pickle.dump(forest, f, protocol=pickle.HIGHEST_PROTOCOL)
    print(json.dumps({"samples": int(len(y)), "per_class": {CLASSES[c - 1]: int((y == c).sum()) for c in range(1, 8)},
                      "sampling_s": round(t1 - t0, 2), "fit_s": round(t2 - t1, 2), "model": args.model}))


class GpkgWriter:
    """<region>_NNN.gpkg files of at most 5,000 features in the published schema."""

    def __init__(self, out, region):
        self.out, self.region, self.files = out, region, []
        self.ds = self.layer = None
        self.count = self.index = 0

    def _open(self):
        self.close()
        name = "%s_%03d" % (self.region, len(self.files) + 1)
        path = os.path.join(self.out, name + ".gpkg")
        if os.path.exists(path):
            os.remove(path)
        self.ds = ogr.GetDriverByName("GPKG").CreateDataSource(path)
        self.layer = self.ds.CreateLayer(name, WGS84, ogr.wkbMultiPolygon, ["FID=fid", "GEOMETRY_NAME=geom"])
        for field, kind in (("index_n", ogr.OFTInteger64), ("class_name", ogr.OFTString), ("area_m2", ogr.OFTReal), ("year", ogr.OFTInteger64)):
            self.layer.CreateField(ogr.FieldDefn(field, kind))
        self.ds.StartTransaction()
        self.files.append(path)
        self.count = 0

    def write(self, geom, cls, area, year):
        if self.ds is None or self.count == MAX_FEATURES_PER_FILE:
            self._open()
        self.index += 1
        self.count += 1
        f = ogr.Feature(self.layer.GetLayerDefn())
        f.SetFID(self.count)
        f.SetField("index_n", self.index)
        f.SetField("class_name", CLASSES[cls - 1])
        f.SetField("area_m2", area)
        f.SetField("year", year)
        f.SetGeometryDirectly(geom)
        self.layer.CreateFeature(f)

    def close(self):
        if self.ds is not None:
            self.ds.CommitTransaction()
            self.ds = self.layer = None


def polygons(g):
    """The polygons of a geometry (a clip can give a collection with lines and points: those are dropped)."""
    t = ogr.GT_Flatten(g.GetGeometryType())
    if t == ogr.wkbPolygon:
        yield g
    elif t in (ogr.wkbMultiPolygon, ogr.wkbGeometryCollection):
        for i in range(g.GetGeometryCount()):
            yield from polygons(g.GetGeometryRef(i))


def equal_area_ct(geom4326):
    """WGS 84 -> a Lambert azimuthal equal-area projection centred on the site (areas in m²)."""
    c = geom4326.Centroid()
    laea = osr.SpatialReference()
    laea.SetLAEA(c.GetY(), c.GetX(), 0, 0)
    laea.SetWellKnownGeogCS("WGS84")
    laea.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return osr.CoordinateTransformation(WGS84, laea)


def run(args):
    t0 = time.perf_counter()
    with open(args.model, "rb") as f:
        forest = pickle.load(f)
    forest.set_params(n_jobs=-1)
    region = Region(args.region)
    os.makedirs(args.out, exist_ok=True)
    writer = GpkgWriter(args.out, region.name)
    stage = dict(read_warp=0.0, features=0.0, classify=0.0, polygonize=0.0, clip_transform=0.0, write=0.0)
    done = skipped = pixels_total = 0
    owned = owned_areas(region.sites)
    for sid, site, geom in owned:
        ts = time.perf_counter()
        year = region.site_year(site)
        if year is None or region.composite(year) is None or geom.IsEmpty():
            skipped += 1
            continue
        bands, dh, mask, gt, wkt, geom_grid = read_site(region, year, geom)
        h, w = mask.shape
        t1 = time.perf_counter()
        feats = features(bands, dh).reshape(15, -1)
        pixels = np.flatnonzero((mask.ravel() == 1) & np.all(np.isfinite(feats[:10]), axis=0))
        t2 = time.perf_counter()
        classes = np.zeros(h * w, np.uint8)
        if pixels.size:
            classes[pixels] = forest.predict(as_rows(feats, pixels)).astype(np.uint8)
        pixels_total += int(pixels.size)
        t3 = time.perf_counter()
        raster = mem_raster(w, h, gt, wkt)
        band = raster.GetRasterBand(1)
        band.WriteArray(classes.reshape(h, w))
        grid_srs = srs_of(wkt)
        mem = ogr.GetDriverByName("Memory").CreateDataSource("")
        layer = mem.CreateLayer("regions", grid_srs, ogr.wkbPolygon)
        layer.CreateField(ogr.FieldDefn("class", ogr.OFTInteger))
        gdal.Polygonize(band, band, layer, 0, [])
        t4 = time.perf_counter()
        to_wgs84 = osr.CoordinateTransformation(grid_srs, WGS84)
        to_area = equal_area_ct(geom)
        out = []
        for f in layer:
            g = f.GetGeometryRef()
            if not geom_grid.Contains(g):
                if not geom_grid.Intersects(g):
                    continue
                g = g.Intersection(geom_grid)
            else:
                g = g.Clone()
            if g.IsEmpty():
                continue
            g.Transform(to_wgs84)
            keep, area = ogr.Geometry(ogr.wkbMultiPolygon), 0.0
            for part in polygons(g):
                a = part.Clone()
                a.Transform(to_area)
                a = a.GetArea()
                if a >= MIN_PIECE_M2:
                    keep.AddGeometry(part)
                    area += a
            if keep.GetGeometryCount():
                out.append((keep, f.GetField("class"), area))
        t5 = time.perf_counter()
        for g, cls, area in out:
            writer.write(g, cls, area, year)
        t6 = time.perf_counter()
        for k, a, b in (("read_warp", ts, t1), ("features", t1, t2), ("classify", t2, t3), ("polygonize", t3, t4), ("clip_transform", t4, t5), ("write", t5, t6)):
            stage[k] += b - a
        done += 1
    writer.close()
    total = time.perf_counter() - t0
    print(json.dumps({"region": region.name, "sites_done": done, "sites_skipped": skipped, "classified_pixels": pixels_total,
                      "features": writer.index, "files": len(writer.files), "seconds": round(total, 2),
                      "stages_s": {k: round(v, 2) for k, v in stage.items()}}))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train", help="train a random forest on the region's reference labels")
    t.add_argument("--region", required=True)
    t.add_argument("--model", required=True)
    t.add_argument("--trees", type=int, default=100)
    t.add_argument("--per-site", type=int, default=400, help="samples per class per site (as the engine's published preset)")
    t.add_argument("--per-class", type=int, default=3000, help="samples per class in all (as the engine's published preset)")
    t.add_argument("--seed", type=int, default=42)
    r = sub.add_parser("run", help="classify every site and write GeoPackages")
    r.add_argument("--region", required=True)
    r.add_argument("--model", required=True)
    r.add_argument("--out", required=True)
    args = p.parse_args()
    (train if args.command == "train" else run)(args)


if __name__ == "__main__":
    sys.exit(main())
