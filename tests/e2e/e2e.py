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


def finish():
    """Prints the closing line and exits non-zero on any failure."""
    print(f"{_passed} passed, {len(_failures)} failed")
    sys.exit(1 if _failures else 0)
