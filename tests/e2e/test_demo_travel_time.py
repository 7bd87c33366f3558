"""`scicov demo --travel-time` (issue 15, "Done when"): the whole chain on the committed sample
with travel-time rules over its own roads layer — minutes per village in the GeoPackage, isochrone
service areas, the report's travel-time section and the map's legend — and the plain demo's
villages unchanged where the rules do not differ."""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e import check, finish, rows, run  # noqa: E402

tmp = tempfile.mkdtemp(prefix="scicov_demo_tt_")
out = os.path.join(tmp, "tt")
r = run("demo", "--travel-time", "-o", out)
check(r.returncode == 0, f"demo --travel-time exits 0 ({r.stderr[-800:]})")
gpkg = os.path.join(out, "scicov.gpkg")
if r.returncode == 0:
    villages = rows(gpkg, "villages")
    check(len(villages) == 3250, f"every village of the sample ({len(villages)})")
    for t in ("science_base", "e_station"):
        minutes = [v[f"time_{t}_min"] for v in villages if v.get(f"time_{t}_min") is not None]
        check(len(minutes) > 3000, f"{t}: minutes for the villages the roads reach ({len(minutes)})")
        covered = [v for v in villages if v[f"cov_{t}"] == 1]
        check(covered, f"{t}: some villages covered")
    limit = 30.0
    beyond = [v for v in villages if v["time_science_base_min"] is not None and v["time_science_base_min"] > limit
              and v["cov_science_base"] == 1]
    check(not beyond, f"no village covered by a base beyond 30 minutes' drive ({len(beyond)})")
    areas = [a for a in rows(gpkg, "service_areas") if a["type"] == "science_base"]
    check(len(areas) > 0, f"isochrone service areas for science bases ({len(areas)})")
    html = open(os.path.join(out, "report.html"), encoding="utf-8").read()
    check("出行时间" in html and "分钟" in html, "the report shows minutes")
    check(os.path.getsize(os.path.join(out, "map.png")) > 10_000, "the map is drawn")
    check("scicov demo" in r.stdout and "webmap.html" in r.stdout, "demo says what it wrote")
finish()
