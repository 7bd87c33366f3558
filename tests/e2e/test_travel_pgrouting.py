"""Travel-time coverage against an independent router: pgRouting in a throw-away PostgreSQL
cluster (as in test_postgis.py), on seeded grid worlds (tiny_world.write_grid) with one-way roads,
maxspeed, classes closed to walking and bridges. The same model in SQL: segments of the lines,
nodes where they share a point, costs from the default speed table, villages and facilities
joined at the nearest point of the nearest usable segment (located in the Gauss-Krueger zone),
the edges split there and pgr_dijkstraCost from village to facility over them (pgRouting 3.4's
pgr_withPointsCost on the unsplit edges gave longer times for some villages on these worlds, e.g.
67.7 min where scicov and a plain Python Dijkstra both found 31.5; the split graph is the same
model without it), or straight across at the off-road speed.
Every village's minutes to the nearest facility of each type must agree within one second."""
import glob
import math
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib

from osgeo import gdal

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


def pg_minutes(psql, speeds, mode, fac_type, village_points):
    """Minutes from each village to the nearest facility of the type, by pgRouting. village_points:
    code -> (lon, lat)."""
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
INSERT INTO pts(kind, key, p) SELECT 'f', id, ST_Transform(geom, 4490) FROM facilities WHERE type = '{fac_type}' ORDER BY id;
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
SELECT v.key AS village, r.agg_cost AS s
FROM pgr_dijkstraCost(
  'SELECT row_number() OVER () AS id, source, target, cost, reverse_cost FROM sub',
  (SELECT array_agg(2000000 + pid) FROM joined WHERE kind = 'v'),
  (SELECT array_agg(2000000 + pid) FROM joined WHERE kind = 'f'),
  directed => true) r
JOIN joined v ON 2000000 + v.pid = r.start_vid;
INSERT INTO legs SELECT v.key, ST_Distance(v.p::geography, f.p::geography) / {off}
FROM pts v, pts f WHERE v.kind = 'v' AND f.kind = 'f';
SELECT village, min(s) / 60 FROM legs GROUP BY village ORDER BY village;
"""
    r = as_postgres(psql + ["-d", "scicov", "-At", "-F", "|", "-c", sql])
    if r.returncode != 0:
        raise RuntimeError(r.stderr[-2000:])
    out = {}
    for line in r.stdout.strip().splitlines():
        code, minutes = line.split("|")
        out[code] = float(minutes)
    return out


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
finally:
    if started:
        as_postgres([os.path.join(pg_bin, "pg_ctl"), "-D", data, "-m", "immediate", "stop"])
    shutil.rmtree(tmp, ignore_errors=True)
finish()
