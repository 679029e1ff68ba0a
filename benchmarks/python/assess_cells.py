#!/usr/bin/env python3
"""Cell-counting accuracy assessment, the plain way (a benchmark, not part of the product).

Rasterizes the reference and the predicted label sets (published schema, docs/output-schema.md:
folders, .zip or .gpkg) with GDAL onto one grid of square cells in a Lambert azimuthal equal-area
projection centred on the reference (every cell is cell² m² of the WGS 84 ellipsoid), cell centre
inside, and counts the cells where both have a class. Prints overall accuracy, kappa, macro F1, the
compared area and the wall time as one JSON object.

    /usr/bin/python3 benchmarks/python/assess_cells.py --pred PRED --ref REF [--cell 5]

Needs python3-gdal and numpy. Holds the whole grid in memory (two rasters of the reference's
extent), which is what makes it simple; `mining-lulc assess` works window by window instead.
"""
import argparse
import json
import os
import sys
import time
import zipfile

import numpy as np
from osgeo import gdal, ogr, osr

gdal.UseExceptions()
ogr.UseExceptions()

CLASSES = ["Open pit", "Waste dumping site", "General disturbed land", "Water body", "Facility", "Bare soil", "Vegetation"]


def sources(path):
    """GDAL paths of the GeoPackages under a folder, .zip or .gpkg (zip entries also present loose count once)."""
    def zip_entries(z):
        with zipfile.ZipFile(z) as f:
            return sorted(f"/vsizip/{os.path.abspath(z)}/{n}" for n in f.namelist() if n.lower().endswith(".gpkg"))
    if os.path.isdir(path):
        files = sorted(os.path.join(path, f) for f in os.listdir(path))
        loose = [f for f in files if f.lower().endswith(".gpkg")]
        names = {os.path.basename(f).lower() for f in loose}
        zipped = [e for f in files if f.lower().endswith(".zip") for e in zip_entries(f) if e.rsplit("/", 1)[-1].lower() not in names]
        return loose + zipped
    if path.lower().endswith(".zip"):
        return zip_entries(path)
    return [path]


def extent_wgs84(paths):
    wgs84 = osr.SpatialReference()
    wgs84.ImportFromEPSG(4326)
    wgs84.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    box = [np.inf, -np.inf, np.inf, -np.inf]
    for p in paths:
        ds = ogr.Open(p)
        for layer in ds:
            minx, maxx, miny, maxy = layer.GetExtent()
            srs = layer.GetSpatialRef()
            if srs is not None and not srs.IsSame(wgs84):
                srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
                ct = osr.CoordinateTransformation(srs, wgs84)
                pts = [ct.TransformPoint(x, y)[:2] for x in (minx, maxx) for y in (miny, maxy)]
                minx, maxx = min(q[0] for q in pts), max(q[0] for q in pts)
                miny, maxy = min(q[1] for q in pts), max(q[1] for q in pts)
            box = [min(box[0], minx), max(box[1], maxx), min(box[2], miny), max(box[3], maxy)]
    return box


def burn(ds, paths):
    """Burns class codes (1..7 from class_name) of every polygon into band 1 of ds (reprojected on the fly)."""
    case = "CASE class_name " + " ".join(f"WHEN '{n}' THEN {i + 1}" for i, n in enumerate(CLASSES)) + " ELSE 0 END"
    for p in paths:
        src = ogr.Open(p)
        for layer in src:
            sql = f'SELECT {case} AS code, "{layer.GetGeometryColumn()}" FROM "{layer.GetName()}"'
            gdal.Rasterize(ds, p, SQLStatement=sql, SQLDialect="SQLITE", attribute="code")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pred", required=True)
    ap.add_argument("--ref", required=True)
    ap.add_argument("--cell", type=float, default=5.0, help="cell side in metres (default 5)")
    a = ap.parse_args()
    t0 = time.perf_counter()
    ref_paths, pred_paths = sources(a.ref), sources(a.pred)
    minx, maxx, miny, maxy = extent_wgs84(ref_paths)
    laea = osr.SpatialReference()
    laea.ImportFromProj4(f"+proj=laea +lat_0={(miny + maxy) / 2} +lon_0={(minx + maxx) / 2} +datum=WGS84 +units=m +no_defs")
    laea.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    wgs84 = osr.SpatialReference()
    wgs84.ImportFromEPSG(4326)
    wgs84.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    ct = osr.CoordinateTransformation(wgs84, laea)
    edge = np.linspace(0, 1, 33)
    pts = [(minx + t * (maxx - minx), y) for t in edge for y in (miny, maxy)] + [(x, miny + t * (maxy - miny)) for t in edge for x in (minx, maxx)]
    xy = np.array([ct.TransformPoint(x, y)[:2] for x, y in pts])
    c = a.cell
    x0, y0 = np.floor(xy[:, 0].min() / c - 1) * c, np.ceil(xy[:, 1].max() / c + 1) * c
    w, h = int(np.ceil((xy[:, 0].max() - x0) / c)) + 1, int(np.ceil((y0 - xy[:, 1].min()) / c)) + 1

    grids = []
    for paths in (ref_paths, pred_paths):
        ds = gdal.GetDriverByName("MEM").Create("", w, h, 1, gdal.GDT_Byte)
        ds.SetGeoTransform((x0, c, 0, y0, 0, -c))
        ds.SetProjection(laea.ExportToWkt())
        burn(ds, paths)
        grids.append(ds.GetRasterBand(1).ReadAsArray())
    ref, pred = grids
    both = (ref > 0) & (pred > 0)
    cm = np.bincount(ref[both].astype(np.int64) * 8 + pred[both], minlength=64).reshape(8, 8)[1:, 1:] * (c * c)

    total = cm.sum()
    oa = np.trace(cm) / total
    pe = (cm.sum(axis=1) * cm.sum(axis=0)).sum() / total ** 2
    kappa = (oa - pe) / (1 - pe)
    f1 = []
    for k in range(7):
        r, m = cm[k].sum(), cm[:, k].sum()
        if r <= 0:
            continue
        pa, ua = cm[k, k] / r, (cm[k, k] / m if m > 0 else 0.0)
        f1.append(2 * pa * ua / (pa + ua) if pa + ua > 0 else 0.0)
    print(json.dumps({
        "overall_accuracy": oa, "kappa": kappa, "macro_f1": float(np.mean(f1)),
        "compared_area_m2": float(total), "grid": [w, h], "cell_m": c,
        "seconds": round(time.perf_counter() - t0, 3),
    }))


if __name__ == "__main__":
    sys.exit(main())
