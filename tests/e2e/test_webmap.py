"""scicov webmap in a real browser: `scicov demo` writes the web map, `scicov webmap` writes the
same page into a folder; Debian's headless Chromium, driven through the DevTools protocol by
puppeteer-core (tests/e2e/webmap_driver.js), loads it from file:// with no console errors, draws
as many facility markers as the GeoPackage holds, finds a village by name and opens its popup
with the GeoPackage's coverage values, hides a facility type with the layer switcher, downloads
the facilities as CSV and GeoJSON, and the screenshot is not blank. Skipped without chromium,
node or the npm registry (puppeteer-core is fetched into .cache/web/ by tools/fetch-web-libs)."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

from osgeo import gdal, ogr

sys.path.insert(0, os.path.dirname(__file__))
from e2e import SCICOV, check, finish, rows, run  # noqa: E402

SOURCE = os.environ.get("SCICOV_SOURCE", os.path.join(os.path.dirname(__file__), "..", ".."))
CHROMIUM = "/usr/bin/chromium"


def distinct_colours(png):
    """Distinct RGB colours of a PNG, read with GDAL."""
    ds = gdal.Open(png)
    bands = [ds.GetRasterBand(i + 1).ReadRaster() for i in range(3)]
    return len(set(zip(*bands)))


def pick_village(gpkg, types):
    """A village whose name is unique in the file and whose coverage differs between types."""
    counts = {}
    villages = rows(gpkg, "villages")
    for v in villages:
        counts[v["name"]] = counts.get(v["name"], 0) + 1
    for v in sorted(villages, key=lambda v: v["code"]):
        covs = {v["cov_" + t] for t in types}
        if counts[v["name"]] == 1 and len(covs) == 2 and len(v["name"]) >= 3:
            return v
    return None


def main():
    if not os.path.exists(CHROMIUM) or shutil.which("node") is None:
        print("skipped: needs /usr/bin/chromium and node")
        return finish()
    fetch = subprocess.run([os.path.join(SOURCE, "tools", "fetch-web-libs"), "--test"], capture_output=True, text=True)
    if fetch.returncode != 0:
        print("skipped: cannot fetch puppeteer-core:", fetch.stderr[-500:])
        return finish()
    puppeteer = os.path.join(SOURCE, ".cache", "web", "puppeteer")

    tmp = tempfile.mkdtemp(prefix="scicov-webmap-")
    try:
        demo = run("demo", "-o", os.path.join(tmp, "demo"))
        check(demo.returncode == 0, f"demo exits 0 ({demo.stderr[-300:]})")
        page = os.path.join(tmp, "demo", "webmap.html")
        check(os.path.exists(page) and f"wrote {page}" in demo.stdout, "demo writes webmap.html and says where")
        gpkg = os.path.join(tmp, "demo", "scicov.gpkg")

        folder = run("webmap", gpkg, "-o", os.path.join(tmp, "site"))
        index = os.path.join(tmp, "site", "index.html")
        check(folder.returncode == 0 and os.path.exists(index), "webmap -o DIR writes DIR/index.html")
        check(open(index, "rb").read() == open(page, "rb").read(), "the folder's page has the same bytes as demo's")
        html = open(page, encoding="utf-8").read()
        check("<script src" not in html and "<link" not in html, "the page loads nothing from elsewhere")
        bad = run("webmap", gpkg, "-o", os.path.join(tmp, "x.html"), "--simplify-m", "-3")
        check(bad.returncode == 2, "a negative tolerance is a usage error (exit 2)")

        facilities = rows(gpkg, "facilities")
        types = []
        for f in facilities:
            if f["type"] not in types:
                types.append(f["type"])
        type_zh = {f["type"]: f["type_zh"] for f in facilities}
        village = pick_village(gpkg, types)
        check(village is not None, "the sample has a village with a unique name and mixed coverage")
        toggle = types[-1]

        out_dir = os.path.join(tmp, "browser")
        os.makedirs(out_dir)
        config = os.path.join(tmp, "driver.json")
        with open(config, "w", encoding="utf-8") as f:
            json.dump({"puppeteer": puppeteer, "url": "file://" + page, "out_dir": out_dir,
                       "village": village["name"], "toggle_type": toggle}, f, ensure_ascii=False)
        driver = subprocess.run(["node", os.path.join(os.path.dirname(__file__), "webmap_driver.js"), config],
                                capture_output=True, text=True, timeout=600)
        if not check(driver.returncode == 0, f"the driver runs ({driver.stderr[-800:]})"):
            return finish()
        seen = json.loads(driver.stdout)
        print("timing:", json.dumps(seen["timing"]), "wall", seen["load_wall_ms"], "ms, page", os.path.getsize(page), "bytes")

        check(seen["console_errors"] == [], f"no console errors: {seen['console_errors'][:3]}")
        check(seen["failed_requests"] == [], f"no failed requests: {seen['failed_requests'][:3]}")
        drawn = seen["drawn_initial"]
        check(drawn["facilities"] == len(facilities),
              f"facility markers drawn {drawn['facilities']} = facilities in the GeoPackage {len(facilities)}")
        check(drawn["villages"] == len(rows(gpkg, "villages")), "every village is drawn")
        options = [o["text"] for o in seen["type_options"]]
        check(all(any(o.startswith(type_zh[t]) for o in options) for t in types),
              f"the type selector names the types as the GeoPackage does: {options}")
        check(any(lbl.startswith("县界") for lbl in seen["layer_labels"]), "the layer switcher lists the county borders")
        check("覆盖" in seen["legend"] and "coverage" in seen["legend"], "a legend in Chinese and English")

        check(seen["search_picked"], f"the search for {village['name']} lists the village: {seen['search_results'][:5]}")
        popup = seen.get("popup") or {}
        check(popup.get("code") == village["code"], f"the popup is the village's ({popup.get('code')})")
        check(popup.get("population") == f"{round(village['population']):,}",
              f"the popup shows its people ({popup.get('population')} vs {village['population']})")
        by_type = {r["type"]: r for r in popup.get("rows", [])}
        for t in types:
            r = by_type.get(t)
            if not check(r is not None, f"the popup has a row for {t}"):
                continue
            check(r["cov"] == village["cov_" + t], f"{t}: covered {r['cov']} = cov_{t} {village['cov_' + t]}")
            dist = village.get(f"dist_{t}_m")
            check(dist is None or abs(r["dist"] - dist) <= 0.5,  # the page keeps whole metres
                  f"{t}: distance {r['dist']} = dist_{t}_m {dist}")
            check(("✓" in r["text"]) == bool(village["cov_" + t]), f"{t}: the popup says covered or not")
        check(seen.get("zoom_after_search", 0) >= 11, "the search zoomed to the village")

        check(not seen["toggle_checked"] and not seen["toggle_on_map"], f"the layer switcher hides {toggle}")
        hidden = sum(1 for f in facilities if f["type"] == toggle)
        check(seen["drawn_after_toggle"]["facilities"] == len(facilities) - hidden,
              f"after the toggle {seen['drawn_after_toggle']['facilities']} markers = {len(facilities)} - {hidden}")

        downloads = {os.path.splitext(d)[1]: os.path.join(out_dir, d) for d in seen["downloads"]}
        if check(set(downloads) == {".csv", ".geojson"}, f"both downloads saved: {seen['downloads']}"):
            lines = open(downloads[".csv"], encoding="utf-8-sig").read().splitlines()
            check(len(lines) == len(facilities) + 1, f"the CSV has a header and {len(facilities)} rows ({len(lines)})")
            check(lines[0].endswith(",lon,lat") and "name" in lines[0].split(","), f"CSV header: {lines[0]}")
            ds = ogr.Open(downloads[".geojson"])
            check(ds is not None and ds.GetLayer(0).GetFeatureCount() == len(facilities), "GDAL reads the GeoJSON")

        colours = distinct_colours(seen["screenshot"])
        check(colours >= 50, f"the screenshot is not blank ({colours} colours)")
        shutil.copy(seen["screenshot"], os.path.join(tempfile.gettempdir(), "scicov-webmap-screenshot.png"))
        popup_png = os.path.join(out_dir, "webmap-popup.png")
        if os.path.exists(popup_png):
            shutil.copy(popup_png, os.path.join(tempfile.gettempdir(), "scicov-webmap-popup.png"))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    finish()


main()
