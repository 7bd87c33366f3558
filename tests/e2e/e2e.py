"""What every end-to-end test shares: the binary, checks that collect failures, reading layers
back through GDAL, and the closing "N passed, M failed" line CI reads."""
import os
import subprocess
import sys

from osgeo import gdal, ogr

gdal.UseExceptions()
SCICOV = os.environ.get("SCICOV", "scicov")
GEODATA = os.environ.get("SCICOV_GEODATA", "")

_passed = 0
_failures = []


def check(cond, what):
    """Records one assertion; prints it when it fails."""
    global _passed
    if cond:
        _passed += 1
    else:
        _failures.append(what)
        print("FAIL:", what)
    return cond


def run(*args):
    """Runs scicov quietly and returns the CompletedProcess."""
    return subprocess.run([SCICOV, "-q", *args], capture_output=True, text=True)


def rows(path, layer, key=None, geometry=False):
    """A layer's features as dicts (keyed by `key` when given)."""
    ds = ogr.Open(path)
    out = []
    for f in ds.GetLayerByName(layer):
        d = f.items()
        if geometry:
            g = f.GetGeometryRef()
            d["_geom"] = g.Clone() if g is not None else None
        out.append(d)
    ds = None
    return {d[key]: d for d in out} if key else out


def add_facilities(path, sites):
    """Adds sites (rows of proposed_sites read with geometry=True) to the `facilities` layer of
    the dataset at `path` as existing facilities, transformed into the layer's CRS: a plan's
    sites, built, for analysing the world again."""
    ds = ogr.Open(path, update=1)
    lyr = ds.GetLayerByName("facilities")
    to_layer = ogr.osr.CoordinateTransformation(sites[0]["_geom"].GetSpatialReference(), lyr.GetSpatialRef())
    has_status = lyr.GetLayerDefn().GetFieldIndex("status") >= 0
    for s in sites:
        f = ogr.Feature(lyr.GetLayerDefn())
        f.SetField("id", s["id"])
        f.SetField("type", s["type"])
        f.SetField("name", s["id"])
        if has_status:
            f.SetField("status", "existing")
        g = s["_geom"].Clone()
        g.Transform(to_layer)
        f.SetGeometry(g)
        lyr.CreateFeature(f)
    ds = None


def png_pixels(path):
    """A PNG (or any GDAL raster) as width, height and its bands as a numpy array (bands, rows, columns)."""
    ds = gdal.Open(path)
    return ds.RasterXSize, ds.RasterYSize, ds.ReadAsArray()


def finish():
    """Prints the closing line and exits non-zero on any failure."""
    print(f"{_passed} passed, {len(_failures)} failed")
    sys.exit(1 if _failures else 0)
