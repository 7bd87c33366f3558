"""scicov map and report on the committed sample, after scicov plan: maps in PNG/SVG/PDF with the
asked size and not blank, the same bytes twice, the HTML self-contained (no http(s) src/href),
holding every county code and the per-county tables; and, when Debian's chromium is installed,
loaded headless: a screenshot that is not blank and no console errors."""
import glob
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

from osgeo import ogr

sys.path.insert(0, os.path.dirname(__file__))
from e2e import GEODATA, SCICOV, check, finish, run  # noqa: E402

SAMPLE = os.path.join(GEODATA, "sample.gpkg")


def png_info(path):
    """Width, height and the number of distinct colours (decoded with zlib; 8-bit RGB/RGBA, any filter)."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    channels = {2: 3, 6: 4}[colour]
    assert depth == 8
    raw = zlib.decompress(idat)
    stride = width * channels
    prev = bytearray(stride)
    colours = set()
    non_white = 0
    i = 0
    for _ in range(height):
        f = raw[i]
        line = bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - channels] if x >= channels else 0
            b = prev[x]
            c = prev[x - channels] if x >= channels else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        for x in range(0, stride, channels * 4):  # every 4th pixel is plenty
            px = bytes(line[x:x + 3])
            colours.add(px)
            non_white += px != b"\xff\xff\xff"
        prev = line
    return width, height, len(colours), non_white


with tempfile.TemporaryDirectory() as tmp:
    plan = os.path.join(tmp, "plan.gpkg")
    r = run("plan", SAMPLE, "-o", plan, "--time-limit", "20")
    check(r.returncode == 0, f"plan exit 0 (got {r.returncode}: {r.stderr[-2000:]})")
    if r.returncode != 0:
        finish()
    ds = ogr.Open(plan)
    counties = [(f["code"], f["name"]) for f in ds.GetLayerByName("counties")]
    ds = None
    check(len(counties) == 22, f"22 counties in the sample ({len(counties)})")

    # Maps: every format, the asked width, not blank, deterministic.
    png = os.path.join(tmp, "map.png")
    r = run("map", plan, "-o", png, "--county", "5303", "--width", "1200", "--date", "2025-06-01")
    check(r.returncode == 0, f"map png exit 0 ({r.stderr})")
    w, h, colours, non_white = png_info(png)
    check(w == 1200, f"PNG width 1200 ({w})")
    check(h > 600, f"PNG height plausible ({h})")
    check(colours > 100, f"PNG has many colours ({colours})")
    check(non_white > (w * h // 16) // 4, f"PNG is mostly drawn ({non_white} of {w * h // 16} sampled pixels not white)")
    png2 = os.path.join(tmp, "map2.png")
    run("map", plan, "-o", png2, "--county", "5303", "--width", "1200", "--date", "2025-06-01")
    check(open(png, "rb").read() == open(png2, "rb").read(), "same PNG bytes twice")
    env = dict(os.environ, SOURCE_DATE_EPOCH="1748736000")  # 2025-06-01
    png3 = os.path.join(tmp, "map3.png")
    subprocess.run([SCICOV, "-q", "map", plan, "-o", png3, "--county", "5303", "--width", "1200"], env=env, check=True, capture_output=True)
    check(open(png, "rb").read() == open(png3, "rb").read(), "SOURCE_DATE_EPOCH gives the same map as --date")

    svg = os.path.join(tmp, "map.svg")
    r = run("map", plan, "-o", svg, "--county", "530302", "--type", "e_station", "--date", "2025-06-01")
    check(r.returncode == 0, f"map svg exit 0 ({r.stderr})")
    text = open(svg, encoding="utf-8").read()
    check(">麒麟区</text>" in text, "SVG holds the county name as text")
    import xml.dom.minidom
    try:
        xml.dom.minidom.parseString(text.encode("utf-8"))
        check(True, "")
    except Exception as e:  # noqa: BLE001
        check(False, f"SVG parses as XML ({e})")
    svg2 = os.path.join(tmp, "map2.svg")
    run("map", plan, "-o", svg2, "--county", "530302", "--type", "e_station", "--date", "2025-06-01")
    check(text == open(svg2, encoding="utf-8").read(), "same SVG bytes twice")

    pdf = os.path.join(tmp, "map.pdf")
    r = run("map", plan, "-o", pdf, "--date", "2025-06-01")
    check(r.returncode == 0 and open(pdf, "rb").read(5) == b"%PDF-", "map pdf written")
    check(b"20250601000000" in open(pdf, "rb").read(), "PDF dates are the map's date, not the clock")

    r = run("map", plan, "-o", os.path.join(tmp, "x.jpg"))
    check(r.returncode == 2 and "png" in r.stderr, f"unknown format is a usage error ({r.returncode}: {r.stderr})")
    r = run("map", plan, "-o", os.path.join(tmp, "x.png"), "--county", "999999")
    check(r.returncode == 2 and not os.path.exists(os.path.join(tmp, "x.png")), "unknown county: usage error, no file")
    r = run("map", plan, "-o", os.path.join(tmp, "x.png"), "--type", "library")
    check(r.returncode == 2, "unknown type: usage error")

    # The report.
    html_path = os.path.join(tmp, "report.html")
    r = run("report", plan, "-o", html_path, "--date", "2025-06-01")
    check(r.returncode == 0, f"report exit 0 ({r.stderr})")
    html = open(html_path, encoding="utf-8").read()
    external = re.findall(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", html, re.I)
    check(not external, f"no external references ({external[:3]})")
    check("http://" not in html and "https://" not in html, "no http(s):// anywhere")
    check(html.count('class="county-table"') == 4, "one per-county table per type")
    for code, name in counties:
        check(f'<td class="l">{code}</td><td class="l">{name}</td>' in html, f"county {code} {name} in the tables")
    check(html.count("data:image/png;base64,") >= 1, "maps inline as base64 PNG")
    check("<svg" in html and "polyline" in html, "coverage-vs-sites curve as inline SVG")
    check('class="urban-rural"' in html, "urban vs rural tables")
    check('id="run-table"' in html and "[types.science_room]" in html, "the run table with the rules")
    check("@media print" in html, "print CSS")
    html2 = os.path.join(tmp, "report2.html")
    run("report", plan, "-o", html2, "--date", "2025-06-01")
    check(html == open(html2, encoding="utf-8").read(), "same report bytes twice")

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("note: chromium is not installed; the headless-browser check is skipped (tools/install-deps installs it)")
    else:
        shot = os.path.join(tmp, "report.png")
        profile = tempfile.mkdtemp(dir=tmp)
        r = subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
             "--enable-logging=stderr", "--v=0", f"--screenshot={shot}", "--window-size=1280,2000",
             "file://" + html_path],
            capture_output=True, text=True, timeout=180)
        check(r.returncode == 0 and os.path.exists(shot), f"chromium made a screenshot ({r.returncode})")
        if os.path.exists(shot):
            w, h, colours, non_white = png_info(shot)
            check(w == 1280, f"screenshot width 1280 ({w})")
            check(colours > 20 and non_white > 1000, f"screenshot not blank ({colours} colours, {non_white} drawn)")
        errors = [l for l in r.stderr.splitlines() if "Uncaught" in l or "ERROR:CONSOLE" in l]
        check(not errors, f"no console errors ({errors[:3]})")

finish()
