"""A county is framed by its main body: a stray 0.05 km² piece added 80 km away from 麒麟区 does not
change the map of that county (before, it set the extent and shrank the county into a corner).
Legends show no empty classes: no "(0)" row for any county and type of the sample's analysis."""
import os
import shutil
import sys
import tempfile

from osgeo import ogr

sys.path.insert(0, os.path.dirname(__file__))
from e2e import GEODATA, check, finish, png_pixels as pixels, run  # noqa: E402

SAMPLE = os.path.join(GEODATA, "sample.gpkg")


def add_stray_piece(path, code, east_km):
    """Adds a 0.05 km² square part `east_km` east of the county's box to its polygon."""
    ds = ogr.Open(path, update=1)
    lyr = ds.GetLayerByName("counties")
    lyr.SetAttributeFilter(f"code = '{code}'")
    f = lyr.GetNextFeature()
    g = f.GetGeometryRef().Clone()
    min_x, max_x, min_y, max_y = g.GetEnvelope()
    x = max_x + east_km / 100.0  # ~100 km a degree at 25°N
    y = (min_y + max_y) / 2
    side = 0.00224  # ~224 m
    ring = ogr.Geometry(ogr.wkbLinearRing)
    for dx, dy in ((0, 0), (side, 0), (side, side), (0, side), (0, 0)):
        ring.AddPoint_2D(x + dx, y + dy)
    square = ogr.Geometry(ogr.wkbPolygon)
    square.AddGeometry(ring)
    multi = ogr.ForceToMultiPolygon(g)
    multi.AddGeometry(square)
    f.SetGeometry(multi)
    lyr.SetFeature(f)
    ds = None


with tempfile.TemporaryDirectory() as tmp:
    gpkg = os.path.join(tmp, "a.gpkg")
    r = run("analyze", SAMPLE, "-o", gpkg)
    check(r.returncode == 0, f"analyze exit 0 ({r.stderr[-500:]})")
    stray = os.path.join(tmp, "stray.gpkg")
    shutil.copy(gpkg, stray)
    add_stray_piece(stray, "530302", 80)
    maps = []
    for src in (gpkg, stray):
        png = os.path.join(tmp, os.path.basename(src) + ".png")
        r = run("map", src, "-o", png, "--county", "530302", "--date", "2025-06-01")
        check(r.returncode == 0, f"map exit 0 ({r.stderr[-500:]})")
        maps.append(png)
    if all(os.path.exists(p) for p in maps):
        w1, h1, a = pixels(maps[0])
        w2, h2, b = pixels(maps[1])
        check((w1, h1) == (w2, h2), f"same size with the stray piece ({w1}x{h1} vs {w2}x{h2})")
        if (w1, h1) == (w2, h2):
            differ = int((a != b).any(axis=0).sum())
            check(differ < 0.01 * w1 * h1, f"a stray piece 80 km away does not reframe the county ({differ} pixels differ)")

    # Legends without empty classes, on the analysis and on a plan.
    plan = os.path.join(tmp, "p.gpkg")
    r = run("plan", SAMPLE, "-o", plan, "--county", "530302", "--county", "510402")
    check(r.returncode == 0, f"plan exit 0 ({r.stderr[-500:]})")
    for src, counties in ((gpkg, ("530302", "510402", "640105")), (plan, ("530302", "510402"))):
        for county in counties:
            for t in ("science_museum", "science_base", "e_station", "science_room"):
                svg = os.path.join(tmp, f"{county}_{t}.svg")
                r = run("map", src, "-o", svg, "--county", county, "--type", t, "--date", "2025-06-01")
                if not check(r.returncode == 0, f"map {county} {t} exit 0 ({r.stderr[-300:]})"):
                    continue
                text = open(svg, encoding="utf-8").read()
                check("(0)</text>" not in text, f"{os.path.basename(src)} {county} {t}: no empty legend class")
finish()
