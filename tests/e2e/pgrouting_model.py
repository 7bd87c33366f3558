"""scicov's travel-time model in SQL, routed by pgRouting: the independent router of
test_travel_pgrouting.py (seeded grid worlds) and test_travel_pgrouting_sample.py (counties of the
committed sample), in a throw-away cluster (pg_cluster.Cluster with `CREATE EXTENSION pgrouting`).

The model, as docs/rules.md states scicov's:
- segments: each road line's consecutive points (ST_DumpSegments), in EPSG:4490 lon/lat; nodes
  where segments share a point exactly (their WKB), never where they merely cross;
- a segment's seconds: its geodesic length (geography, the CGCS2000 ellipsoid of EPSG:4490) at the
  class speed of the mode (the class, else its name before the last '_'; drive: maxspeed where
  given and the class is open); classes at 0 km/h are closed; `oneway` F/T one way when driving;
- joining: each point joins the nearest point of the nearest segment its mode may use, found in a
  local plane around the point (metres per degree of longitude and latitude at its latitude on the
  GRS80 ellipsoid, scicov's coverage/network.cpp), among the 64 segments nearest by their
  distance in degrees (PostGIS's KNN `<->` on a GIST index); the edge is split there and the
  point is a vertex of its own, joined by its off-road leg (geodesic metres at `off_road_kmh`);
- time from a village to a site: the quicker of village -> road -> site over the split graph
  (pgRouting, directed) and straight across at `off_road_kmh`.

(pgRouting 3.4's pgr_withPointsCost on the unsplit edges gave longer times for some villages of
the grid worlds, e.g. 67.7 min where scicov and a plain Python Dijkstra both found 31.5; the split
graph is the same model without it.)

Usage: `load_roads(cluster, dataset)` once per road network, then `Graph(cluster, speeds, mode,
villages, sites_sql, box=...)` per mode and set of points, and its `legs()`, `nearest()` and
`reach(limit_min)`. One Graph at a time per cluster (its tables have fixed names)."""
import math

from osgeo import gdal

# Vertex ids: road nodes count from 1; a point's stop on its edge is STOP + pid, the point itself
# POINT + pid; SINK joins every site (nearest facility: one search over the reversed graph).
STOP, POINT, SINK = 1_000_000, 2_000_000, 3_000_000
# Segments looked at for a point's join, nearest first by distance in degrees (scicov looks at as
# many boxes, nearest first, and stops once no farther box can hold a nearer segment).
NEAREST_SEGMENTS = 64


def load_roads(cluster, dataset, layer="roads"):
    """Copies the road lines into the cluster (GDAL) and cuts them into segments `seg` (id, fclass,
    maxspeed, oneway, g, source, target) with nodes where they share a point; `seg.g` has a GIST
    index. Returns the number of segments."""
    gdal.VectorTranslate(cluster.gdal, dataset, format="PostgreSQL", layers=[layer], layerName="roads_in",
                         accessMode="overwrite", layerCreationOptions=["GEOMETRY_NAME=geom", "FID=fid"])
    cluster.sql("""
DROP TABLE IF EXISTS seg0, seg, node;
CREATE TABLE seg0 AS
SELECT row_number() OVER (ORDER BY r.fid, d.path) AS id, r.fclass, coalesce(r.maxspeed, 0) AS maxspeed,
       coalesce(r.oneway, '') AS oneway, d.geom AS g
FROM (SELECT fid, fclass, maxspeed, oneway, ST_Transform(geom, 4490) AS geom FROM roads_in) r,
     LATERAL ST_DumpSegments(r.geom) d;
CREATE TABLE node AS SELECT row_number() OVER (ORDER BY k) AS id, k FROM (
  SELECT ST_AsBinary(ST_StartPoint(g)) AS k FROM seg0 UNION SELECT ST_AsBinary(ST_EndPoint(g)) FROM seg0) x;
CREATE UNIQUE INDEX ON node (k);
CREATE TABLE seg AS
SELECT s.*, a.id AS source, b.id AS target FROM seg0 s
JOIN node a ON a.k = ST_AsBinary(ST_StartPoint(s.g)) JOIN node b ON b.k = ST_AsBinary(ST_EndPoint(s.g));
DROP TABLE seg0;
CREATE INDEX ON seg USING gist (g);
ANALYZE seg;
""")
    return int(cluster.sql("SELECT count(*) FROM seg")[0][0])


def fastest_mps(cluster, speeds, mode):
    """The fastest speed (m/s) anywhere on the mode's network, off road included: no route of t
    seconds leaves the disc of t times it around its start."""
    kmh = [float(speeds["off_road_kmh"])] + [float(v) for v in speeds[mode].values()]
    if mode == "drive":
        kmh += [float(r[0]) for r in cluster.sql("SELECT max(maxspeed) FROM seg") if r[0]]
    return max(kmh) / 3.6


def farthest_join_m(cluster, speeds, mode, points_sql):
    """The farthest any of the points (a query of geometries in EPSG:4490) lies from a road its mode
    may use, in metres, over the whole network (`seg`): an upper bound, from the 16 segments nearest
    each point in degrees."""
    open_classes = ",".join(f"'{k}'" for k, v in speeds[mode].items() if float(v) > 0)
    r = cluster.sql(f"""
SELECT max(d) FROM ({points_sql}) p(g) CROSS JOIN LATERAL (
  SELECT min(ST_Distance(p.g::geography, s.g::geography)) AS d
  FROM (SELECT g FROM seg WHERE fclass IN ({open_classes}) ORDER BY g <-> p.g LIMIT 16) s) n""")
    return float(r[0][0]) if r and r[0][0] else 0.0


def grow_box(box, metres):
    """A lon/lat box (x0, y0, x1, y1) grown by at least `metres` on the ground every way (degrees
    of latitude at their shortest, 110.57 km; of longitude at the box's highest latitude, on the
    equatorial radius, less 1% to be safe)."""
    x0, y0, x1, y1 = box
    dlat = metres / 110_574.0
    top = min(89.0, max(abs(y0), abs(y1)) + dlat)
    dlon = metres / (0.99 * 6_378_137.0 * math.cos(math.radians(top)) * math.pi / 180.0)
    return (x0 - dlon, y0 - dlat, x1 + dlon, y1 + dlat)


def envelope(box):
    return f"ST_MakeEnvelope({box[0]!r}, {box[1]!r}, {box[2]!r}, {box[3]!r}, 4490)"


class Graph:
    """The split graph of one mode in the cluster (tables e, pts, joined, stops, sub): the segments
    the mode may use (those whose box meets `box`, a lon/lat box, when given), the villages
    (code -> (lon, lat)) and the sites (`sites_sql`: a query of (key, geometry in EPSG:4490))
    joined to them."""

    def __init__(self, cluster, speeds, mode, villages, sites_sql, box=None):
        self.cluster = cluster
        self.off_mps = speeds["off_road_kmh"] / 3.6
        table = speeds[mode]
        values = ",".join(f"('{k}', {float(v)})" for k, v in table.items())
        drive = str(mode == "drive").lower()
        clip = f"WHERE s.g && {envelope(box)}" if box else ""
        vals = ",".join(f"('{c}', {lon!r}, {lat!r})" for c, (lon, lat) in sorted(villages.items()))
        vals_sql = f"SELECT c, ST_SetSRID(ST_MakePoint(lon, lat), 4490) FROM (VALUES {vals}) t(c, lon, lat)" if vals \
            else "SELECT NULL::text, NULL::geometry WHERE false"
        cluster.sql(f"""
DROP TABLE IF EXISTS speed, e, pts, joined, stops, sub;
CREATE TABLE speed(cls text, kmh float8);
INSERT INTO speed VALUES {values};
-- class speed with the fallback to the name before the last '_'
CREATE TABLE e AS
SELECT s.id, s.source, s.target, s.g,
       CASE WHEN {drive} AND s.maxspeed > 0 AND k.kmh > 0 THEN s.maxspeed ELSE k.kmh END AS kmh,
       s.oneway
FROM (SELECT * FROM seg s {clip}) s
JOIN speed k ON k.cls = s.fclass OR (k.cls = regexp_replace(s.fclass, '_[^_]*$', '')
     AND NOT EXISTS (SELECT 1 FROM speed k2 WHERE k2.cls = s.fclass));
DELETE FROM e WHERE NOT kmh > 0;
ALTER TABLE e ADD COLUMN cost float8, ADD COLUMN reverse_cost float8;
UPDATE e SET cost = CASE WHEN {drive} AND oneway IN ('T') THEN -1
                    ELSE ST_Distance(ST_StartPoint(g)::geography, ST_EndPoint(g)::geography) / (kmh / 3.6) END,
             reverse_cost = CASE WHEN {drive} AND oneway IN ('F') THEN -1
                            ELSE ST_Distance(ST_StartPoint(g)::geography, ST_EndPoint(g)::geography) / (kmh / 3.6) END;
CREATE INDEX ON e USING gist (g);
ANALYZE e;
-- kx, ky: metres per degree of longitude and latitude at the point's latitude (GRS80)
CREATE TABLE pts(pid serial, kind text, key text, p geometry, kx float8, ky float8);
INSERT INTO pts(kind, key, p) SELECT 'v', c, g FROM ({vals_sql}) v(c, g);
INSERT INTO pts(kind, key, p) SELECT 'f', key, g FROM ({sites_sql}) s(key, g) ORDER BY key;
UPDATE pts SET kx = n * cos(phi) * pi() / 180, ky = n * (1 - 0.006694380022900787) / w2 * pi() / 180
FROM (SELECT pid AS id, radians(ST_Y(p)) AS phi, 1 - 0.006694380022900787 * sin(radians(ST_Y(p)))^2 AS w2,
             6378137 / sqrt(1 - 0.006694380022900787 * sin(radians(ST_Y(p)))^2) AS n FROM pts) q
WHERE pid = q.id;
CREATE TABLE joined AS
SELECT p.pid, p.kind, p.key, p.p, n.id AS edge_id, n.fraction,
       ST_Distance(p.p::geography, ST_LineInterpolatePoint(n.g, n.fraction)::geography) / {self.off_mps} AS off_s
FROM pts p CROSS JOIN LATERAL (
  SELECT c.id, c.g, ST_LineLocatePoint(c.lg, ST_SetSRID(ST_MakePoint(0, 0), 4490)) AS fraction
  FROM (SELECT e.id, e.g, ST_Scale(ST_Translate(e.g, -ST_X(p.p), -ST_Y(p.p)), p.kx, p.ky) AS lg
        FROM e ORDER BY e.g <-> p.p LIMIT {NEAREST_SEGMENTS}) c
  ORDER BY ST_Distance(c.lg, ST_SetSRID(ST_MakePoint(0, 0), 4490)), c.id LIMIT 1) n;
-- The edges split where points join them (as scicov does), each point a vertex of its own
-- joined by its off-road leg: village -> road, road -> facility.
CREATE TABLE stops AS
SELECT e.id AS edge_id, 0.0::float8 AS fraction, e.source AS vid FROM e
UNION ALL SELECT e.id, 1.0, e.target FROM e
UNION ALL SELECT edge_id, fraction, {STOP} + pid FROM joined;
CREATE TABLE sub AS
SELECT row_number() OVER () AS id, * FROM (
SELECT s.vid AS source, s.nvid AS target,
       CASE WHEN e.cost < 0 THEN -1 ELSE (s.nf - s.fraction) * e.cost END AS cost,
       CASE WHEN e.reverse_cost < 0 THEN -1 ELSE (s.nf - s.fraction) * e.reverse_cost END AS reverse_cost
FROM (SELECT edge_id, fraction, vid, lead(vid) OVER w AS nvid, lead(fraction) OVER w AS nf
      FROM stops WINDOW w AS (PARTITION BY edge_id ORDER BY fraction, vid)) s
JOIN e ON e.id = s.edge_id WHERE s.nvid IS NOT NULL
UNION ALL SELECT {POINT} + pid, {STOP} + pid, off_s, -1 FROM joined WHERE kind = 'v'
UNION ALL SELECT {STOP} + pid, {POINT} + pid, off_s, -1 FROM joined WHERE kind = 'f') x;
""")

    def counts(self):
        """(edges of the mode, villages, sites, the longest off-road join in metres)."""
        r = self.cluster.sql(f"""
SELECT (SELECT count(*) FROM e), (SELECT count(*) FROM pts WHERE kind = 'v'), (SELECT count(*) FROM pts WHERE kind = 'f'),
       coalesce((SELECT max(off_s) FROM joined), 0) * {self.off_mps}""")[0]
        return int(r[0]), int(r[1]), int(r[2]), float(r[3])

    def frontier(self, box):
        """Minutes from each village to the nearest end of a segment of the graph that leaves `box`
        (0 when the village joins such a segment): {village: minutes}. A route that leaves the box
        has at least that long; if a village's nearest site is nearer, the roads and sites beyond
        the box cannot change it."""
        rows = self.cluster.sql(f"""
DROP TABLE IF EXISTS out_e;
CREATE TABLE out_e AS SELECT id, source, target FROM e WHERE NOT ST_CoveredBy(g, {envelope(box)});
WITH road AS (
  SELECT r.end_vid - {POINT} AS pid, r.agg_cost AS s
  FROM pgr_dijkstraCost(
    'SELECT id, target AS source, source AS target, cost, reverse_cost FROM sub
     UNION ALL SELECT {SINK} + row_number() OVER (), {SINK}, v, 0, -1
     FROM (SELECT source AS v FROM out_e UNION SELECT target FROM out_e) x',
    {SINK}, (SELECT array_agg({POINT} + pid) FROM joined WHERE kind = 'v'), directed => true) r)
SELECT p.key, CASE WHEN p.edge_id IN (SELECT id FROM out_e) THEN 0 ELSE coalesce(r.s, 'Infinity') END / 60
FROM joined p LEFT JOIN road r ON r.pid = p.pid WHERE p.kind = 'v' ORDER BY p.key;
""")
        return {code: float(minutes) for code, minutes in rows}

    def legs(self):
        """Minutes from each village to each site: {(village, site): minutes}."""
        rows = self.cluster.sql(f"""
DROP TABLE IF EXISTS legs;
CREATE TABLE legs AS
SELECT v.key AS village, f.key AS site, r.agg_cost AS s
FROM pgr_dijkstraCost(
  'SELECT id, source, target, cost, reverse_cost FROM sub',
  (SELECT array_agg({POINT} + pid) FROM joined WHERE kind = 'v'),
  (SELECT array_agg({POINT} + pid) FROM joined WHERE kind = 'f'),
  directed => true) r
JOIN joined v ON {POINT} + v.pid = r.start_vid JOIN joined f ON {POINT} + f.pid = r.end_vid;
INSERT INTO legs SELECT v.key, f.key, ST_Distance(v.p::geography, f.p::geography) / {self.off_mps}
FROM pts v, pts f WHERE v.kind = 'v' AND f.kind = 'f';
SELECT village, site, min(s) / 60 FROM legs GROUP BY village, site ORDER BY village, site;
""")
        return {(code, site): float(minutes) for code, site, minutes in rows}

    def nearest(self):
        """Minutes from each village to its nearest site: {village: minutes} (inf without a site).
        One search from a sink joined to every site, over the reversed graph (pgr_dijkstraCost
        one-to-many), or straight across to the nearest site."""
        rows = self.cluster.sql(f"""
WITH road AS (
  SELECT r.end_vid - {POINT} AS pid, r.agg_cost AS s
  FROM pgr_dijkstraCost(
    'SELECT id, target AS source, source AS target, cost, reverse_cost FROM sub
     UNION ALL SELECT {SINK} + pid, {SINK}, {POINT} + pid, 0, -1 FROM joined WHERE kind = ''f''',
    {SINK}, (SELECT array_agg({POINT} + pid) FROM joined WHERE kind = 'v'), directed => true) r),
straight AS (
  SELECT v.pid, min(ST_Distance(v.p::geography, f.p::geography)) / {self.off_mps} AS s
  FROM pts v, pts f WHERE v.kind = 'v' AND f.kind = 'f' GROUP BY v.pid)
SELECT v.key, least(r.s, st.s, 'Infinity'::float8) / 60
FROM pts v LEFT JOIN road r ON r.pid = v.pid LEFT JOIN straight st ON st.pid = v.pid
WHERE v.kind = 'v' ORDER BY v.key;
""")
        return {code: float(minutes) for code, minutes in rows}

    def reach(self, limit_min, slack_s=1.0):
        """The villages each site reaches within `limit_min` minutes plus `slack_s` seconds (so that
        a caller can leave out pairs within a second of the limit): {(village, site): minutes}.
        pgr_drivingDistance from every site over the reversed graph, bounded there, and straight
        across within the distance walkable in that time."""
        bound = limit_min * 60 + slack_s
        rows = self.cluster.sql(f"""
WITH road AS (
  SELECT d.from_v - {POINT} AS fpid, d.node - {POINT} AS vpid, d.agg_cost AS s
  FROM pgr_drivingDistance('SELECT id, target AS source, source AS target, cost, reverse_cost FROM sub',
    (SELECT array_agg({POINT} + pid) FROM joined WHERE kind = 'f'), {bound}, directed => true) d
  WHERE d.node > {POINT}),
straight AS (
  SELECT f.pid AS fpid, v.pid AS vpid, ST_Distance(v.p::geography, f.p::geography) / {self.off_mps} AS s
  FROM pts v JOIN pts f ON v.kind = 'v' AND f.kind = 'f'
   AND ST_DWithin(v.p::geography, f.p::geography, {bound * self.off_mps}))
SELECT v.key, f.key, min(x.s) / 60 FROM (SELECT * FROM road UNION ALL SELECT * FROM straight) x
JOIN pts v ON v.pid = x.vpid AND v.kind = 'v' JOIN pts f ON f.pid = x.fpid
WHERE x.s <= {bound} GROUP BY v.key, f.key ORDER BY v.key, f.key;
""")
        return {(code, site): float(minutes) for code, site, minutes in rows}
