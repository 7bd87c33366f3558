"""OpenStreetMap .osm.pbf as the roads source, on every run: a slice of the sample's own roads
(four Panzhihua counties) written as OSM XML by tools/geodata/roads-to-osm and converted by
osmium-tool gives the same minutes per village as the same roads read from a GeoPackage (within
a second; OSM keeps 7 decimals, ~1 cm). The slice holds divided roads (oneway yes / -1), speed
limits and shared nodes at junctions, so the OSM driver path reads every attribute it maps."""
import os
import shutil
import subprocess
import sys
import tempfile

from osgeo import gdal

sys.path.insert(0, os.path.dirname(__file__))
from e2e import GEODATA, check, finish, rows, run  # noqa: E402

SOURCE = os.environ.get("SCICOV_SOURCE", os.path.join(os.path.dirname(__file__), "..", ".."))
SAMPLE = os.path.join(GEODATA, "sample.gpkg")
COUNTIES = ["510402", "510403", "510411", "510421"]
COLUMNS = ["time_science_base_min", "time_e_station_min"]
ONE_SECOND_MIN = 1.0 / 60.0


def minutes(out):
    return {v["code"]: v for v in rows(out, "villages")}


with tempfile.TemporaryDirectory() as tmp:
    where = "county_code IN (" + ",".join(f"'{c}'" for c in COUNTIES) + ")"
    sliced = os.path.join(tmp, "slice.gpkg")
    gdal.VectorTranslate(sliced, SAMPLE, layers=["roads"], where=where, format="GPKG")
    osm = os.path.join(tmp, "slice.osm")
    pbf = os.path.join(tmp, "slice.osm.pbf")
    args = [sys.executable, os.path.join(SOURCE, "tools", "geodata", "roads-to-osm"), SAMPLE, osm]
    for c in COUNTIES:
        args += ["--county", c]
    r = subprocess.run(args, capture_output=True, text=True)
    check(r.returncode == 0, f"roads-to-osm exit 0 ({r.stderr})")
    with open(osm, encoding="utf-8") as f:
        text = f.read()
    for tag in ('k="oneway" v="yes"', 'k="oneway" v="-1"', 'k="maxspeed"', 'v="trunk"', 'v="residential"'):
        check(tag in text, f"the slice's OSM holds {tag}")
    osmium = shutil.which("osmium")
    check(osmium is not None, "osmium-tool is installed (tools/install-deps)")
    if osmium:
        r = subprocess.run([osmium, "cat", "-O", osm, "-o", pbf], capture_output=True, text=True)
        check(r.returncode == 0, f"osmium cat exit 0 ({r.stderr})")

    rules = os.path.join(tmp, "tt.toml")
    r = run("rules", "--travel-time")
    check(r.returncode == 0, "scicov rules --travel-time")
    with open(rules, "w", encoding="utf-8") as f:
        f.write(r.stdout)
    county_args = [a for c in COUNTIES for a in ("--county", c)]
    from_gpkg = os.path.join(tmp, "gpkg.gpkg")
    from_osm = os.path.join(tmp, "osm.gpkg")
    r = run("analyze", SAMPLE, "--rules", rules, "--layer", f"roads={sliced}:roads", *county_args, "-o", from_gpkg)
    check(r.returncode == 0, f"analyze with GeoPackage roads exit 0 ({r.stderr})")
    r = run("analyze", SAMPLE, "--rules", rules, "--layer", f"roads={pbf}", *county_args, "-o", from_osm)
    check(r.returncode == 0, f"analyze with .osm.pbf roads exit 0 ({r.stderr})")

    if os.path.exists(from_gpkg) and os.path.exists(from_osm):
        a, b = minutes(from_gpkg), minutes(from_osm)
        check(len(a) > 150 and a.keys() == b.keys(), f"the same villages ({len(a)}, {len(b)})")
        for column in COLUMNS:
            worst = 0.0
            reached = 0
            for code, va in a.items():
                ta, tb = va.get(column), b[code].get(column)
                if ta is None or tb is None:
                    check(ta is None and tb is None, f"{code} {column}: {ta} vs {tb}")
                    continue
                reached += 1
                worst = max(worst, abs(ta - tb))
            check(reached > 150, f"{column}: {reached} villages reach a facility over the roads")
            check(worst <= ONE_SECOND_MIN, f"{column}: largest difference {worst * 60:.3f} s (at most 1 s)")
            print(f"{column}: {reached} villages, largest difference {worst * 60:.4f} s")

finish()
