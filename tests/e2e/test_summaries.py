"""--csv and --json: one row/object per county, UTF-8 with Chinese names, RFC 4180 CSV and valid
JSON, numbers equal to the GeoPackage's counties layer; the same input gives the same bytes."""
import csv
import io
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from e2e import GEODATA, check, finish, rows, run  # noqa: E402

TYPES = ["science_museum", "science_base", "e_station", "science_room"]
work = tempfile.mkdtemp(prefix="scicov-summaries-")
sample = os.path.join(GEODATA, "sample.gpkg")


def same(a, b, tol=1e-6):
    return abs(float(a) - float(b)) <= tol * max(1.0, abs(float(b)))


for command in ["analyze", "plan"]:
    out = os.path.join(work, f"{command}.gpkg")
    csv_path, json_path = os.path.join(work, f"{command}.csv"), os.path.join(work, f"{command}.json")
    r = run(command, sample, "-o", out, "--csv", csv_path, "--json", json_path)
    if not check(r.returncode == 0, f"{command} --csv --json exits 0 ({r.stderr.strip()})"):
        continue
    counties = rows(out, "counties", "code")
    raw = open(csv_path, "rb").read()
    check(raw.endswith(b"\r\n") and raw.count(b"\r\n") == len(counties) + 1, f"{command}: CSV lines end in CRLF, header + one per county")
    table = list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))
    data = json.loads(open(json_path, encoding="utf-8").read())
    check(len(table) == len(counties) == len(data), f"{command}: {len(table)} CSV rows, {len(data)} JSON objects, {len(counties)} counties")
    check([t["code"] for t in table] == sorted(counties) == [d["code"] for d in data], f"{command}: counties in code order")
    check(any("区" in t["name"] or "县" in t["name"] for t in table), f"{command}: Chinese names intact in CSV")
    header = list(table[0].keys()) if table else []
    check(header[:4] == ["code", "name", "villages", "population"], f"{command}: CSV header starts code,name,villages,population")
    check(("share_after_science_room" in header) == (command == "plan"), f"{command}: share_after only with a plan")
    bad = []
    for t, d in zip(table, data):
        g = counties.get(t["code"])
        if g is None:
            bad.append(t["code"])
            continue
        if t["name"] != g["name"] or d["name"] != g["name"] or int(t["villages"]) != g["villages"] or d["villages"] != g["villages"]:
            bad.append((t["code"], "name/villages"))
        if not (same(t["population"], g["population"]) and same(d["population"], g["population"])):
            bad.append((t["code"], "population"))
        for k in TYPES:
            j = d["types"][k]
            for m in ["share", "target", "gap"]:
                if not (same(t[f"{m}_{k}"], g[f"{m}_{k}"]) and same(j[m], g[f"{m}_{k}"])):
                    bad.append((t["code"], k, m))
            if int(t[f"met_{k}"]) != g[f"met_{k}"] or j["met"] != bool(g[f"met_{k}"]):
                bad.append((t["code"], k, "met"))
            if command == "plan" and g.get(f"share_after_{k}") is not None:
                if not (same(t[f"share_after_{k}"], g[f"share_after_{k}"]) and same(j["share_after"], g[f"share_after_{k}"])):
                    bad.append((t["code"], k, "share_after"))
    check(not bad, f"{command}: CSV and JSON agree with the counties layer ({bad[:5]})")
    # Same input, same bytes.
    csv2, json2 = os.path.join(work, "again.csv"), os.path.join(work, "again.json")
    r = run(command, sample, "-o", os.path.join(work, "again.gpkg"), "--csv", csv2, "--json", json2)
    check(r.returncode == 0 and open(csv2, "rb").read() == raw and open(json2, "rb").read() == open(json_path, "rb").read(),
          f"{command}: a second run writes the same bytes")

# RFC 4180 quoting: the tiny world with county names holding a comma and quotes.
import tiny_world  # noqa: E402
from osgeo import ogr, osr  # noqa: E402

tiny = os.path.join(work, "tiny.gpkg")
tiny_world.write(tiny)
names = {"990101": '甲县, "新区"', "990102": "乙县"}
ds = ogr.Open(tiny, 1)
srs = osr.SpatialReference()
srs.ImportFromEPSG(4543)
lyr = ds.CreateLayer("counties", srs, ogr.wkbMultiPolygon)
for field in ["code", "name"]:
    lyr.CreateField(ogr.FieldDefn(field, ogr.OFTString))
for code, name in names.items():
    geom = ogr.Geometry(ogr.wkbMultiPolygon)
    for vcode, _, col, row, _ in tiny_world.VILLAGES:
        if vcode.startswith(code):
            geom = geom.Union(tiny_world.square(col, row))
    f = ogr.Feature(lyr.GetLayerDefn())
    f.SetField("code", code)
    f.SetField("name", name)
    f.SetGeometry(ogr.ForceToMultiPolygon(geom))
    lyr.CreateFeature(f)
ds = None
tcsv, tjson = os.path.join(work, "tiny.csv"), os.path.join(work, "tiny.json")
r = run("analyze", tiny, "-o", os.path.join(work, "tiny-out.gpkg"), "--csv", tcsv, "--json", tjson)
if check(r.returncode == 0, f"analyze on the tiny world with awkward county names exits 0 ({r.stderr.strip()})"):
    raw = open(tcsv, "rb").read().decode("utf-8")
    check('\r\n990101,"甲县, ""新区""",' in raw, "CSV quotes a name with a comma and doubles its quotes")
    parsed = {t["code"]: t["name"] for t in csv.DictReader(io.StringIO(raw, newline=""))}
    check(parsed == names, f"the csv module reads the names back ({parsed})")
    check({d["code"]: d["name"] for d in json.load(open(tjson, encoding="utf-8"))} == names, "JSON names round-trip")

# A missing folder for --csv is an error before any work, with no output left behind.
missing = os.path.join(work, "no-such-folder", "x.csv")
out = os.path.join(work, "never.gpkg")
r = run("analyze", sample, "-o", out, "--csv", missing)
check(r.returncode != 0 and not os.path.exists(out), f"--csv into a missing folder fails first ({r.returncode})")
finish()
