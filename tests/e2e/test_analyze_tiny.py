"""scicov analyze on a hand-computed world (tiny_world.py): coverage by every rule, area
fractions, gap areas and people, summaries against targets, and the output contract."""
import math
import os
import subprocess
import sys
import tempfile

from osgeo import ogr

sys.path.insert(0, os.path.dirname(__file__))
import tiny_world  # noqa: E402
from e2e import check, finish, rows, run  # noqa: E402


def close(a, b, rel=1e-3, abs_=1e-6):
    return abs(a - b) <= max(abs_, rel * abs(b))


with tempfile.TemporaryDirectory() as tmp:
    world = os.path.join(tmp, "tiny.gpkg")
    tiny_world.write(world)
    out = os.path.join(tmp, "out.gpkg")
    r = run("analyze", world, "-o", out)
    check(r.returncode == 0, f"analyze exit 0 (got {r.returncode}: {r.stderr})")
    v = {row["code"]: row for row in rows(out, "villages")}
    check(len(v) == 5, "five villages written")

    # science_room (contains): V1 and V3 hold one.
    check([v[c]["cov_science_room"] for c in sorted(v)] == [1, 0, 1, 0, 0], "science rooms cover V1 and V3")
    # science_museum (admin, county): the museum in 990101 covers its four villages, not V5.
    check([v[c]["cov_science_museum"] for c in sorted(v)] == [1, 1, 1, 1, 0], "museum covers county 990101")
    # science_base (radius 20 km from the village point): base at (5100, 5000); V5's point is
    # 19.9 km away in the neighbouring county and still counts.
    check(all(v[c]["cov_science_base"] == 1 for c in v), "base reaches all five (neighbour county too)")
    check(close(v["990102001001"]["dist_science_base_m"], 19_900, rel=1e-4), "distance to base 19.9 km")
    check(close(v["990101002002"]["dist_science_base_m"], math.hypot(9_900, 10_000), rel=1e-4), "V4 base distance")
    # e_station (radius 2 km): only V1's point is within 2 km of an e-station.
    check([v[c]["cov_e_station"] for c in sorted(v)] == [1, 0, 0, 0, 0], "e-station covers V1 only")
    check(close(v["990101001002"]["dist_e_station_m"], 5_000, rel=1e-4), "V2 is 5 km from e2")

    # Area fractions: e1's disc lies inside V1, e2's is split in half by the V1|V2 border. Both
    # stand in V1 (e2 on the border goes to the lower code), and an e-station covers the village
    # holding it (covers_own_village): V1 is served whole.
    disc = math.pi * 2_000 ** 2
    village_area = 10_000 ** 2
    check(close(v["990101001001"]["area_m2"], village_area, rel=1e-5), "village area 100 km2")
    check(close(v["990101001001"]["frac_e_station"], 1.0), "V1 e-station area share: the whole village")
    check(close(v["990101001002"]["frac_e_station"], 0.5 * disc / village_area, rel=2e-3), "V2 e-station area share")
    check(v["990101002001"]["frac_e_station"] == 0, "V3 e-station area share 0")

    # Gaps: village area outside every service area, people spread by area.
    gaps = {(g["type"], g["township_code"]): g for g in rows(out, "gaps")}
    g = gaps[("e_station", "990101001")]
    expect_area = village_area - 0.5 * disc  # V2 less e2's half disc; V1 is served whole
    check(close(g["area_m2"], expect_area, rel=2e-3), f"e-station gap area in township 001 ({g['area_m2']} vs {expect_area})")
    expect_people = 800 * (1 - 0.5 * disc / village_area)
    check(close(g["population"], expect_people, rel=2e-3), "people in the e-station gap")
    check(close(gaps[("science_room", "990101002")]["area_m2"], village_area, rel=1e-5), "room gap: V4 only")
    check(("science_base", "990101001") not in gaps, "no base gap where the 20 km disc covers all")
    check(("science_museum", "990102001") in gaps and ("science_museum", "990101001") not in gaps, "museum gap in 990102")

    # Counties against targets.
    c = {row["code"]: row for row in rows(out, "counties")}
    a = c["990101"]
    check(a["villages"] == 4 and a["population"] == 14900, "county 990101 totals")
    check(a["villages_cov_science_room"] == 2 and close(a["share_science_room"], 0.5), "room share 0.5")
    check(a["met_science_room"] == 0 and a["gap_science_room"] == 2, "room target (1.0 of villages) short by 2")
    check(a["met_science_museum"] == 1 and c["990102"]["met_science_museum"] == 0, "museum target met in 甲县 only")
    check(a["met_science_base"] == 1 and close(a["share_science_base"], 1.0), "base target met")
    check(a["met_e_station"] == 0 and a["gap_e_station"] == 3, "e-station: 1 of 4 villages, 90% needs 4 → gap 3")
    check(close(a["share_urban_science_room"], 1.0) and close(a["share_rural_science_room"], 1 / 3), "urban vs rural")
    check(a["name"] == "甲县" or a["name"] == "", "county name kept")
    t = {row["code"]: row for row in rows(out, "townships")}
    check(t["990101002"]["name"] == "北山彝族乡", "township names kept in UTF-8")
    # Priority: villages of an ethnic township (族乡) weigh 1.5.
    check(v["990101002001"]["priority"] == 1.5 and v["990101002002"]["priority"] == 1.5, "族乡 priority 1.5")

    # Facilities: reach per facility.
    f = {row["id"]: row for row in rows(out, "facilities")}
    check(f["b1"]["villages_reached"] == 5 and f["b1"]["pop_reached"] == 15800, "base reaches 5 villages")
    check(f["m1"]["villages_reached"] == 4 and f["m1"]["county_code"] == "990101", "museum reaches its county")
    check(f["e2"]["villages_reached"] == 1, "e2 reaches no village point but covers V1, which holds it")

    # min_area_fraction: with 0.15 of the area required, V1 (0.188) is covered and V2 (0.063) is not.
    rules = os.path.join(tmp, "rules.toml")
    with open(rules, "w") as fh:
        fh.write("[types.e_station]\nmin_area_fraction = 0.15\n")
    out2 = os.path.join(tmp, "out2.gpkg")
    r = run("analyze", world, "-o", out2, "--rules", rules)
    check(r.returncode == 0, f"analyze with area rule (got {r.returncode}: {r.stderr})")
    if r.returncode == 0:
        v2 = {row["code"]: row for row in rows(out2, "villages")}
        check([v2[c]["cov_e_station"] for c in sorted(v2)] == [1, 0, 0, 0, 0], "area rule covers V1 only")
        with open(rules, "w") as fh:
            fh.write("[types.e_station]\nmin_area_fraction = 0.05\n")
        r = run("analyze", world, "-o", out2, "--rules", rules)
        v2 = {row["code"]: row for row in rows(out2, "villages")}
        check([v2[c]["cov_e_station"] for c in sorted(v2)] == [1, 1, 0, 0, 0], "5% rule covers V1 and V2")

    # Output contract: every layer in EPSG:4490 with lon/lat near 102°E, 26.5°N.
    ds = ogr.Open(out)
    names = [ds.GetLayer(i).GetName() for i in range(ds.GetLayerCount())]
    for layer in ["villages", "townships", "counties", "facilities", "service_areas", "gaps", "run"]:
        check(layer in names, f"layer {layer} present")
    for layer in ["villages", "counties", "gaps", "facilities"]:
        srs = ds.GetLayerByName(layer).GetSpatialRef()
        check(srs is not None and srs.GetAuthorityCode(None) == "4490", f"{layer} in EPSG:4490")
    ext = ds.GetLayerByName("villages").GetExtent()
    check(101.9 < ext[0] < 102.5 and 26.3 < ext[2] < 26.7, f"villages extent in degrees {ext}")
    run_rows = {row["key"]: row["value"] for row in rows(out, "run")}
    check("rules" in run_rows and "scicov_version" in run_rows, "run table has rules and version")
    ds = None

    # GDAL's GeoPackage validator accepts the file, and ogrinfo reads every layer back.
    v = subprocess.run(["/usr/bin/python3", "-m", "osgeo_utils.samples.validate_gpkg", out], capture_output=True, text=True)
    check(v.returncode == 0 and v.stdout.strip() == "" and v.stderr.strip() == "", f"validate_gpkg: {v.stdout} {v.stderr}")
    info = subprocess.run(["ogrinfo", "-ro", "-al", "-so", out], capture_output=True, text=True)
    check(info.returncode == 0 and "Layer name: gaps" in info.stdout, "ogrinfo reads the output back")

    # Chinese aliases in the GeoPackage schema extension (read with plain sqlite3).
    import sqlite3
    con = sqlite3.connect(out)
    aliases = dict(((t, c), n) for t, c, n in con.execute("SELECT table_name, column_name, name FROM gpkg_data_columns"))
    ext = con.execute("SELECT count(*) FROM gpkg_extensions WHERE extension_name = 'gpkg_schema'").fetchone()[0]
    con.close()
    check(aliases.get(("villages", "population")) == "人口", "alias 人口 for villages.population")
    check(aliases.get(("counties", "share_science_room")) == "村(社区)科普室覆盖率", "alias for counties.share_science_room")
    check(ext == 2, "schema extension registered")

    # Same input ⇒ same bytes.
    out3 = os.path.join(tmp, "again", "out.gpkg")  # same name: the embedded QGIS project names its file
    os.makedirs(os.path.dirname(out3))
    run("analyze", world, "-o", out3)
    check(open(out, "rb").read() == open(out3, "rb").read(), "two runs give identical GeoPackages")

finish()
