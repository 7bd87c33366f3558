#!/usr/bin/env python3
"""The analysis done by an expert in PostGIS, timed in the same run as `scicov analyze` on the
same GeoPackage, with the results compared (issue #16).

    tools/bench/postgis_peer.py SCICOV INPUT.gpkg [--runs 3] [--keep DIR]

A throwaway PostgreSQL + PostGIS cluster on a Unix socket in a temporary folder (no TCP; the
same recipe as tests/e2e/test_postgis.py), the input loaded with ogr2ogr (timed: `load`), then
per stage, each timed (wall in this process; CPU of the PostgreSQL backend and of its parallel
workers from /proc):
- `index`: representative points (ST_PointOnSurface), geography GIST indexes per facility type
  (partial indexes), the Gauss-Krueger zone of each county (CGCS2000 3-degree, EPSG:4534-4554,
  nearest the middle of the county's box) with the county as geography (cast once), and the
  villages holding an e-station (covers_own_village: the village a site stands in, the first
  by code on a border, found through the villages' GIST index);
- `verdict`: per village and type: radius types by geography ST_DWithin (spheroid) from the
  representative point, `contains` by ST_Intersects with the village, `admin` by the county
  holding one;
- `discs`: facilities within radius of each county (geography ST_DWithin), discs by
  ST_Buffer(quad_segs=32) in the county's zone, unioned per county and type (with the villages
  that hold an e-station: served whole), cut by ST_Subdivide(..., 256) and indexed;
- `village_gaps`: area - sum(area(village ∩ piece)) in the county's zone (a piece that covers
  the village counts its area without an intersection);
- `township_gaps`: area(township - union of the pieces clipped to its box).
The default rules' types are hard-coded (science_museum admin/county, science_base radius 20 km,
e_station radius 2 km, science_room contains): run scicov with its default rules.
scicov: `SCICOV -q analyze INPUT -o OUT` (wall and CPU of the child). Each side --runs times;
medians. Compared: verdicts per village and type (must be identical), village gap areas of the
radius types (relative difference of the totals, worst village), township gap areas.
Prints markdown. Needs python3-psycopg2 and the postgresql/postgis packages of tools/install-deps.
"""
import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

import psycopg2
from osgeo import ogr

RADIUS = {"science_base": 20000.0, "e_station": 2000.0}
CONTAINS = ["science_room"]
ADMIN = ["science_museum"]
TYPES = ["science_museum", "science_base", "e_station", "science_room"]
# Radius types whose sites also cover the village they stand in (covers_own_village): the village
# is covered, and its whole polygon is served, whatever the distance.
OWN_VILLAGE = {"e_station"}


def holds(t, village):
    """SQL: `village` (a villages row) holds a facility of type `t` (the `own` table of the index stage)."""
    return f"EXISTS (SELECT 1 FROM own o WHERE o.type = '{t}' AND o.fid = {village}.fid)"


def served(t, r):
    """SQL: per county, the pieces of geometry that serve type `t`: the discs of every facility
    within `r` of the county and, for a village-level type, the villages that hold one."""
    discs = (f"SELECT z.code AS county, z.srid, ST_Buffer(ST_Transform(f.geom, z.srid), {r}, 'quad_segs=32') AS g"
             f" FROM zone z JOIN fac f ON f.type = '{t}' AND ST_DWithin(f.g, z.g, {r})")
    if t in OWN_VILLAGE:
        discs += (f" UNION ALL SELECT w.county_code, z.srid, ST_Transform(w.geom, z.srid) FROM villages w"
                  f" JOIN zone z ON z.code = w.county_code WHERE {holds(t, 'w')}")
    return discs

# GEOS 3.11's overlay can throw (TopologyException) on a few disc unions of the 10 cities: the
# expert's fallback is the same operation on a 1 mm grid, for that geometry only, and for a union
# that throws on the grid too, buffer(0) of the collection (counted).
SAFE = [
    "CREATE FUNCTION grid_union(g geometry) RETURNS geometry LANGUAGE plpgsql AS $$ BEGIN RETURN"
    " ST_UnaryUnion(g, 0.001); EXCEPTION WHEN OTHERS THEN RAISE NOTICE 'buffer(0) fallback';"
    " RETURN ST_Buffer(g, 0); END $$",
    "CREATE FUNCTION safe_union(g geometry) RETURNS geometry LANGUAGE plpgsql AS $$ BEGIN RETURN"
    " ST_UnaryUnion(g); EXCEPTION WHEN OTHERS THEN RAISE NOTICE 'grid fallback'; RETURN grid_union(g);"
    " END $$",
    "CREATE FUNCTION safe_intersection(a geometry, b geometry) RETURNS geometry LANGUAGE plpgsql AS $$ BEGIN"
    " RETURN ST_Intersection(a, b); EXCEPTION WHEN OTHERS THEN RAISE NOTICE 'grid fallback';"
    " RETURN ST_Intersection(a, b, 0.001); END $$",
    "CREATE FUNCTION safe_difference(a geometry, b geometry) RETURNS geometry LANGUAGE plpgsql AS $$ BEGIN"
    " RETURN ST_Difference(a, b); EXCEPTION WHEN OTHERS THEN RAISE NOTICE 'grid fallback';"
    " RETURN ST_Difference(a, b, 0.001); END $$",
]

STAGES = {
    "index": [
        "CREATE TABLE zone AS SELECT code, 4534 + LEAST(20, GREATEST(0, round((ST_XMin(geom) + ST_XMax(geom)) / 2"
        " / 3 - 25)::int)) AS srid, geography(geom) AS g FROM counties",
        "CREATE UNIQUE INDEX ON zone (code)",
        "CREATE TABLE vpt AS SELECT fid, code, county_code, ST_PointOnSurface(geom) AS pt FROM villages",
        "CREATE INDEX ON vpt USING gist (geography(pt))",
        "CREATE TABLE fac AS SELECT fid, type, geom, geography(geom) AS g FROM facilities",
        *[f"CREATE INDEX ON fac USING gist (g) WHERE type = '{t}'" for t in RADIUS],
        *[f"CREATE INDEX ON fac USING gist (geom) WHERE type = '{t}'" for t in CONTAINS + ADMIN],
        # villages holding a site of a covers_own_village type, found once through the villages' index; a
        # site on the border of two villages stands in one, the first by code (as scicov locates it)
        "CREATE TABLE own AS SELECT DISTINCT type, village AS fid FROM (SELECT DISTINCT ON (f.fid) f.type, w.fid AS village"
        " FROM fac f JOIN villages w ON ST_Intersects(w.geom, f.geom) WHERE f.type IN ("
        + ", ".join(f"'{t}'" for t in sorted(OWN_VILLAGE)) + ") ORDER BY f.fid, w.code) x",
        "CREATE UNIQUE INDEX ON own (type, fid)",
        "ANALYZE",
    ],
    "verdict": [
        "CREATE TABLE verdict (code text, type text, cov int)",
        *[f"INSERT INTO verdict SELECT v.code, '{t}', (EXISTS (SELECT 1 FROM fac f WHERE f.type = '{t}'"
          f" AND ST_DWithin(f.g, geography(v.pt), {r}))"
          + (f" OR {holds(t, 'w')}" if t in OWN_VILLAGE else "")
          + f")::int FROM vpt v JOIN villages w ON w.fid = v.fid" for t, r in RADIUS.items()],
        *[f"INSERT INTO verdict SELECT v.code, '{t}', EXISTS (SELECT 1 FROM fac f WHERE f.type = '{t}'"
          f" AND ST_Intersects(v.geom, f.geom))::int FROM villages v" for t in CONTAINS],
        *[f"INSERT INTO verdict SELECT v.code, '{t}', COALESCE(c.has, 0) FROM villages v LEFT JOIN"
          f" (SELECT c.code, 1 AS has FROM counties c WHERE EXISTS (SELECT 1 FROM fac f WHERE f.type = '{t}'"
          f" AND ST_Intersects(c.geom, f.geom))) c ON c.code = v.county_code" for t in ADMIN],
    ],
    "discs": [
        "CREATE TABLE pieces (county text, type text, srid int, geom geometry)",
        *[f"INSERT INTO pieces SELECT u.county, '{t}', u.srid, ST_Subdivide(u.geom, 256) FROM ("
          f" SELECT x.county, x.srid, safe_union(ST_Collect(x.g)) AS geom FROM ({served(t, r)}) x"
          f" GROUP BY x.county, x.srid) u" for t, r in RADIUS.items()],
        "CREATE INDEX ON pieces USING gist (geom)",
        "ANALYZE pieces",
    ],
    "village_gaps": [
        "CREATE TABLE vz AS SELECT v.code, v.county_code, z.srid, ST_Transform(v.geom, z.srid) AS geom"
        " FROM villages v JOIN zone z ON z.code = v.county_code",
        "CREATE INDEX ON vz USING gist (geom)",
        "CREATE TABLE village_gap AS SELECT t.type, v.code, ST_Area(v.geom) - COALESCE((SELECT"
        " sum(CASE WHEN ST_CoveredBy(v.geom, p.geom) THEN ST_Area(v.geom)"
        " ELSE ST_Area(safe_intersection(v.geom, p.geom)) END) FROM pieces p WHERE p.county = v.county_code"
        " AND p.type = t.type AND p.geom && v.geom), 0) AS gap_m2, ST_Area(v.geom) AS area_m2"
        " FROM vz v CROSS JOIN (VALUES " + ", ".join(f"('{t}')" for t in RADIUS) + ") AS t(type)",
    ],
    "township_gaps": [
        "CREATE TABLE township_gap AS SELECT t.code, ty.type, ST_Area(COALESCE(safe_difference(tz.geom, (SELECT"
        " safe_union(ST_Collect(ST_ClipByBox2D(p.geom, box2d(tz.geom)))) FROM pieces p WHERE p.county = t.county_code"
        " AND p.type = ty.type AND p.geom && tz.geom)), tz.geom)) AS gap_m2"
        " FROM townships t JOIN zone z ON z.code = t.county_code"
        " CROSS JOIN LATERAL (SELECT ST_Transform(t.geom, z.srid) AS geom) tz"
        " CROSS JOIN (VALUES " + ", ".join(f"('{t}')" for t in RADIUS) + ") AS ty(type)",
    ],
}


sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "e2e"))
from pg_cluster import Cluster, pg_bin  # noqa: E402  (the tests' throw-away cluster)

# One core per query, as scicov is timed with its default threads on the same machine; durability
# off, as for a throw-away analysis database.
PEER_SETTINGS = ("fsync=off", "synchronous_commit=off", "full_page_writes=off", "shared_buffers=512MB",
                 "work_mem=256MB", "maintenance_work_mem=512MB")


def backend_cpu(pid):
    """CPU seconds of the backend and of the cluster's processes that ended meanwhile: parallel
    query workers (PostgreSQL's default allows two per gather) exit into the postmaster, which
    reaps them, so its children's time counts them."""
    def stat(p):
        with open(f"/proc/{p}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()
    own = stat(pid)
    postmaster = stat(int(own[1]))
    return (int(own[11]) + int(own[12]) + int(postmaster[13]) + int(postmaster[14])) / os.sysconf("SC_CLK_TCK")


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def fresh_database(cluster, db, extensions=("postgis",)):
    """A new database `db` in the cluster with the extensions, and an autocommit connection to it."""
    admin = psycopg2.connect(cluster.dsn("postgres"))
    admin.autocommit = True
    admin.cursor().execute(f"CREATE DATABASE {db}")
    admin.close()
    conn = psycopg2.connect(cluster.dsn(db))
    conn.autocommit = True
    cur = conn.cursor()
    for extension in extensions:
        cur.execute(f"CREATE EXTENSION {extension}")
    return conn


def postgis_run(cluster, gpkg, db):
    """One full PostGIS run in a fresh database: {stage: (wall, cpu)} and the connection."""
    conn = fresh_database(cluster, db)
    cur = conn.cursor()
    for sql in SAFE:
        cur.execute(sql)
    times = {}
    c0, t0 = children_cpu(), time.perf_counter()
    subprocess.run(["ogr2ogr", "-f", "PostgreSQL", f"PG:{cluster.dsn(db)}", gpkg, "counties", "townships", "villages",
                    "facilities", "-lco", "GEOMETRY_NAME=geom", "-lco", "FID=fid", "-nlt", "PROMOTE_TO_MULTI",
                    "--config", "PG_USE_COPY", "YES"], check=True)
    times["load (ogr2ogr)"] = (time.perf_counter() - t0, children_cpu() - c0)
    # points stay points: PROMOTE_TO_MULTI made them multipoints
    cur.execute("ALTER TABLE facilities ALTER COLUMN geom TYPE geometry(Point, 4490) USING ST_GeometryN(geom, 1)")
    cur.execute("SELECT pg_backend_pid()")
    pid = cur.fetchone()[0]
    for stage, sqls in STAGES.items():
        c0, t0 = backend_cpu(pid), time.perf_counter()
        for sql in sqls:
            cur.execute(sql)
        times[stage] = (time.perf_counter() - t0, backend_cpu(pid) - c0)
    times["grid fallbacks"] = sum("fallback" in n for n in conn.notices)  # psycopg2 keeps the last 50
    return times, conn


def scicov_run(scicov, gpkg, out):
    if os.path.exists(out):
        os.remove(out)
    c0, t0 = children_cpu(), time.perf_counter()
    subprocess.run([scicov, "-q", "analyze", gpkg, "-o", out], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0, children_cpu() - c0


def scicov_results(out):
    ds = ogr.Open(out)
    verdict, vgap, tgap = {}, {}, {}
    for f in ds.GetLayerByName("villages"):
        code = f.GetField("code")
        for t in TYPES:
            verdict[(code, t)] = int(f.GetField(f"cov_{t}"))
        for t in RADIUS:
            vgap[(code, t)] = f.GetField("area_m2") * (1.0 - f.GetField(f"frac_{t}"))
    for f in ds.GetLayerByName("gaps"):
        key = (f.GetField("township_code"), f.GetField("type"))
        tgap[key] = tgap.get(key, 0.0) + f.GetField("area_m2")
    return verdict, vgap, tgap


def postgis_results(conn):
    cur = conn.cursor()
    cur.execute("SELECT code, type, cov FROM verdict")
    verdict = {(c, t): v for c, t, v in cur.fetchall()}
    cur.execute("SELECT code, type, gap_m2 FROM village_gap")
    vgap = {(c, t): g for c, t, g in cur.fetchall()}
    cur.execute("SELECT code, type, gap_m2 FROM township_gap")
    tgap = {(c, t): g for c, t, g in cur.fetchall()}
    return verdict, vgap, tgap


def compare(mine, theirs):
    (v1, g1, t1), (v2, g2, t2) = mine, theirs
    lines = []
    diff = [k for k in v1 if v1[k] != v2.get(k)]
    lines.append(f"| verdicts (village x type) | {len(v1)} | {len(v2)} | {len(diff)} differ"
                 + (f" (e.g. {diff[:3]})" if diff else "") + " |")
    for t in RADIUS:
        a = sum(v for (c, ty), v in g1.items() if ty == t)
        b = sum(v for (c, ty), v in g2.items() if ty == t)
        diffs = sorted(((abs(g1[k] - g2.get(k, 0.0)), k[0]) for k in g1 if k[1] == t), reverse=True)
        worst = diffs[0][0] if diffs else 0.0
        lines.append(f"| village gap area {t}, m² | {a:.6g} | {b:.6g} | rel. diff {abs(a - b) / max(b, 1e-9):.2e},"
                     f" worst village {worst:.3g} m² |")
        for d, code in diffs[:3]:
            if d >= 1.0:  # villages that differ by a square metre or more, to trace
                lines.append(f"| &nbsp; village {code} ({t}) gap, m² | {g1[(code, t)]:.1f} | {g2.get((code, t), 0.0):.1f}"
                             f" | {d:.1f} |")
        a = sum(v for (c, ty), v in t1.items() if ty == t)
        b = sum(v for (c, ty), v in t2.items() if ty == t)
        lines.append(f"| township gap area {t}, m² | {a:.6g} | {b:.6g} | rel. diff {abs(a - b) / max(b, 1e-9):.2e} |")
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scicov")
    ap.add_argument("input")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--peer-preload", metavar="LIB",
                    help="start PostgreSQL with LIB preloaded (LD_PRELOAD), e.g. the tcmalloc the scicov executable "
                         "links, for an allocator-for-allocator comparison")
    a = ap.parse_args()
    commit = subprocess.run(["git", "-C", os.path.dirname(os.path.abspath(__file__)), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    print(f"# scicov analyze vs PostGIS on {a.input}\n\n{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())},"
          f" tree at {commit or '?'}, {os.cpu_count()} cores; load average at start "
          + " / ".join(f"{v:.2f}" for v in os.getloadavg()) + f", {a.runs} run(s) a side, sides alternating\n")
    mine_t, theirs_t = [], []
    if pg_bin() is None:
        raise SystemExit("postgis_peer: PostgreSQL is not installed (tools/install-deps)")
    if a.peer_preload:
        print(f"PostgreSQL started with LD_PRELOAD={a.peer_preload}\n")
    server_env = {"LD_PRELOAD": a.peer_preload} if a.peer_preload else None
    with Cluster(settings=PEER_SETTINGS, server_env=server_env) as cluster, tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "scicov.gpkg")
        conn = None
        for k in range(a.runs):
            mine_t.append(scicov_run(a.scicov, a.input, out))
            if conn is not None:
                conn.close()
            times, conn = postgis_run(cluster, a.input, f"run{k}")
            theirs_t.append(times)
        fallbacks = [t.pop("grid fallbacks") for t in theirs_t]
        stages = list(theirs_t[0])
        med = lambda xs: statistics.median(xs)  # noqa: E731
        print("| stage | PostGIS wall s | PostGIS CPU s |\n|---|---|---|")
        for s in stages:
            print(f"| {s} | {med([t[s][0] for t in theirs_t]):.2f} | {med([t[s][1] for t in theirs_t]):.2f} |")
        pg_wall = med([sum(t[s][0] for s in stages) for t in theirs_t])
        pg_cpu = med([sum(t[s][1] for s in stages) for t in theirs_t])
        pg_wall_nl = med([sum(t[s][0] for s in stages if not s.startswith("load")) for t in theirs_t])
        sc_wall, sc_cpu = med([m[0] for m in mine_t]), med([m[1] for m in mine_t])
        print("\n| whole run | wall s | CPU s | PostGIS / scicov (wall, CPU) |\n|---|---|---|---|")
        print(f"| scicov analyze (read, all stages, write) | {sc_wall:.2f} | {sc_cpu:.2f} | |")
        print(f"| PostGIS incl. load | {pg_wall:.2f} | {pg_cpu:.2f} | {pg_wall / sc_wall:.2f}, {pg_cpu / sc_cpu:.2f} |")
        print(f"| PostGIS without load | {pg_wall_nl:.2f} | | {pg_wall_nl / sc_wall:.2f} |")
        print(f"\nPostGIS overlays redone (1 mm grid, buffer(0)) after a GEOS TopologyException: {fallbacks}")
        print("\n| compared | scicov | PostGIS | difference |\n|---|---|---|---|")
        for line in compare(scicov_results(out), postgis_results(conn)):
            print(line)
        conn.close()
    print("\nload average at the end " + " / ".join(f"{v:.2f}" for v in os.getloadavg()))


if __name__ == "__main__":
    sys.exit(main())
