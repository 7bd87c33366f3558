"""Travel-time coverage against an independent router: pgRouting in a throw-away PostgreSQL
cluster (as in test_postgis.py), on seeded grid worlds (tiny_world.write_grid) with one-way roads,
maxspeed, classes closed to walking and bridges. The same model in SQL: segments of the lines,
nodes where they share a point, costs from the default speed table, villages and facilities
joined at the nearest point of the nearest usable segment (located in the Gauss-Krueger zone),
the edges split there and pgr_dijkstraCost from village to facility over them (pgRouting 3.4's
pgr_withPointsCost on the unsplit edges gave longer times for some villages on these worlds, e.g.
67.7 min where scicov and a plain Python Dijkstra both found 31.5; the split graph is the same
model without it), or straight across at the off-road speed.
Every village's minutes to the nearest facility of each type must agree within one second; each
facility's villages_reached and pop_reached must be the villages pgRouting routes to it within the
limit; and each county x type plan that misses its target must have as few sites as a plain PuLP +
CBC model on pgRouting's times from every village to every candidate (the village points), on at
least five instances (a county with a village-candidate pair within a second of the limit is left
out: the two routers may round it either way)."""
import glob
import math
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib

from osgeo import gdal

import pulp  # Debian's python3-pulp, with Debian's CBC (coinor-cbc) through COIN_CMD

SOLVER = pulp.COIN_CMD(msg=False, threads=1)

sys.path.insert(0, os.path.dirname(__file__))
import tiny_world  # noqa: E402
from e2e import SCICOV, check, finish, rows, run  # noqa: E402

SEEDS = [1, 2, 3]
TYPES = {"science_base": ("drive", 20.0), "e_station": ("walk", 15.0)}


def as_postgres(cmd, **kw):
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--"] + cmd
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


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


def pg_legs(psql, speeds, mode, village_points, sites_sql):
    """Minutes from each village to each site, by pgRouting: {(village, site): minutes}.
    village_points: code -> (lon, lat); sites_sql: a query of (key, geometry in EPSG:4490)."""
    table = speeds[mode]
    values = ",".join(f"('{k}', {float(v)})" for k, v in table.items())
    off = speeds["off_road_kmh"] / 3.6
    drive = mode == "drive"
    vals = ",".join(f"('{c}', {lon!r}, {lat!r})" for c, (lon, lat) in sorted(village_points.items()))
    sql = f"""
DROP TABLE IF EXISTS speed, e, pts, joined, stops, sub, legs;
CREATE TABLE speed(cls text, kmh float8);
INSERT INTO speed VALUES {values};
-- class speed with the fallback to the name before the last '_'
CREATE TABLE e AS
SELECT s.id, s.source, s.target, s.g,
       CASE WHEN {str(drive).lower()} AND s.maxspeed > 0 AND k.kmh > 0 THEN s.maxspeed ELSE k.kmh END AS kmh,
       s.oneway
FROM seg s JOIN speed k ON k.cls = s.fclass OR (k.cls = regexp_replace(s.fclass, '_[^_]*$', '')
     AND NOT EXISTS (SELECT 1 FROM speed k2 WHERE k2.cls = s.fclass));
DELETE FROM e WHERE NOT kmh > 0;
ALTER TABLE e ADD COLUMN cost float8, ADD COLUMN reverse_cost float8;
UPDATE e SET cost = CASE WHEN {str(drive).lower()} AND oneway IN ('T') THEN -1 ELSE ST_Distance(ST_StartPoint(g)::geography, ST_EndPoint(g)::geography) / (kmh / 3.6) END,
             reverse_cost = CASE WHEN {str(drive).lower()} AND oneway IN ('F') THEN -1 ELSE ST_Distance(ST_StartPoint(g)::geography, ST_EndPoint(g)::geography) / (kmh / 3.6) END;
CREATE TABLE pts(pid serial, kind text, key text, p geometry);
INSERT INTO pts(kind, key, p) SELECT 'v', c, ST_SetSRID(ST_MakePoint(lon, lat), 4490) FROM (VALUES {vals}) t(c, lon, lat);
INSERT INTO pts(kind, key, p) SELECT 'f', key, g FROM ({sites_sql}) s(key, g) ORDER BY key;
CREATE TABLE joined AS
SELECT p.pid, p.kind, p.key, p.p, n.id AS edge_id, n.fraction,
       ST_Distance(p.p::geography, ST_LineInterpolatePoint(n.g, n.fraction)::geography) / {off} AS off_s
FROM pts p CROSS JOIN LATERAL (
  SELECT e.id, e.g, ST_LineLocatePoint(ST_Transform(e.g, 4543), ST_Transform(p.p, 4543)) AS fraction
  FROM e ORDER BY ST_Distance(ST_Transform(e.g, 4543), ST_Transform(p.p, 4543)), e.id LIMIT 1) n;
-- The edges split where points join them (as scicov does), each point a vertex of its own
-- joined by its off-road leg: village -> road, road -> facility.
CREATE TABLE stops AS
SELECT e.id AS edge_id, 0.0::float8 AS fraction, e.source AS vid FROM e
UNION ALL SELECT e.id, 1.0, e.target FROM e
UNION ALL SELECT edge_id, fraction, 1000000 + pid FROM joined;
CREATE TABLE sub AS
SELECT s.vid AS source, s.nvid AS target,
       CASE WHEN e.cost < 0 THEN -1 ELSE (s.nf - s.fraction) * e.cost END AS cost,
       CASE WHEN e.reverse_cost < 0 THEN -1 ELSE (s.nf - s.fraction) * e.reverse_cost END AS reverse_cost
FROM (SELECT edge_id, fraction, vid, lead(vid) OVER w AS nvid, lead(fraction) OVER w AS nf
      FROM stops WINDOW w AS (PARTITION BY edge_id ORDER BY fraction, vid)) s
JOIN e ON e.id = s.edge_id WHERE s.nvid IS NOT NULL
UNION ALL SELECT 2000000 + pid, 1000000 + pid, off_s, -1 FROM joined WHERE kind = 'v'
UNION ALL SELECT 1000000 + pid, 2000000 + pid, off_s, -1 FROM joined WHERE kind = 'f';
CREATE TABLE legs AS
SELECT v.key AS village, f.key AS site, r.agg_cost AS s
FROM pgr_dijkstraCost(
  'SELECT row_number() OVER () AS id, source, target, cost, reverse_cost FROM sub',
  (SELECT array_agg(2000000 + pid) FROM joined WHERE kind = 'v'),
  (SELECT array_agg(2000000 + pid) FROM joined WHERE kind = 'f'),
  directed => true) r
JOIN joined v ON 2000000 + v.pid = r.start_vid JOIN joined f ON 2000000 + f.pid = r.end_vid;
INSERT INTO legs SELECT v.key, f.key, ST_Distance(v.p::geography, f.p::geography) / {off}
FROM pts v, pts f WHERE v.kind = 'v' AND f.kind = 'f';
SELECT village, site, min(s) / 60 FROM legs GROUP BY village, site ORDER BY village, site;
"""
    r = as_postgres(psql + ["-d", "scicov", "-At", "-F", "|", "-c", sql])
    if r.returncode != 0:
        raise RuntimeError(r.stderr[-2000:])
    out = {}
    for line in r.stdout.strip().splitlines():
        code, site, minutes = line.split("|")
        out[(code, site)] = float(minutes)
    return out


def pg_minutes(psql, speeds, mode, fac_type, village_points):
    """Minutes from each village to the nearest facility of the type, by pgRouting."""
    legs = pg_legs(psql, speeds, mode, village_points,
                   f"SELECT id, ST_Transform(geom, 4490) FROM facilities WHERE type = '{fac_type}'")
    out = {}
    for (code, _), minutes in legs.items():
        out[code] = min(out.get(code, math.inf), minutes)
    return out


def check_reach(psql, speeds, out, points, villages, seed, fac_type):
    """Each facility's villages_reached and pop_reached: the villages from which pgRouting reaches
    it within the limit, and their people (facilities with a village within a second of the limit
    are left out: the two routers may round it either way)."""
    mode, limit = TYPES[fac_type]
    legs = pg_legs(psql, speeds, mode, points,
                   f"SELECT id, ST_Transform(geom, 4490) FROM facilities WHERE type = '{fac_type}'")
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


def check_plans(psql, speeds, rules, world, villages, seed, tmp):
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
        nearest = pg_minutes(psql, speeds, mode, fac_type, points)
        legs = pg_legs(psql, speeds, mode, points, candidates)
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


bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
check(bool(bins), "PostgreSQL is installed")
if not bins:
    finish()
pg_bin = os.path.dirname(bins[-1])
tmp = tempfile.mkdtemp(prefix="scicov-pgr-")
os.chmod(tmp, 0o777)
data, sock = os.path.join(tmp, "data"), os.path.join(tmp, "sock")
os.mkdir(sock)
os.chmod(sock, 0o777)
port = str(55000 + os.getpid() % 1000)
started = False
try:
    r = as_postgres([os.path.join(pg_bin, "initdb"), "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8",
                     "--locale=C.UTF-8"])
    check(r.returncode == 0, f"initdb: {r.stderr[-500:]}")
    r = as_postgres([os.path.join(pg_bin, "pg_ctl"), "-D", data, "-w", "-l", os.path.join(tmp, "log"),
                     "-o", f"-k {sock} -p {port} -c listen_addresses=''", "start"])
    started = r.returncode == 0
    check(started, f"pg_ctl start: {r.stderr[-500:]}")
    psql = [os.path.join(pg_bin, "psql"), "-h", sock, "-p", port, "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-q"]
    as_postgres(psql + ["-d", "postgres", "-c", "CREATE DATABASE scicov"])
    r = as_postgres(psql + ["-d", "scicov", "-c", "CREATE EXTENSION postgis; CREATE EXTENSION pgrouting"])
    check(r.returncode == 0, f"postgis + pgrouting: {r.stderr}")
    pg = f"PG:host={sock} port={port} user=postgres dbname=scicov"

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
        gdal.VectorTranslate(pg, world, format="PostgreSQL", layers=["roads", "facilities"],
                             accessMode="overwrite", layerCreationOptions=["GEOMETRY_NAME=geom", "FID=fid"])
        r = as_postgres(psql + ["-d", "scicov", "-c", """
DROP TABLE IF EXISTS seg, node;
CREATE TABLE seg AS
SELECT row_number() OVER (ORDER BY r.fid, d.path) AS id, r.fclass, coalesce(r.maxspeed, 0) AS maxspeed,
       coalesce(r.oneway, '') AS oneway, d.geom AS g
FROM (SELECT fid, fclass, maxspeed, oneway, ST_Transform(geom, 4490) AS geom FROM roads) r,
     LATERAL ST_DumpSegments(r.geom) d;
CREATE TABLE node AS SELECT row_number() OVER (ORDER BY k) AS id, k FROM (
  SELECT DISTINCT ST_AsBinary(ST_StartPoint(g)) AS k FROM seg UNION SELECT ST_AsBinary(ST_EndPoint(g)) FROM seg) x;
ALTER TABLE seg ADD COLUMN source bigint, ADD COLUMN target bigint;
UPDATE seg SET source = (SELECT id FROM node WHERE k = ST_AsBinary(ST_StartPoint(g))),
               target = (SELECT id FROM node WHERE k = ST_AsBinary(ST_EndPoint(g)));
"""])
        check(r.returncode == 0, f"seed {seed}: segments and nodes ({r.stderr[-500:]})")
        villages = rows(out, "villages", key="code")
        points = {c: (v["rep_lon"], v["rep_lat"]) for c, v in villages.items()}
        for fac_type, (mode, limit) in TYPES.items():
            expected = pg_minutes(psql, speeds, mode, fac_type, points)
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
            check_reach(psql, speeds, out, points, villages, seed, fac_type)
        plans += check_plans(psql, speeds, rules, world, villages, seed, tmp)
    print(f"{plans} county x type plans compared with PuLP on pgRouting's times")
    check(plans >= 5, f"at least five county x type plans compared ({plans})")
finally:
    if started:
        as_postgres([os.path.join(pg_bin, "pg_ctl"), "-D", data, "-m", "immediate", "stop"])
    shutil.rmtree(tmp, ignore_errors=True)
finish()
