"""Travel-time coverage of the committed sample against pgRouting (issue #15: "every village's time
to its nearest facility equal within one second, on at least three sample counties").

`scicov analyze` runs on three counties of the sample (`--county`: their villages; every road and
facility of the sample stays) with `scicov rules --travel-time` (science bases: 30 min drive;
e-stations: 15 min walk, covering their own village), off road at 2 km/h instead of 5 (at 5 km/h,
as fast as walking on roads, straight across always wins and the walk network would go untested):
米易县 510421 (攀枝花, mountains, a divided 国道), 马龙区 530304 (曲靖, mountains, a divided 国道
and maxspeed) and 永宁县 640121 (银川, the Yellow River plain). Then, in a throw-away PostgreSQL
cluster with pgRouting, the same model in SQL (pgrouting_model.py, shared with
test_travel_pgrouting.py) routes every village of the three to the nearest facility of each
travel-time type, and checks:
- every village's time_<type>_min within one second of pgRouting's;
- cov_<type>: 1 exactly when pgRouting's minutes are within the limit, or (covers_own_village,
  e-stations) when a facility of the type stands in the village (PostGIS ST_Intersects); villages
  within a second of the limit are left out (the two routers may round it either way);
- each facility of the county: villages_reached and pop_reached are the villages of the run that
  pgRouting routes to it within the limit (pgr_drivingDistance), with its own village for
  e-stations (a facility with a village within a second of the limit is left out).

The network pgRouting sees is clipped to the roads whose box meets the county's box (its villages'
extent) grown by a margin, so that a county routes over about ten thousand segments rather than
the sample's 68,585. The clip cannot change an answer, which the test proves rather than assumes:
- the margin is at least the limit (plus a second) at the fastest speed of the mode (90 km/h, the
  default table's motorway, when driving), so every route within the limit to a facility of the
  county lies inside: its reach is exact;
- every facility of the type lies within a metre of a road its mode may use (the sample draws a
  driveway to each; checked on the whole network), so points join the same segment inside the
  box as in the whole network;
- for the nearest facility, a route leaving the box takes at least as long as the way to the
  nearest end of a segment leaving it (Graph.frontier), and straight across to a facility outside
  at least margin / off-road speed; or no route as long as the village's minutes can leave the box
  at the fastest speed. A village of the county proven by none of them grows the margin (to the
  fastest-speed bound) and the county is routed again; the test prints each round.
Under load the test prints its CPU seconds: scicov's, psql's and the PostgreSQL server's."""
import math
import os
import resource
import sys
import time
import tomllib

from osgeo import gdal, ogr

sys.path.insert(0, os.path.dirname(__file__))
import pg_cluster  # noqa: E402
import pgrouting_model as model  # noqa: E402
from e2e import GEODATA, check, finish, rows, run  # noqa: E402

SAMPLE = os.path.join(GEODATA, "sample.gpkg")
COUNTIES = {"510421": "米易县 (攀枝花, mountains)", "530304": "马龙区 (曲靖, mountains)",
            "640121": "永宁县 (银川, plain)"}
SECOND = 1.0 / 60.0  # the tolerance, in minutes


def server_cpu_s(cluster):
    """CPU seconds of the cluster's server and its finished backends (/proc: utime, stime, cutime,
    cstime of the postmaster), or None where /proc does not say."""
    try:
        with open(os.path.join(cluster.data, "postmaster.pid")) as f:
            pid = f.readline().strip()
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def rules_text():
    text = run("rules", "--travel-time").stdout
    before = text
    text = text.replace("off_road_kmh = 5.0", "off_road_kmh = 2.0")
    check(text != before, "the travel-time rules set off_road_kmh = 5.0 (the test lowers it to 2.0)")
    return text


def county_box(cluster, county):
    """The extent (x0, y0, x1, y1) of the county's village polygons, lon/lat."""
    r = cluster.sql(f"SELECT ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b) FROM "
                    f"(SELECT ST_Extent(geom) AS b FROM villages_in WHERE county_code = '{county}') x")[0]
    return tuple(float(v) for v in r)


def inside(box, lon, lat):
    return box[0] <= lon <= box[2] and box[1] <= lat <= box[3]


def route_county(cluster, speeds, fac_type, mode, limit, county, villages, extent):
    """pgRouting on the county's clipped network, the margin grown until the bounds prove the clip
    harmless for every village of the county. Returns (graph, nearest minutes, margin in metres)."""
    fast, off = model.fastest_mps(cluster, speeds, mode), speeds["off_road_kmh"] / 3.6
    box = county_box(cluster, county)
    reach_box = model.grow_box(box, (limit * 60 + 1) * fast)
    points = {c: (v["rep_lon"], v["rep_lat"]) for c, v in villages.items()
              if v["county_code"] == county or inside(reach_box, v["rep_lon"], v["rep_lat"])}
    own = sorted(c for c, v in villages.items() if v["county_code"] == county)
    margin = (limit * 60 + 1) * fast
    while True:
        region = model.grow_box(box, margin)
        whole = inside(region, extent[0], extent[1]) and inside(region, extent[2], extent[3])
        graph = model.Graph(cluster, speeds, mode, points,
                            f"SELECT id, geom FROM facilities_in WHERE type = '{fac_type}' "
                            f"AND ST_Within(geom, {model.envelope(region)})", box=region)
        nearest = graph.nearest()
        frontier = graph.frontier(region)
        # Proven: the whole network is in the box; or every route beyond the box is longer (through
        # a segment leaving it, or straight across its margin); or no route of that length can
        # leave the box at the fastest speed.
        loose = [c for c in own if not whole and nearest[c] > min(frontier[c], margin / off / 60)
                 and nearest[c] * 60 * fast > margin]
        edges, n_villages, n_sites, join_m = graph.counts()
        # A point joins the same segment as in the whole network when its road is nearer than the margin.
        check(join_m < margin, f"{county} {fac_type}: a point {join_m:.0f} m from its road, margin {margin:.0f} m")
        print(f"{county} {fac_type}: margin {margin / 1000:.1f} km, {edges} edges, {n_villages} villages, "
              f"{n_sites} sites{' (the whole sample)' if whole else ''}; "
              f"{len(loose)} villages not proven nearer than the box's edge")
        if not loose:
            return graph, nearest, margin
        # The fastest-speed bound holds for all of them with this margin.
        margin = max(2 * margin, max(nearest[c] for c in loose) * 60 * fast * 1.01)


def check_reach(graph, out, villages, homes, county, fac_type, limit, own_village):
    """Each facility of the county: villages_reached and pop_reached against pgRouting's reach."""
    legs = graph.reach(limit)
    compared = 0
    for fid, f in rows(out, "facilities", key="id").items():
        if f["type"] != fac_type or homes.get(fid, "")[:6] != county:
            continue
        times = {c: m for (c, site), m in legs.items() if site == fid}
        if any(abs(m - limit) <= SECOND for m in times.values()):
            print(f"{fid}: skipped, a village within a second of the limit")
            continue
        reached = {c for c, m in times.items() if m <= limit}
        if own_village and fid in homes:
            reached.add(homes[fid])
        people = sum(villages[c]["population"] for c in reached)
        check(f["villages_reached"] == len(reached) and abs(f["pop_reached"] - people) < 1e-6,
              f"{fid}: scicov reaches {f['villages_reached']} villages ({f['pop_reached']} people), "
              f"pgRouting {len(reached)} ({people})")
        compared += 1
    return compared


def check_county(cluster, speeds, rules, out, villages, county, extent):
    for fac_type, t in rules["types"].items():
        if t.get("coverage") != "travel_time":
            continue
        mode, limit = t.get("mode", "drive"), float(t["minutes"])
        own_village = bool(t.get("covers_own_village", False))
        started = time.process_time(), time.time()
        graph, nearest, margin = route_county(cluster, speeds, fac_type, mode, limit, county, villages, extent)
        homes = dict(cluster.sql(f"SELECT f.id, v.code FROM facilities_in f JOIN villages_in v "
                                 f"ON ST_Intersects(v.geom, f.geom) WHERE f.type = '{fac_type}' "
                                 f"AND f.geom && {model.envelope(model.grow_box(county_box(cluster, county), margin))}"))
        holding = set(homes.values())
        own = sorted(c for c, v in villages.items() if v["county_code"] == county)
        worst, covered, verdicts = 0.0, 0, 0
        for code in own:
            v = villages[code]
            got, want = v[f"time_{fac_type}_min"], nearest[code]
            diff = abs(got - want) * 60 if got is not None else math.inf
            worst = max(worst, diff)
            check(diff <= 1.0, f"{county} {fac_type} {code}: scicov {got} min, pgRouting {want} min")
            if own_village and code in holding:
                check(v[f"cov_{fac_type}"] == 1, f"{county} {fac_type} {code}: holds a facility, not covered")
            elif abs(want - limit) > SECOND:
                check(v[f"cov_{fac_type}"] == (1 if want <= limit else 0),
                      f"{county} {fac_type} {code}: cov {v[f'cov_{fac_type}']}, pgRouting {want} min")
                verdicts += 1
            covered += v[f"cov_{fac_type}"]
        facilities = check_reach(graph, out, villages, homes, county, fac_type, limit, own_village)
        print(f"{county} {COUNTIES[county]} {fac_type} ({mode}, {limit:g} min): {len(own)} villages "
              f"(longest {max(nearest[c] for c in own):.1f} min), {covered} covered, {verdicts} verdicts and "
              f"{facilities} facilities compared, largest difference {worst:.2e} s; "
              f"{time.process_time() - started[0]:.1f} s CPU here, {time.time() - started[1]:.1f} s wall")
        check(len(own) > 0 and facilities > 0, f"{county} {fac_type}: villages and facilities compared")


def main():
    check(pg_cluster.pg_bin() is not None, "PostgreSQL is installed (tools/install-deps)")
    if pg_cluster.pg_bin() is None:
        return
    with pg_cluster.Cluster() as cluster:
        text = rules_text()
        rules_path = os.path.join(cluster.tmp, "rules.toml")
        with open(rules_path, "w") as f:
            f.write(text)
        rules = tomllib.loads(text)
        speeds = rules["speeds"]
        out = os.path.join(cluster.tmp, "out.gpkg")
        started = time.time()
        counties = [arg for county in COUNTIES for arg in ("--county", county)]
        r = run("analyze", SAMPLE, "--rules", rules_path, *counties, "-o", out)
        print(f"scicov analyze (the three counties; all roads and facilities): {time.time() - started:.1f} s wall")
        if not check(r.returncode == 0, f"analyze: {r.stderr[-1000:]}"):
            return
        started = time.time()
        cluster.sql("CREATE EXTENSION pgrouting")
        segments = model.load_roads(cluster, SAMPLE)
        for layer in ("facilities", "villages"):
            gdal.VectorTranslate(cluster.gdal, SAMPLE, format="PostgreSQL", layers=[layer], layerName=f"{layer}_in",
                                 accessMode="overwrite", layerCreationOptions=["GEOMETRY_NAME=geom", "FID=fid"])
        for fac_type, t in rules["types"].items():
            if t.get("coverage") == "travel_time":
                mode = t.get("mode", "drive")
                far = model.farthest_join_m(cluster, speeds, mode,
                                            f"SELECT geom FROM facilities_in WHERE type = '{fac_type}'")
                check(far <= 1.0, f"every {fac_type} within a metre of a road it can {mode} on ({far:.3f} m)")
        ds = ogr.Open(SAMPLE)
        extent = ds.GetLayerByName("roads").GetExtent()  # (x0, x1, y0, y1)
        fx = ds.GetLayerByName("facilities").GetExtent()
        extent = (min(extent[0], fx[0]), min(extent[2], fx[2]), max(extent[1], fx[1]), max(extent[3], fx[3]))
        ds = None
        print(f"{segments} segments loaded in {time.time() - started:.1f} s wall")
        villages = rows(out, "villages", key="code")
        for county in COUNTIES:
            check_county(cluster, speeds, rules, out, villages, county, extent)
        usage = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        print(f"CPU: this script {usage[0].ru_utime + usage[0].ru_stime:.1f} s, scicov and psql "
              f"{usage[1].ru_utime + usage[1].ru_stime:.1f} s, PostgreSQL {server_cpu_s(cluster)} s; "
              f"{os.getloadavg()[0]:.1f} load")


main()
finish()
