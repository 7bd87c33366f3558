"""Township names label the map at a density that follows the scale (a county map names most of
its townships, a city map fewer per county, names never overlap), and a locator inset shows the
county within its city (or within the file's counties when the map spans several cities)."""
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from e2e import GEODATA, check, finish, rows, run  # noqa: E402

SAMPLE = os.path.join(GEODATA, "sample.gpkg")


def labels(svg_text):
    """The text elements: (x, y, size, text)."""
    return [(float(x), float(y), float(s), t) for x, y, s, t in
            re.findall(r'<text x="([\d.]+)" y="([\d.]+)" font-size="([\d.]+)"[^>]*>([^<]*)</text>', svg_text)]


with tempfile.TemporaryDirectory() as tmp:
    gpkg = os.path.join(tmp, "a.gpkg")
    r = run("analyze", SAMPLE, "-o", gpkg)
    check(r.returncode == 0, f"analyze exit 0 ({r.stderr[-500:]})")
    townships = [t for t in rows(gpkg, "townships") if t["code"].startswith("530326")]
    names = {t["name"] for t in townships}
    check(len(names) > 10, f"会泽县 has townships in the sample ({len(names)})")

    def svg(*args):
        path = os.path.join(tmp, "m.svg")
        r = run("map", gpkg, "-o", path, "--date", "2025-06-01", *args)
        check(r.returncode == 0, f"map {args} exit 0 ({r.stderr[-300:]})")
        return open(path, encoding="utf-8").read() if r.returncode == 0 else ""

    county = labels(svg("--county", "530326"))
    named = {t for *_, t in county if t in names}
    check(len(named) >= len(names) // 2, f"a county map names most of its townships ({len(named)} of {len(names)})")
    city = labels(svg("--county", "5303"))
    named_city = {t for *_, t in city if t in names}
    check(len(named_city) < len(named), f"a city map names fewer of them ({len(named_city)} < {len(named)})")
    check(any(t == "位置 所在市" for *_, t in county), "a county map has the locator of its city")
    check(any(t == "位置 全部县(市、区)" for *_, t in labels(svg("--county", "530326", "--county", "510402"))),
          "a map across cities has the locator of every county")
    check(any(t == "位置 全部县(市、区)" for *_, t in city), "a map of a whole city has the locator of every county")
    check(not any(t.startswith("位置") for *_, t in labels(svg())), "no locator when the map shows every county")
    # Township names in the county map do not overlap one another (boxes from the text size).
    boxes = [(x - len(t) * s / 2, y - s, x + len(t) * s / 2, y) for x, y, s, t in county if t in names]
    overlaps = sum(1 for i, a in enumerate(boxes) for b in boxes[i + 1:]
                   if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])
    check(overlaps == 0, f"township names do not overlap ({overlaps})")
finish()
