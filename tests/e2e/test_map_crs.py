"""scicov map and report read an output written in any CRS (--out-crs): the analysis of the sample
written in EPSG:4543 (a projected Gauss-Krueger zone) is drawn as the one written in lon/lat
(EPSG:4490): the same size and, up to anti-aliasing, the same pixels; the report is written too."""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from e2e import GEODATA, check, finish, png_pixels as pixels, run  # noqa: E402

SAMPLE = os.path.join(GEODATA, "sample.gpkg")

with tempfile.TemporaryDirectory() as tmp:
    maps = {}
    for crs in ("EPSG:4490", "EPSG:4543"):
        folder = os.path.join(tmp, crs.replace(":", "_"))
        os.mkdir(folder)
        gpkg = os.path.join(folder, "out.gpkg")  # one name: the footer names the file
        r = run("analyze", SAMPLE, "--out-crs", crs, "-o", gpkg)
        check(r.returncode == 0, f"analyze --out-crs {crs} exit 0 ({r.stderr[-500:]})")
        png = os.path.join(tmp, crs.replace(":", "_") + ".png")
        r = run("map", gpkg, "-o", png, "--county", "5303", "--date", "2025-06-01")
        check(r.returncode == 0, f"map of the {crs} output exit 0 ({r.stderr[-500:]})")
        maps[crs] = png
        html = os.path.join(tmp, crs.replace(":", "_") + ".html")
        r = run("report", gpkg, "-o", html, "--date", "2025-06-01")
        check(r.returncode == 0 and os.path.exists(html), f"report of the {crs} output exit 0 ({r.stderr[-500:]})")
        if os.path.exists(html):
            check("data:image/png;base64," in open(html, encoding="utf-8").read(), f"{crs} report holds its maps")
    if all(os.path.exists(p) for p in maps.values()):
        w1, h1, a = pixels(maps["EPSG:4490"])
        w2, h2, b = pixels(maps["EPSG:4543"])
        check((w1, h1) == (w2, h2), f"same map size ({w1}x{h1} vs {w2}x{h2})")
        if (w1, h1) == (w2, h2):
            differ = int((a != b).any(axis=0).sum())
            # Anti-aliasing and a label placed a pixel apart; a misplaced layer differs in far more.
            check(differ < 0.03 * w1 * h1, f"the EPSG:4543 map draws what the EPSG:4490 one does ({differ} of {w1 * h1} pixels differ)")
finish()
