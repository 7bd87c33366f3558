"""Travel-time coverage against an independent router: pgRouting in a throw-away PostgreSQL
cluster (pg_cluster.py), on seeded grid worlds (tiny_world.write_grid) with one-way roads,
maxspeed, classes closed to walking and bridges. The same model in SQL, shared with
test_travel_pgrouting_sample.py: pgrouting_model.py (segments of the lines, nodes where they share
a point, costs from the speed table, points joined at the nearest point of the nearest usable
segment, the edges split there, pgRouting from village to facility, or straight across).
Every village's minutes to the nearest facility of each type must agree within one second; each
facility's villages_reached and pop_reached must be the villages pgRouting routes to it within the
limit; and each county x type plan that misses its target must have as few sites as a plain PuLP +
CBC model on pgRouting's times from every village to every candidate (the village points), on at
least five instances (a county with a village-candidate pair within a second of the limit is left
out: the two routers may round it either way)."""
import math
import os
import sys
import tomllib

from osgeo import gdal

import pulp  # Debian's python3-pulp, with Debian's CBC (coinor-cbc) through COIN_CMD

SOLVER = pulp.COIN_CMD(msg=False, threads=1)

sys.path.insert(0, os.path.dirname(__file__))
import pg_cluster  # noqa: E402
import pgrouting_model as model  # noqa: E402
import tiny_world  # noqa: E402
from e2e import check, finish, rows, run  # noqa: E402

SEEDS = [1, 2, 3]
TYPES = {"science_base": ("drive", 20.0), "e_station": ("walk", 15.0)}


def rules_text():
    r = run("rules", "--travel-time")
    text = r.stdout
    text = text.replace('minutes = 30.0', 'minutes = 20.0')  # a limit that leaves villages on both sides
    # Off road slower than walking on roads, so that walking goes by the roads too (at the default
    # 5 km/h both ways, straight across always wins and the walk network would go untested).
    text = text.replace('off_road_kmh = 5.0', 'off_road_kmh = 2.0')
    # The verdict is compared with the router's minutes alone: no site covers its own village
    # whatever the time (that rule is checked in tests/unit/coverage_test.cpp).
    text = text.replace('covers_own_village = true # 002: an e-station', 'covers_own_village = false # 002: an e-station')
    return text


def facilities_sql(fac_type):
    return f"SELECT id, ST_Transform(geom, 4490) FROM facilities WHERE type = '{fac_type}'"


def pg_minutes(cluster, speeds, mode, fac_type, village_points):
    """Minutes from each village to the nearest facility of the type, by pgRouting."""
    return model.Graph(cluster, speeds, mode, village_points, facilities_sql(fac_type)).nearest()


def check_reach(cluster, speeds, out, points, villages, seed, fac_type):
    """Each facility's villages_reached and pop_reached: the villages from which pgRouting reaches
    it within the limit, and their people (facilities with a village within a second of the limit
    are left out: the two routers may round it either way)."""
    mode, limit = TYPES[fac_type]
    legs = model.Graph(cluster, speeds, mode, points, facilities_sql(fac_type)).reach(limit)
    for fid, f in rows(out, "facilities", key="id").items():
        if f["type"] != fac_type:
            continue
        times = {c: m for (c, site), m in legs.items() if site == fid}
        if any(abs(m - limit) * 60 <= 1.0 for m in times.values()):
            continue
        reached = [c for c, m in times.items() if m <= limit]
        people = sum(villages[c]["population"] for c in reached)
        check(f["villages_reached"] == len(reached) and abs(f["pop_reached"] - people) < 1e-6,
              f"seed {seed} {fid}: scicov reaches {f['villages_reached']} villages ({f['pop_reached']} people), "
              f"pgRouting {len(reached)} ({people})")


def pulp_fewest_sites(villages, covered, covers, measure, threshold):
    """The fewest new sites for a county's target, by a plain PuLP + CBC model: villages (codes),
    covered (codes covered now), covers (site -> codes it reaches), measure (code -> villages 1
    or people), threshold (share). None when the target cannot be reached."""
    total = sum(measure[c] for c in villages)
    if all(m == 1 for m in measure.values()):
        target = math.ceil(threshold * total - 1e-9)
    else:
        target = threshold * total * (1 - 1e-12)
    base = sum(measure[c] for c in villages if c in covered)
    open_ = [c for c in villages if c not in covered]
    prob = pulp.LpProblem("fewest_sites", pulp.LpMinimize)
    x = {j: pulp.LpVariable(f"x_{j}", cat="Binary") for j in sorted(covers)}
    y = {c: pulp.LpVariable(f"y_{c}", cat="Binary") for c in open_}
    prob += pulp.lpSum(x.values())
    for c in open_:
        prob += y[c] <= pulp.lpSum(x[j] for j in covers if c in covers[j])
    prob += pulp.lpSum(measure[c] * y[c] for c in open_) >= target - base - 1e-7
    status = prob.solve(SOLVER)
    if pulp.LpStatus[status] == "Infeasible":
        return None
    assert pulp.LpStatus[status] == "Optimal", pulp.LpStatus[status]
    return round(pulp.value(prob.objective) or 0)


def check_plans(cluster, speeds, rules, world, villages, seed, tmp):
    """scicov's plans (fewest new sites per county x type, candidates at the village points) against
    PuLP + CBC on pgRouting's times from every village to every candidate. Returns how many county x
    type instances were compared."""
    out = os.path.join(tmp, f"plan{seed}.gpkg")
    r = run("plan", world, "--rules", rules, "-o", out)
    check(r.returncode == 0, f"seed {seed}: plan ({r.stderr[-500:]})")
    if r.returncode != 0:
        return 0
    targets = tomllib.loads(open(rules).read())["types"]
    points = {c: (v["rep_lon"], v["rep_lat"]) for c, v in villages.items()}
    candidates = "SELECT c, ST_SetSRID(ST_MakePoint(lon, lat), 4490) FROM (VALUES " + ",".join(
        f"('{c}', {lon!r}, {lat!r})" for c, (lon, lat) in sorted(points.items())) + ") t(c, lon, lat)"
    compared = 0
    for fac_type, (mode, limit) in TYPES.items():
        nearest = pg_minutes(cluster, speeds, mode, fac_type, points)
        legs = model.Graph(cluster, speeds, mode, points, candidates).legs()
        target = targets[fac_type]["target"]
        for row in rows(out, "plan_summary"):
            if row["type"] != fac_type or row["status"] == "met":
                continue
            county = row["county_code"]
            own = sorted(c for c in villages if c.startswith(county))
            near_limit = [k for k, m in legs.items() if k[0] in own and abs(m - limit) * 60 <= 1.0]
            if near_limit:  # a village within a second of the limit: the two routers may differ on it
                print(f"seed {seed} {fac_type} {county}: skipped, {len(near_limit)} pairs within 1 s of the limit")
                continue
            covered = {c for c in own if nearest.get(c, math.inf) <= limit}
            covers = {j: {c for c in own if legs[(c, j)] <= limit} for j in own}
            measure = {c: (villages[c]["population"] if target["measure"] == "population" else 1) for c in own}
            best = pulp_fewest_sites(own, covered, covers, measure, target["threshold"])
            if best is None:
                check(row["status"] == "infeasible", f"seed {seed} {fac_type} {county}: PuLP infeasible, scicov {row}")
            else:
                check(row["status"] == "optimal" and row["sites"] == best,
                      f"seed {seed} {fac_type} {county}: scicov {row['sites']} sites ({row['status']}), PuLP {best}")
            print(f"seed {seed} {fac_type} {county}: scicov {row['sites']} sites ({row['status']}), PuLP {best}")
            compared += 1
    return compared


check(pg_cluster.pg_bin() is not None, "PostgreSQL is installed (tools/install-deps)")
if pg_cluster.pg_bin() is None:
    finish()
with pg_cluster.Cluster() as cluster:
    cluster.sql("CREATE EXTENSION pgrouting")
    tmp = cluster.tmp
    text = rules_text()
    speeds = tomllib.loads(text)["speeds"]
    rules = os.path.join(tmp, "rules.toml")
    with open(rules, "w") as f:
        f.write(text)
    plans = 0
    for seed in SEEDS:
        world = os.path.join(tmp, f"grid{seed}.gpkg")
        tiny_world.write_grid(world, seed)
        out = os.path.join(tmp, f"out{seed}.gpkg")
        r = run("analyze", world, "--rules", rules, "-o", out)
        check(r.returncode == 0, f"seed {seed}: analyze ({r.stderr[-500:]})")
        if r.returncode != 0:
            continue
        model.load_roads(cluster, world)
        gdal.VectorTranslate(cluster.gdal, world, format="PostgreSQL", layers=["facilities"],
                             accessMode="overwrite", layerCreationOptions=["GEOMETRY_NAME=geom", "FID=fid"])
        villages = rows(out, "villages", key="code")
        points = {c: (v["rep_lon"], v["rep_lat"]) for c, v in villages.items()}
        for fac_type, (mode, limit) in TYPES.items():
            expected = pg_minutes(cluster, speeds, mode, fac_type, points)
            worst, covered = 0.0, 0
            for code, v in villages.items():
                got = v[f"time_{fac_type}_min"]
                want = expected.get(code, math.inf)
                diff = abs(got - want) * 60 if got is not None else math.inf
                worst = max(worst, diff)
                check(diff <= 1.0, f"seed {seed} {fac_type} {code}: scicov {got} min, pgRouting {want} min")
                if abs(want - limit) * 60 > 1.0:
                    check(v[f"cov_{fac_type}"] == (1 if want <= limit else 0), f"seed {seed} {fac_type} {code}: verdict")
                covered += v[f"cov_{fac_type}"]
            print(f"seed {seed} {fac_type} ({mode}, {limit} min): {len(villages)} villages, {covered} covered, "
                  f"largest difference {worst:.2e} s")
            check(0 < covered < len(villages), f"seed {seed} {fac_type}: covered and uncovered villages both")
            check_reach(cluster, speeds, out, points, villages, seed, fac_type)
        plans += check_plans(cluster, speeds, rules, world, villages, seed, tmp)
    print(f"{plans} county x type plans compared with PuLP on pgRouting's times")
    check(plans >= 5, f"at least five county x type plans compared ({plans})")
finish()
