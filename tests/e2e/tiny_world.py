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
"""
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


def write(path, facilities=FACILITIES, with_units=True, epsg=4543):
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
    ds = None
