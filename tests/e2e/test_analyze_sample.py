"""scicov analyze on the committed sample, cross-checked against SpatiaLite SQL run through GDAL.

For every county of the five seed places: the villages and people covered by each facility type
(contains: a facility inside the village; radius: a facility within the radius of the village's
point-on-surface, ellipsoidal distance, or for e-stations (covers_own_village) holding one; admin: a
museum anywhere in the county) are computed
independently in SQL and must equal scicov's counties layer. Village areas (scicov: per-county
Gauss-Krueger zone) must agree with SpatiaLite's ellipsoidal areas within 0.1%.
"""
import os
import subprocess
import sys
import tempfile

from osgeo import gdal, ogr, osr

sys.path.insert(0, os.path.dirname(__file__))
from e2e import GEODATA, SCICOV, check, finish  # noqa: E402

SAMPLE = os.path.join(GEODATA, "sample.gpkg")


def sql(path, query):
    ds = ogr.Open(path)
    lyr = ds.ExecuteSQL(query, dialect="SQLite")
    out = [f.items() for f in lyr]
    ds.ReleaseResultSet(lyr)
    return out


def by_county(rows):
    return {r["county_code"]: (r["n"], r["p"]) for r in rows}


# The queries run on a SpatiaLite copy of the sample (ogr2ogr), which knows the ellipsoid of
# EPSG:4490. Bounding boxes and points are materialised once as plain numbers for prefiltering.
CONTAINS = """
WITH vb AS MATERIALIZED (SELECT county_code, population, geom, MbrMinX(geom) AS x0, MbrMaxX(geom) AS x1,
                                MbrMinY(geom) AS y0, MbrMaxY(geom) AS y1 FROM villages),
     fp AS MATERIALIZED (SELECT X(geom) AS x, Y(geom) AS y, geom FROM facilities WHERE type = '{type}')
SELECT county_code, COUNT(*) AS n, SUM(population) AS p FROM vb
WHERE EXISTS (SELECT 1 FROM fp WHERE fp.x BETWEEN vb.x0 AND vb.x1 AND fp.y BETWEEN vb.y0 AND vb.y1
              AND ST_Intersects(vb.geom, fp.geom))
GROUP BY county_code"""

RADIUS = """
WITH r AS MATERIALIZED (SELECT county_code, population, ST_PointOnSurface(geom) AS p FROM villages),
     rp AS MATERIALIZED (SELECT county_code, population, p, X(p) AS x, Y(p) AS y FROM r),
     fp AS MATERIALIZED (SELECT X(geom) AS x, Y(geom) AS y, geom FROM facilities WHERE type = '{type}')
SELECT county_code, COUNT(*) AS n, SUM(population) AS p FROM rp
WHERE EXISTS (SELECT 1 FROM fp WHERE abs(fp.y - rp.y) < {dlat} AND abs(fp.x - rp.x) < {dlon}
              AND ST_Distance(rp.p, fp.geom, 1) <= {radius})
GROUP BY county_code"""

# A radius rule with covers_own_village (e_station by default): within the radius, or holding one.
RADIUS_OWN = """
WITH r AS MATERIALIZED (SELECT county_code, population, geom, ST_PointOnSurface(geom) AS p, MbrMinX(geom) AS x0,
                               MbrMaxX(geom) AS x1, MbrMinY(geom) AS y0, MbrMaxY(geom) AS y1 FROM villages),
     rp AS MATERIALIZED (SELECT county_code, population, geom, x0, x1, y0, y1, p, X(p) AS x, Y(p) AS y FROM r),
     fp AS MATERIALIZED (SELECT X(geom) AS x, Y(geom) AS y, geom FROM facilities WHERE type = '{type}')
SELECT county_code, COUNT(*) AS n, SUM(population) AS p FROM rp
WHERE EXISTS (SELECT 1 FROM fp WHERE abs(fp.y - rp.y) < {dlat} AND abs(fp.x - rp.x) < {dlon}
              AND ST_Distance(rp.p, fp.geom, 1) <= {radius})
   OR EXISTS (SELECT 1 FROM fp WHERE fp.x BETWEEN rp.x0 AND rp.x1 AND fp.y BETWEEN rp.y0 AND rp.y1
              AND ST_Intersects(rp.geom, fp.geom))
GROUP BY county_code"""

ADMIN = """
WITH vb AS MATERIALIZED (SELECT county_code, geom, MbrMinX(geom) AS x0, MbrMaxX(geom) AS x1,
                                MbrMinY(geom) AS y0, MbrMaxY(geom) AS y1 FROM villages),
     fp AS MATERIALIZED (SELECT X(geom) AS x, Y(geom) AS y, geom FROM facilities WHERE type = '{type}'),
     held AS MATERIALIZED (SELECT DISTINCT vb.county_code FROM vb, fp
                           WHERE fp.x BETWEEN vb.x0 AND vb.x1 AND fp.y BETWEEN vb.y0 AND vb.y1
                           AND ST_Intersects(vb.geom, fp.geom))
SELECT v.county_code, COUNT(*) AS n, SUM(v.population) AS p FROM villages v
WHERE v.county_code IN (SELECT county_code FROM held)
GROUP BY v.county_code"""

with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "out.gpkg")
    r = subprocess.run([SCICOV, "-q", "analyze", SAMPLE, "-o", out], capture_output=True, text=True)
    check(r.returncode == 0, f"analyze exit 0 (got {r.returncode}: {r.stderr[-2000:]})")
    if r.returncode != 0:
        finish()

    spatialite = os.path.join(tmp, "sample.sqlite")
    gdal.VectorTranslate(spatialite, SAMPLE, format="SQLite", datasetCreationOptions=["SPATIALITE=YES"],
                         layers=["villages", "facilities", "counties"])
    counties = {c["code"]: c for c in sql(out, "SELECT * FROM counties")}
    expected_counties = {c["code"] for c in sql(SAMPLE, "SELECT DISTINCT county_code AS code FROM villages")}
    check(set(counties) == expected_counties, f"every county analysed ({len(counties)} of {len(expected_counties)})")
    places = {"5104", "5303", "6401", "3717", "4301"}
    check({c[:4] for c in counties} == places, "the five seed places are all there")

    cases = [
        ("science_room", CONTAINS.format(type="science_room")),
        ("e_station", RADIUS_OWN.format(type="e_station", radius=2000, dlat=0.03, dlon=0.04)),
        ("science_base", RADIUS.format(type="science_base", radius=20000, dlat=0.2, dlon=0.3)),
        ("science_museum", ADMIN.format(type="science_museum")),
    ]
    for type_key, query in cases:
        expected = by_county(sql(spatialite, query))
        for code, c in sorted(counties.items()):
            n, p = expected.get(code, (0, 0))
            got_n, got_p = c[f"villages_cov_{type_key}"], c[f"pop_cov_{type_key}"]
            check(got_n == n, f"{type_key} county {code}: {got_n} villages covered, SpatiaLite says {n}")
            check(abs(got_p - p) < 1e-6, f"{type_key} county {code}: {got_p} people covered, SpatiaLite says {p}")
        covered = sum(n for n, _ in expected.values())
        check(0 < covered < sum(c["villages"] for c in counties.values()), f"{type_key}: a real mix of covered and not")

    # Areas: scicov measures in the county's Gauss-Krueger zone; the reference is an equal-area
    # (Albers, GRS80) projection through OSR, whose planar area is the ellipsoidal area.
    # (SpatiaLite 5.0's ST_Area(geom, 1) is computed on a sphere: off by ~0.2% at 38°N.)
    src = osr.SpatialReference()
    src.ImportFromEPSG(4490)
    src.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    albers = osr.SpatialReference()
    albers.ImportFromProj4("+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +ellps=GRS80 +units=m")
    to_albers = osr.CoordinateTransformation(src, albers)
    areas = {}
    ds = ogr.Open(SAMPLE)
    for f in ds.GetLayerByName("villages"):
        g = f.GetGeometryRef().Clone()
        g.Transform(to_albers)
        areas[f["code"]] = g.GetArea()
    ds = None
    diffs = sorted(abs(v["area_m2"] / areas[v["code"]] - 1) for v in sql(out, "SELECT code, area_m2 FROM villages"))
    worst, median = diffs[-1], diffs[len(diffs) // 2]
    # DESIGN promises a linear scale error ≤ 0.1% in the county's zone; areas scale by its square,
    # so ≤ 0.2%. The worst is a county straddling a zone border (会泽县, ~1.9° from either central
    # meridian at its far edge); typical villages are far closer.
    check(worst < 2e-3, f"village areas within 0.2% of the ellipsoid (worst {worst:.2e})")
    check(median < 5e-4, f"median village area within 0.05% of the ellipsoid ({median:.2e})")
    print(f"relative area difference: worst {worst:.2e}, median {median:.2e}")

    # Targets and gaps per county are consistent with the shares.
    for code, c in counties.items():
        for t, measure, threshold in [("science_room", "villages", 1.0), ("e_station", "villages", 0.9),
                                      ("science_base", "population", 0.9)]:
            share = c[f"villages_cov_{t}"] / c["villages"] if measure == "villages" else c[f"pop_cov_{t}"] / c["population"]
            check(abs(c[f"share_{t}"] - share) < 1e-9, f"{code} share_{t}")
            check(c[f"met_{t}"] == (1 if share >= threshold - 1e-9 else 0), f"{code} met_{t}")

finish()
