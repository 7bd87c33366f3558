"""A hand-computable world for end-to-end tests.

Five 10 km square villages laid out in EPSG:4543 (CGCS2000 / 3-degree Gauss-Kruger CM 102E),
just east of the central meridian, so that metres in the file are metres on the ground to 1e-5:

    y 20000 +---------+---------+
            |  V3     |  V4     |          county 990101: V1..V4 (townships 001: V1 V2, 002: V3 V4)
    y 10000 +---------+---------+---------+ county 990102: V5
            |  V1 社区 |  V2     |  V5     |
    y     0 +---------+---------+---------+
            x0       +10 km    +20 km    +30 km    (x0 = 500000, y0 = 2930000)

Representative points are the squares' centres (GEOS point-on-surface of a square).

ROADS (optional, `write(..., roads=ROADS)`), the unit tests' hand-computed network
(tests/unit/coverage_test.cpp): R1a primary along y = 5000 from x = 0 to 15000 (points at 2000,
5000), R1b primary on to 30000, one way east; R2 residential north from (15000, 5000) to
(15000, 14000), 1 km short of V4's centre; R3 tertiary from V3's centre (5000, 15000) east to
(8000, 15000) and south to (8000, 0), crossing R1a on a bridge (no shared point); R6 residential
round from (25000, 5000) by (25000, 0) and (15000, 0) back to (15000, 5000).
"""
import math
import os
from osgeo import ogr, osr

X0, Y0 = 500_000.0, 2_930_000.0
SIZE = 10_000.0

VILLAGES = [
    # code, name, column, row, population
    ("990101001001", "城关社区居民委员会", 0, 0, 12000),
    ("990101001002", "东村村民委员会", 1, 0, 800),
    ("990101002001", "北山村民委员会", 0, 1, 1500),
    ("990101002002", "岭上村民委员会", 1, 1, 600),
    ("990102001001", "河西村民委员会", 2, 0, 900),
]
TOWNSHIPS = [("990101001", "城关镇"), ("990101002", "北山彝族乡"), ("990102001", "河西镇")]
COUNTIES = [("990101", "甲县"), ("990102", "乙县")]

# Facilities, in metres relative to (X0, Y0).
FACILITIES = [
    ("m1", "science_museum", "甲县科技馆", 2_000, 3_000),
    ("b1", "science_base", "甲县科普教育基地", 5_100, 5_000),
    ("e1", "e_station", "城关科普e站", 5_000, 5_000),       # disc wholly inside V1
    ("e2", "e_station", "边界科普e站", 10_000, 5_000),      # disc split in half by the V1|V2 border
    ("r1", "science_room", "城关社区科普室", 1_000, 1_000),  # in V1
    ("r3", "science_room", "北山村科普室", 3_000, 13_000),   # in V3
]


# Roads: fclass, maxspeed (0: none), oneway, points in metres relative to (X0, Y0).
ROADS = [
    ("primary", 0, "B", [(0, 5_000), (2_000, 5_000), (5_000, 5_000), (15_000, 5_000)]),
    ("primary", 0, "F", [(15_000, 5_000), (25_000, 5_000), (30_000, 5_000)]),
    ("residential", 0, "B", [(15_000, 5_000), (15_000, 14_000)]),
    ("tertiary", 0, "B", [(5_000, 15_000), (8_000, 15_000), (8_000, 0)]),
    ("residential", 0, "", [(25_000, 5_000), (25_000, 0), (15_000, 0), (15_000, 5_000)]),
]

# A travel-time rule on ROADS and one science base on R1a at (2000, 5000): 1 km a minute on
# primary and tertiary, 0.5 on residential, 0.1 off road (GK metres are ground metres to 1e-5).
TRAVEL_RULES = """
[types.science_base]
coverage = "travel_time"
minutes = 30
mode = "drive"
[speeds]
off_road_kmh = 6
[speeds.drive]
primary = 60
tertiary = 60
residential = 30
"""
TRAVEL_BASE = [("b1", "science_base", "甲县科普教育基地", 2_000, 5_000)]
# Minutes to that base by hand, per village (VILLAGES' order, codes 990101001001 …):
TRAVEL_MINUTES = [
    3.0,                                 # 3 km on R1a
    13.0,                                # 13 km on R1a
    math.hypot(3_000, 10_000) / 100.0,   # R3 crosses R1a on a bridge: straight across, 104.4
    10.0 + 18.0 + 13.0,                  # 1 km on foot, 9 km at 30 km/h, then as V2
    40.0 + 13.0,                         # R1b is one way east: round by R6
]


def centre(col, row):
    return X0 + (col + 0.5) * SIZE, Y0 + (row + 0.5) * SIZE


def square(col, row):
    x, y = X0 + col * SIZE, Y0 + row * SIZE
    ring = ogr.Geometry(ogr.wkbLinearRing)
    for px, py in [(x, y), (x + SIZE, y), (x + SIZE, y + SIZE), (x, y + SIZE), (x, y)]:
        ring.AddPoint_2D(px, py)
    poly = ogr.Geometry(ogr.wkbPolygon)
    poly.AddGeometry(ring)
    return poly


def write_roads(ds, srs, roads):
    lyr = ds.CreateLayer("roads", srs, ogr.wkbLineString)
    for name, t in [("fclass", ogr.OFTString), ("maxspeed", ogr.OFTInteger), ("oneway", ogr.OFTString)]:
        lyr.CreateField(ogr.FieldDefn(name, t))
    for fclass, maxspeed, oneway, points in roads:
        f = ogr.Feature(lyr.GetLayerDefn())
        f.SetField("fclass", fclass)
        f.SetField("maxspeed", maxspeed)
        f.SetField("oneway", oneway)
        line = ogr.Geometry(ogr.wkbLineString)
        for dx, dy in points:
            line.AddPoint_2D(X0 + dx, Y0 + dy)
        f.SetGeometry(line)
        lyr.CreateFeature(f)


def write(path, facilities=FACILITIES, with_units=True, epsg=4543, roads=None):
    if os.path.exists(path):
        os.remove(path)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(epsg)
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(path)
    lyr = ds.CreateLayer("villages", srs, ogr.wkbPolygon)
    for name, t in [("code", ogr.OFTString), ("name", ogr.OFTString), ("population", ogr.OFTInteger)]:
        lyr.CreateField(ogr.FieldDefn(name, t))
    for code, name, col, row, pop in VILLAGES:
        f = ogr.Feature(lyr.GetLayerDefn())
        f.SetField("code", code)
        f.SetField("name", name)
        f.SetField("population", pop)
        f.SetGeometry(square(col, row))
        lyr.CreateFeature(f)
    if with_units:
        lyr = ds.CreateLayer("townships", srs, ogr.wkbMultiPolygon)
        for name in ["code", "name"]:
            lyr.CreateField(ogr.FieldDefn(name, ogr.OFTString))
        for code, name in TOWNSHIPS:
            geom = ogr.Geometry(ogr.wkbMultiPolygon)
            for vcode, _, col, row, _ in VILLAGES:
                if vcode.startswith(code):
                    geom.AddGeometry(square(col, row))
            f = ogr.Feature(lyr.GetLayerDefn())
            f.SetField("code", code)
            f.SetField("name", name)
            f.SetGeometry(ogr.ForceToMultiPolygon(geom.UnionCascaded()))
            lyr.CreateFeature(f)
    lyr = ds.CreateLayer("facilities", srs, ogr.wkbPoint)
    for name in ["id", "type", "name"]:
        lyr.CreateField(ogr.FieldDefn(name, ogr.OFTString))
    for fid, ftype, name, dx, dy in facilities:
        f = ogr.Feature(lyr.GetLayerDefn())
        f.SetField("id", fid)
        f.SetField("type", ftype)
        f.SetField("name", name)
        p = ogr.Geometry(ogr.wkbPoint)
        p.AddPoint_2D(X0 + dx, Y0 + dy)
        f.SetGeometry(p)
        lyr.CreateFeature(f)
    if roads:
        write_roads(ds, srs, roads)
    ds = None


def write_grid(path, seed, cols=6, rows=6, cell=2_000.0, bases=4, stations=6):
    """A seeded world for cross-checks: cols × rows square villages of `cell` metres (two
    counties: the west and east halves), a road grid through jittered junctions between the
    village centres (pieces of random class, some one way, some with maxspeed, some missing), a few
    straight trunk roads crossing the grid without shared points (bridges), and facilities at
    random points. Returns (villages, roads, facilities) as written."""
    import random
    rnd = random.Random(seed)
    villages = []
    for r in range(rows):
        for c in range(cols):
            county = "990101" if c < cols // 2 else "990102"
            code = f"{county}{1 + r // 3:03d}{1 + r % 3 * cols + c:03d}"
            villages.append((code, f"格{r}{c}村民委员会", c, r, rnd.randint(100, 3000)))
    junction = {(r, c): (c * cell + cell * 0.35 + rnd.uniform(-300, 300), r * cell + cell * 0.35 + rnd.uniform(-300, 300))
                for r in range(rows) for c in range(cols)}
    classes = ["primary", "secondary", "tertiary", "residential", "track", "unclassified", "path", "motorway"]
    roads = []

    def piece(a, b):
        if rnd.random() < 0.15:
            return
        oneway = rnd.choice(["F", "T"]) if rnd.random() < 0.15 else rnd.choice(["B", ""])
        maxspeed = rnd.choice([30, 60, 80]) if rnd.random() < 0.2 else 0
        mid = ((a[0] + b[0]) / 2 + rnd.uniform(-200, 200), (a[1] + b[1]) / 2 + rnd.uniform(-200, 200))
        roads.append((rnd.choice(classes), maxspeed, oneway, [a, mid, b]))

    for r in range(rows):
        for c in range(cols):
            if c + 1 < cols:
                piece(junction[(r, c)], junction[(r, c + 1)])
            if r + 1 < rows:
                piece(junction[(r, c)], junction[(r + 1, c)])
    for _ in range(3):  # bridges: straight across, no shared points
        a = (rnd.uniform(0, cols * cell), rnd.uniform(0, rows * cell))
        b = (rnd.uniform(0, cols * cell), rnd.uniform(0, rows * cell))
        roads.append(("trunk", 0, rnd.choice(["B", "F"]), [a, b]))
    facilities = []
    for i in range(bases):
        facilities.append((f"b{i}", "science_base", f"基地{i}", rnd.uniform(0, cols * cell), rnd.uniform(0, rows * cell)))
    for i in range(stations):
        facilities.append((f"e{i}", "e_station", f"e站{i}", rnd.uniform(0, cols * cell), rnd.uniform(0, rows * cell)))

    global VILLAGES, SIZE
    saved = VILLAGES, SIZE
    VILLAGES, SIZE = villages, cell
    try:
        write(path, facilities=facilities, with_units=False, roads=roads)
    finally:
        VILLAGES, SIZE = saved
    return villages, roads, facilities


def write_travel(folder):
    """The hand-computed travel-time world in `folder`: ROADS with TRAVEL_BASE (tiny.gpkg) and
    TRAVEL_RULES (travel.toml). Returns (world, rules) paths."""
    world, rules = os.path.join(folder, "tiny.gpkg"), os.path.join(folder, "travel.toml")
    write(world, facilities=TRAVEL_BASE, roads=ROADS)
    with open(rules, "w") as f:
        f.write(TRAVEL_RULES)
    return world, rules
