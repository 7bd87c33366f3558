"""A county's data as a planner holds it goes in as it is (issue 14, "Take data as it comes").

Built here from the committed sample, for two Panzhihua counties: villages as a GBK Shapefile with
Chinese field names, an EPSG:4543 (Gauss–Krüger) .prj and no .cpg; facilities as XLSX in GCJ-02
with 名称/类型/状态/经度/纬度 and Chinese type names (short and long forms, full-width brackets);
candidates as an Excel-saved (GBK) CSV. With one --field mapping and --datum facilities=gcj02,
`analyze` must give the same per-village coverage as from the canonical sample. Then the ways
such data goes wrong: each a clear message and no output."""
import csv
import os
import subprocess
import sys
import tempfile

from osgeo import gdal, ogr, osr

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e import GEODATA, SCICOV, check, finish, rows  # noqa: E402
from gcj import wgs84_to_gcj02  # noqa: E402

SAMPLE = os.path.join(GEODATA, "sample.gpkg")
COUNTIES = ["510411", "510421"]
TYPE_NAMES = {"science_museum": ["科技馆", "实体科技馆"], "science_base": ["科普教育基地", "科普基地"],
              "e_station": ["科普e站", "e站", "科普Ｅ站"], "science_room": ["村（社区）科普室", "科普室", "农村科普活动室"]}
COUNTY_ARGS = [a for c in COUNTIES for a in ("--county", c)]


def scicov(*args):
    return subprocess.run([SCICOV, "-q", *args], capture_output=True, text=True)


def write_villages(path, population_field="人口数2020"):
    sample = ogr.Open(SAMPLE)
    src = sample.GetLayerByName("villages")
    gk = osr.SpatialReference()
    gk.ImportFromEPSG(4543)
    gk.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    ll = osr.SpatialReference()
    ll.ImportFromEPSG(4490)
    ll.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    ct = osr.CoordinateTransformation(ll, gk)
    ds = ogr.GetDriverByName("ESRI Shapefile").CreateDataSource(path)
    layer = ds.CreateLayer("cun", gk, ogr.wkbMultiPolygon, ["ENCODING=GBK"])
    for name, kind in (("代码", ogr.OFTString), ("名称", ogr.OFTString), (population_field, ogr.OFTInteger)):
        fd = ogr.FieldDefn(name, kind)
        fd.SetWidth(20 if kind == ogr.OFTString else 10)
        layer.CreateField(fd)
    for f in src:
        if f["county_code"] not in COUNTIES:
            continue
        out = ogr.Feature(layer.GetLayerDefn())
        out.SetField(0, f["code"])
        out.SetField(1, f["name"])
        out.SetField(2, int(f["population"]))
        g = f.GetGeometryRef().Clone()
        g.Transform(ct)
        out.SetGeometry(ogr.ForceToMultiPolygon(g))
        layer.CreateFeature(out)
    ds = None
    os.remove(path[:-4] + ".cpg")


def facility_rows(shift=True):
    out = []
    sample = ogr.Open(SAMPLE)
    for i, f in enumerate(sample.GetLayerByName("facilities")):
        g = f.GetGeometryRef()
        lon, lat = wgs84_to_gcj02(g.GetX(), g.GetY()) if shift else (g.GetX(), g.GetY())
        names = TYPE_NAMES[f["type"]]
        out.append({"编号": f["id"], "名称": f["name"], "类型": names[i % len(names)],
                    "状态": "现有" if f["status"] == "existing" else "规划", "经度": lon, "纬度": lat})
    return out


def write_xlsx(path, table, driver="XLSX"):
    ds = ogr.GetDriverByName(driver).CreateDataSource(path)
    layer = ds.CreateLayer("科普设施", None, ogr.wkbNone)
    for name in table[0]:
        layer.CreateField(ogr.FieldDefn(name, ogr.OFTReal if name in ("经度", "纬度") else ogr.OFTString))
    for r in table:
        f = ogr.Feature(layer.GetLayerDefn())
        for k, v in r.items():
            f.SetField(k, v)
        layer.CreateFeature(f)
    ds = None


def write_gbk_csv(path, table):
    with open(path, "w", encoding="gb18030", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(table[0]))
        w.writeheader()
        w.writerows(table)


def candidate_rows():
    out = []
    sample = ogr.Open(SAMPLE)
    for f in sample.GetLayerByName("candidates"):
        if f["village_code"][:6] not in COUNTIES:
            continue
        g = f.GetGeometryRef()
        out.append({"编号": f["id"], "场所类型": f["kind"], "成本": f["cost"], "村代码": f["village_code"],
                    "经度": g.GetX(), "纬度": g.GetY()})
    return out


def coverage(path):
    vs = rows(path, "villages", key="code")
    return {c: tuple(v[f"cov_{t}"] for t in TYPE_NAMES) for c, v in vs.items()}


def main():
    tmp = tempfile.mkdtemp(prefix="scicov_planner_")
    shp, xlsx, cands = (os.path.join(tmp, n) for n in ("村界.shp", "科普设施.xlsx", "党群服务中心.csv"))
    write_villages(shp)
    write_xlsx(xlsx, facility_rows())
    write_gbk_csv(cands, candidate_rows())
    check(not os.path.exists(shp[:-4] + ".cpg"), "the Shapefile has no .cpg")

    ref = os.path.join(tmp, "ref.gpkg")
    r = scicov("analyze", SAMPLE, *COUNTY_ARGS, "-o", ref)
    check(r.returncode == 0, f"canonical analyze: {r.stderr}")

    layers = ["--layer", "villages=" + shp, "--layer", "facilities=" + xlsx, "--layer", "candidates=" + cands]
    out = os.path.join(tmp, "planner.gpkg")
    r = scicov("analyze", *layers, "--field", "villages.population=人口数2020", "--datum", "facilities=gcj02",
               *COUNTY_ARGS, "-o", out)
    check(r.returncode == 0, f"planner's data analysed: {r.stderr[-2000:]}")
    if r.returncode == 0:
        a, b = coverage(ref), coverage(out)
        check(len(a) > 100 and a.keys() == b.keys(), f"same villages ({len(a)} vs {len(b)})")
        differ = [c for c in a if a[c] != b.get(c)]
        check(not differ, f"same per-village coverage ({len(differ)} differ, e.g. {differ[:3]})")
        names = {c: v["name"] for c, v in rows(out, "villages", key="code").items()}
        ref_names = {c: v["name"] for c, v in rows(ref, "villages", key="code").items()}
        check(names == ref_names, "village names read from GBK as they were")
        check("村界.shp" in r.stderr and "GB18030" in r.stderr and "--encoding villages=GBK" in r.stderr,
              f"the GBK Shapefile is detected and the warning names the fix: {r.stderr[:600]}")
        check("党群服务中心.csv" in r.stderr and "--encoding candidates=GBK" in r.stderr,
              "the GBK CSV is detected and the warning names the fix")
        check("经度/纬度" in r.stderr and "WGS84" in r.stderr, "the XLSX note says its points are taken as WGS84")
        check("no CRS" not in r.stderr, "no 'no CRS' message for tables of points")

    # The same plan: every proposed site (type, village, host, year, rank) as from the canonical sample.
    ref_plan, plan = os.path.join(tmp, "ref_plan.gpkg"), os.path.join(tmp, "planner_plan.gpkg")
    r0 = scicov("plan", SAMPLE, *COUNTY_ARGS, "-o", ref_plan)
    r = scicov("plan", *layers, "--field", "villages.population=人口数2020", "--datum", "facilities=gcj02",
               *COUNTY_ARGS, "-o", plan)
    check(r0.returncode == 0 and r.returncode == 0, f"plans of both: {r0.stderr[-400:]} {r.stderr[-800:]}")
    if r0.returncode == 0 and r.returncode == 0:
        def sites(path):
            return sorted((s["type"], s["village_code"], s["candidate_id"], s["host_kind"], s["year"], s["rank"])
                          for s in rows(path, "proposed_sites"))
        a, b = sites(ref_plan), sites(plan)
        check(len(a) > 10 and a == b, f"the same plan ({len(a)} vs {len(b)} sites; first differing: "
              f"{next((x for x in zip(a, b) if x[0] != x[1]), None)})")
        horizon = {(h["county_code"], h["type"]): h["sentence_zh"] for h in rows(ref_plan, "plan_horizon")}
        check(horizon == {(h["county_code"], h["type"]): h["sentence_zh"] for h in rows(plan, "plan_horizon")},
              "the same plan terms (plan_horizon sentences)")

    # GCJ-02 noticed: without --datum, a warning with the numbers and the flag; none when the
    # points are WGS84 (the canonical run above, and the same XLSX unshifted).
    r = scicov("analyze", *layers, "--field", "villages.population=人口数2020", *COUNTY_ARGS, "-o",
               os.path.join(tmp, "gcj.gpkg"))
    check(r.returncode == 0 and "--datum facilities=gcj02" in r.stderr and "named after a village" in r.stderr,
          f"GCJ-02 facilities without --datum: warned with the flag: {r.stderr[-800:]}")
    r = scicov("analyze", SAMPLE, *COUNTY_ARGS, "-o", os.path.join(tmp, "ref2.gpkg"))
    check("named after a village" not in r.stderr, f"WGS84 facilities: no datum warning: {r.stderr[-400:]}")
    wgs_xlsx = os.path.join(tmp, "wgs84.xlsx")
    write_xlsx(wgs_xlsx, facility_rows(shift=False))
    r = scicov("analyze", "--layer", "villages=" + shp, "--layer", "facilities=" + wgs_xlsx, "--field",
               "villages.population=人口数2020", *COUNTY_ARGS, "-o", os.path.join(tmp, "wgs.gpkg"))
    check(r.returncode == 0 and "named after a village" not in r.stderr, f"unshifted XLSX: no datum warning: {r.stderr[-400:]}")

    # The same facilities as an ODS sheet: the same coverage.
    ods = os.path.join(tmp, "科普设施.ods")
    write_xlsx(ods, facility_rows(), "ODS")
    out_ods = os.path.join(tmp, "ods.gpkg")
    r = scicov("analyze", "--layer", "villages=" + shp, "--layer", "facilities=" + ods, "--field",
               "villages.population=人口数2020", "--datum", "facilities=gcj02", *COUNTY_ARGS, "-o", out_ods)
    check(r.returncode == 0 and os.path.exists(out) and coverage(out_ods) == coverage(out),
          f"ODS facilities: the same coverage as XLSX: {r.stderr[-400:]}")

    # Text in a numeric column of a CSV (GBK, Chinese column 成本): an error naming row and field.
    bad_cands = candidate_rows()
    bad_cands[1]["成本"] = "待定"
    bad_csv = os.path.join(tmp, "bad_cost.csv")
    write_gbk_csv(bad_csv, bad_cands)
    r = scicov("validate", "--layer", "villages=" + shp, "--layer", "candidates=" + bad_csv, "--field",
               "villages.population=人口数2020", *COUNTY_ARGS)
    check(r.returncode == 1 and "feature 2" in r.stderr and "field '成本'" in r.stderr and "待定" in r.stderr,
          f"text in a CSV's cost column: an error naming row and field: {r.stderr[-600:]}")

    # --encoding makes it explicit: no detection warning.
    out2 = os.path.join(tmp, "explicit.gpkg")
    r = scicov("analyze", *layers, "--field", "villages.population=人口数2020", "--datum", "facilities=gcj02",
               "--encoding", "GBK", *COUNTY_ARGS, "-o", out2)
    check(r.returncode == 0 and "GB18030" not in r.stderr, f"--encoding GBK: read without a warning: {r.stderr[-800:]}")

    # The population column left unmapped: the message names the field and the fix.
    r = scicov("analyze", *layers, "--datum", "facilities=gcj02", *COUNTY_ARGS, "-o", os.path.join(tmp, "x.gpkg"))
    check(r.returncode == 1 and "population" in r.stderr and "人口数2020" in r.stderr,
          f"unmapped population: a missing field naming what the layer has: {r.stderr[-600:]}")
    check(not os.path.exists(os.path.join(tmp, "x.gpkg")), "no output after an error")

    # --field with an unknown field: a usage error with "did you mean".
    r = scicov("analyze", *layers, "--field", "villages.populaton=人口数2020", *COUNTY_ARGS, "-o",
               os.path.join(tmp, "x.gpkg"))
    check(r.returncode == 2 and "did you mean 'population'" in r.stderr, f"--field typo: {r.stderr}")

    # An unknown Chinese type name: "did you mean".
    bad = facility_rows()
    bad[0]["类型"] = "科普教育基"
    bad_xlsx = os.path.join(tmp, "bad_type.xlsx")
    write_xlsx(bad_xlsx, bad)
    r = scicov("analyze", "--layer", "villages=" + shp, "--layer", "facilities=" + bad_xlsx, "--field",
               "villages.population=人口数2020", *COUNTY_ARGS, "-o", os.path.join(tmp, "x.gpkg"))
    check(r.returncode == 1 and "科普教育基" in r.stderr and "did you mean" in r.stderr,
          f"unknown type name: did you mean: {r.stderr[-600:]}")

    # -o with an extension scicov does not write.
    for name in ("out.shp", "out.csv"):
        r = scicov("analyze", SAMPLE, "-o", os.path.join(tmp, name))
        check(r.returncode == 2 and ".gpkg" in r.stderr and not os.path.exists(os.path.join(tmp, name)),
              f"-o {name}: a usage error naming .gpkg: {r.stderr}")

    # A population target over villages without people: an error, never "met".
    zero = os.path.join(tmp, "zero.shp")
    write_villages(zero)
    ds = ogr.Open(zero, 1)
    lyr = ds.GetLayer(0)
    for f in lyr:
        f.SetField(2, 0)
        lyr.SetFeature(f)
    ds = None
    r = scicov("analyze", "--layer", "villages=" + zero, "--layer", "facilities=" + xlsx, "--datum",
               "facilities=gcj02", "--field", "villages.population=人口数2020", "--encoding", "villages=GBK",
               *COUNTY_ARGS, "-o", os.path.join(tmp, "x.gpkg"))
    check(r.returncode == 1 and "science_base" in r.stderr and "population target" in r.stderr,
          f"population target without people: an error naming type and target: {r.stderr[-600:]}")
    finish()


main()
