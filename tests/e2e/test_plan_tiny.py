"""scicov plan on the hand-computable world (tiny_world.py): budget sweeps, exclusion polygons,
minimum spacing, infeasible targets with their reasons, and yearly budgets per county."""
import itertools
import math
import os
import sys
import tempfile

from osgeo import ogr, osr

sys.path.insert(0, os.path.dirname(__file__))
import tiny_world  # noqa: E402
from e2e import check, finish, rows, run  # noqa: E402

X0, Y0 = tiny_world.X0, tiny_world.Y0


def add_layer(path, name, geom_type, features, fields=()):
    ds = ogr.Open(path, update=1)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4543)
    lyr = ds.CreateLayer(name, srs, geom_type)
    for f in fields:
        lyr.CreateField(ogr.FieldDefn(f, ogr.OFTString if f != "cost" else ogr.OFTReal))
    for values, geom in features:
        feat = ogr.Feature(lyr.GetLayerDefn())
        for k, v in values.items():
            feat.SetField(k, v)
        feat.SetGeometry(geom)
        lyr.CreateFeature(feat)
    ds = None


def point(dx, dy):
    p = ogr.Geometry(ogr.wkbPoint)
    p.AddPoint_2D(X0 + dx, Y0 + dy)
    return p


def by_key(summary, **match):
    return [r for r in summary if all(r[k] == v for k, v in match.items())]


with tempfile.TemporaryDirectory() as tmp:
    world = os.path.join(tmp, "tiny.gpkg")
    tiny_world.write(world)

    # 1. Budget sweep for e-stations: one plan_summary row per budget, objective never falls,
    #    and the largest budget's sites are the plan.
    out = os.path.join(tmp, "sweep.gpkg")
    r = run("plan", world, "-o", out, "--budget", "e_station=1..3")
    check(r.returncode == 0, f"plan with a sweep (got {r.returncode}: {r.stderr})")
    summary = rows(out, "plan_summary")
    sweep = sorted(by_key(summary, county_code="990101", type="e_station"), key=lambda r: r["budget"])
    check([r["budget"] for r in sweep] == [1, 2, 3], f"budgets 1..3 ({[r['budget'] for r in sweep]})")
    check(all(r["model"] == "max_cover" for r in sweep), "sweep rows are max cover")
    objectives = [r["objective"] for r in sweep]
    check(objectives == sorted(objectives) and objectives[0] > 0, f"objective never falls {objectives}")
    # Three uncovered villages (V2 800, V3 1500·1.5, V4 600·1.5 priority-weighted people): with three
    # sites all are covered; with one, the best is V3 (2250).
    check(abs(objectives[0] - 2250) < 1e-6, f"budget 1 covers V3's 2250 weighted people ({objectives[0]})")
    check(abs(objectives[2] - (800 + 2250 + 900)) < 1e-6, f"budget 3 covers all ({objectives[2]})")
    sites = [s for s in rows(out, "proposed_sites") if s["type"] == "e_station" and s["county_code"] == "990101"]
    check(len(sites) == 3 and all(s["budget"] == 3 for s in sites), "the plan is the largest budget's")

    # 2. Exclusions: no new site inside an exclusion polygon. Candidates are host buildings at the
    #    village centres; V4 (the north-east square, no science room yet) is excluded.
    cands = []
    for i, (_, _, col, row, _) in enumerate(tiny_world.VILLAGES):
        x, y = tiny_world.centre(col, row)
        cands.append(({"id": f"c{i}", "kind": "党群服务中心", "cost": 0.6}, point(x - X0, y - Y0)))
    world2 = os.path.join(tmp, "tiny2.gpkg")
    tiny_world.write(world2)
    add_layer(world2, "candidates", ogr.wkbPoint, cands, ["id", "kind", "cost"])
    excl = ogr.CreateGeometryFromWkt(f"POLYGON(({X0 + 10000} {Y0 + 10000},{X0 + 20000} {Y0 + 10000},"
                                     f"{X0 + 20000} {Y0 + 20000},{X0 + 10000} {Y0 + 20000},{X0 + 10000} {Y0 + 10000}))")
    add_layer(world2, "exclusions", ogr.wkbPolygon, [({}, excl)])
    out2 = os.path.join(tmp, "excl.gpkg")
    r = run("plan", world2, "-o", out2)
    check(r.returncode == 0, f"plan with exclusions (got {r.returncode}: {r.stderr})")
    sites2 = rows(out2, "proposed_sites")
    check(len(sites2) > 0, "sites proposed from the host buildings")
    check(all(s["village_code"] != "990101002002" for s in sites2), "no new site in the excluded village V4")
    check(all(s["host_kind"] == "党群服务中心" and abs(s["cost"] - 0.6) < 1e-12 for s in sites2), "host buildings used")
    # The science room target in 990101 needs V2 and V4; V4's only candidate is excluded.
    room = by_key(rows(out2, "plan_summary"), county_code="990101", type="science_room")[0]
    check(room["status"] == "infeasible", f"room target infeasible without V4's candidate ({room['status']})")
    check(abs(room["reachable_share"] - 0.75) < 1e-9, f"best reachable share 3/4 ({room['reachable_share']})")
    check(room["uncoverable_villages"] == "990101002002", f"V4 is the village no allowed candidate covers ({room})")

    # 3. Infeasible because a village has no candidate at all: only one candidate, in V1.
    world3 = os.path.join(tmp, "tiny3.gpkg")
    tiny_world.write(world3)
    add_layer(world3, "candidates", ogr.wkbPoint, [({"id": "only", "kind": "学校", "cost": 0.8}, point(1_000, 1_000))],
              ["id", "kind", "cost"])
    out3 = os.path.join(tmp, "infeasible.gpkg")
    r = run("plan", world3, "-o", out3)
    check(r.returncode == 0, f"plan with too few candidates still succeeds (got {r.returncode})")
    check("cannot be reached" in r.stderr, "stderr says a target cannot be reached")
    room = by_key(rows(out3, "plan_summary"), county_code="990101", type="science_room")[0]
    check(room["status"] == "infeasible" and room["uncoverable"] == 2, f"two villages no candidate covers ({room})")
    check(room["uncoverable_villages"] == "990101001002,990101002002", room["uncoverable_villages"])
    check(abs(room["reachable_share"] - 0.5) < 1e-9, "reachable share 2/4")

    # 4. Minimum spacing between new e-stations (village points as candidates).
    out4 = os.path.join(tmp, "spacing.gpkg")
    r = run("plan", world, "-o", out4, "--min-spacing", "12000")
    check(r.returncode == 0, f"plan with spacing (got {r.returncode}: {r.stderr})")
    new = [s for s in rows(out4, "proposed_sites", geometry=True) if s["type"] == "e_station"]
    # Village points are 10 km apart on the grid: no two chosen neighbours.
    for a, b in itertools.combinations(new, 2):
        ga, gb = a["_geom"], b["_geom"]
        d = math.hypot((ga.GetX() - gb.GetX()) * 111320 * math.cos(math.radians(26.5)), (ga.GetY() - gb.GetY()) * 110570)
        check(d >= 12000 * 0.99, f"new e-stations {a['id']} and {b['id']} {d:.0f} m apart")

    # 5. One site a year per county: years 2030, 2031, … in gain order.
    out5 = os.path.join(tmp, "years.gpkg")
    r = run("plan", world, "-o", out5, "--per-year", "1", "--start-year", "2030", "--year-scope", "county")
    check(r.returncode == 0, f"plan per county and year (got {r.returncode}: {r.stderr})")
    for (t, c), group in itertools.groupby(sorted(rows(out5, "proposed_sites"), key=lambda s: (s["type"], s["county_code"], s["rank"])),
                                          key=lambda s: (s["type"], s["county_code"])):
        years = [s["year"] for s in group]
        check(years == list(range(2030, 2030 + len(years))), f"{t} {c}: one a year from 2030 ({years})")
    counties = rows(out5, "counties", "code")
    check(counties["990101"]["year_met_e_station"] == 2032, f"e-stations met in 2032 ({counties['990101']['year_met_e_station']})")
    check(counties["990101"]["met_after_e_station"] == 1 and counties["990101"]["sites_e_station"] == 3, "3 new e-stations")

finish()
