"""Villages without township and county layers (docs/divisions.md): names from the embedded
division table, dissolved boundaries without sliver holes, and the ethnic-area priority at every
level (region, prefecture, county, township) by the table's names or a layer's."""
import os
import sys
import tempfile

from osgeo import gdal, ogr, osr

sys.path.insert(0, os.path.dirname(__file__))
import tiny_world  # noqa: E402
from e2e import GEODATA, check, finish, rows, run  # noqa: E402

SAMPLE = os.path.join(GEODATA, "sample.gpkg")
# 会泽县 (its real outline has 1 hole; 91 dissolved before), 仁和区 (10 real holes).
COUNTIES = ["530326", "510411"]


def m2(geom):
    """Area in m² (Lambert equal-area around the geometry)."""
    c = geom.Centroid()
    src = osr.SpatialReference()
    src.ImportFromEPSG(4490)
    src.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    dst = osr.SpatialReference()
    dst.SetFromUserInput(f"+proj=laea +lat_0={c.GetY()} +lon_0={c.GetX()} +ellps=GRS80")
    g = geom.Clone()
    g.AssignSpatialReference(src)
    g.TransformTo(dst)
    return g.GetArea()


def hole_areas(geom):
    polys = [geom.GetGeometryRef(i) for i in range(geom.GetGeometryCount())] \
        if geom.GetGeometryType() == ogr.wkbMultiPolygon else [geom]
    out = []
    for p in polys:
        for k in range(1, p.GetGeometryCount()):
            hole = ogr.Geometry(ogr.wkbPolygon)
            hole.AddGeometry(p.GetGeometryRef(k))
            out.append(m2(hole))
    return sorted(out)


def sample_without_units(tmp):
    """The sample's villages, facilities and candidates, without townships and counties."""
    path = os.path.join(tmp, "villages_only.gpkg")
    gdal.VectorTranslate(path, SAMPLE, layers=["villages", "facilities", "candidates"])
    return path


def dissolved(tmp):
    out = os.path.join(tmp, "dissolved.gpkg")
    r = run("analyze", sample_without_units(tmp), "-o", out, *[a for c in COUNTIES for a in ("--county", c)])
    check(r.returncode == 0, f"analyze of villages only: exit 0 ({r.stderr})")
    check("division table" not in r.stderr, f"every code of the sample is in the table ({r.stderr})")
    truth = {f["code"]: f for f in rows(SAMPLE, "counties", geometry=True) if f["code"] in COUNTIES}
    got = rows(out, "counties", key="code", geometry=True)
    for code in COUNTIES:
        c, t = got[code], truth[code]
        check(c["name"] == t["name"], f"{code} named {t['name']} from the table (got {c['name']})")
        holes, real = hole_areas(c["_geom"]), hole_areas(t["_geom"])
        check(len(holes) == len(real), f"{code}: no sliver holes ({len(holes)} holes, the real county {len(real)})")
        check(all(abs(a - b) <= 1e-3 * b for a, b in zip(holes, real)), f"{code}: the real holes kept {holes} {real}")
        a, b = m2(c["_geom"]), m2(t["_geom"])
        check(abs(a - b) <= 1e-4 * b, f"{code}: area within 0.01 % of the real county ({a:.0f} vs {b:.0f} m²)")
    names = {f["code"]: f["name"] for f in rows(SAMPLE, "townships") if f["code"][:6] in COUNTIES}
    towns = {f["code"]: f["name"] for f in rows(out, "townships")}
    check(towns == names, "every township named as the sample's townships layer names it")


# One village per county (so none is remote): the ethnic area at each level, by the table.
PRIORITY = [
    ("640104001001", 1.5, "region: 宁夏回族自治区"),
    ("513401001001", 1.5, "prefecture: 凉山彝族自治州 (no township layer)"),
    ("530428001001", 1.5, "county: 元江哈尼族彝族傣族自治县"),
    ("510421202001", 1.5, "township: 白坡彝族乡 in 米易县"),
    ("530326001001", 1.0, "none: 会泽县 宝云街道"),
    ("990101001001", 1.0, "a code the table lacks"),
]


def write_world(path, codes, townships=()):
    """tiny_world's layout with these villages in a row (one 10 km square each), its facilities
    and, when given, these townships (a layer of their villages' squares); no counties layer."""
    saved = tiny_world.VILLAGES, tiny_world.TOWNSHIPS
    tiny_world.VILLAGES = [(code, f"村{i}村民委员会", i, 0, 1000) for i, code in enumerate(codes)]
    tiny_world.TOWNSHIPS = list(townships)
    try:
        tiny_world.write(path, with_units=bool(townships))
    finally:
        tiny_world.VILLAGES, tiny_world.TOWNSHIPS = saved


def priority(tmp):
    world = os.path.join(tmp, "levels.gpkg")
    codes = [c for c, _, _ in PRIORITY]
    write_world(world, codes)
    out = os.path.join(tmp, "levels_out.gpkg")
    r = run("analyze", world, "-o", out)
    check(r.returncode == 0, f"analyze without unit layers: exit 0 ({r.stderr})")
    check("990101" in r.stderr and "division table" in r.stderr, f"the unknown codes are warned of ({r.stderr})")
    v = rows(out, "villages", key="code")
    for code, weight, what in PRIORITY:
        check(v[code]["priority"] == weight, f"{what}: priority {weight} (got {v[code]['priority']})")
    counties = rows(out, "counties", key="code")
    check(counties["513401"]["name"] == "西昌市", "county named from the table")
    check(counties["990101"]["name"] in (None, ""), "an unknown county stays unnamed")
    towns = rows(out, "townships", key="code")
    check(towns["510421202"]["name"] == "白坡彝族乡", "township named from the table")

    # A townships layer's names win over the table's: 白坡 named plainly is not ethnic, and a
    # plain 街道 named 族乡 by the layer is.
    world2 = os.path.join(tmp, "layered.gpkg")
    write_world(world2, ["510421202001", "530326001001"],
                townships=[("510421202", "白坡乡"), ("530326001", "测试彝族乡")])
    out2 = os.path.join(tmp, "layered_out.gpkg")
    r = run("analyze", world2, "-o", out2)
    check(r.returncode == 0, f"analyze with a townships layer: exit 0 ({r.stderr})")
    v = rows(out2, "villages", key="code")
    check(v["510421202001"]["priority"] == 1.0, "the layer's plain name wins over the table's 族乡")
    check(v["530326001001"]["priority"] == 1.5, "the layer's 族乡 counts")
    check(rows(out2, "counties", key="code")["530326"]["name"] == "会泽县", "no counties layer: named from the table")


with tempfile.TemporaryDirectory() as tmp:
    dissolved(tmp)
    priority(tmp)
finish()
