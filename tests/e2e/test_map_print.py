"""Print layout: `map --paper A4|A3 --orientation landscape|portrait` gives a page of the paper's
size (PNG at --dpi, PDF in points), a stated ratio scale (--scale N, else the round scale that
fits), and a footer with 制图单位 (--org, else a blank line to fill in), the date and the data
sources from the run table. Out-of-range numbers and unknown papers are usage errors."""
import os
import re
import sys
import tempfile

from osgeo import gdal

sys.path.insert(0, os.path.dirname(__file__))
from e2e import GEODATA, check, finish, run  # noqa: E402

gdal.UseExceptions()
SAMPLE = os.path.join(GEODATA, "sample.gpkg")


def texts(path):
    return re.findall(r"<text [^>]*>([^<]*)</text>", open(path, encoding="utf-8").read())


with tempfile.TemporaryDirectory() as tmp:
    gpkg = os.path.join(tmp, "a.gpkg")
    r = run("analyze", SAMPLE, "-o", gpkg)
    check(r.returncode == 0, f"analyze exit 0 ({r.stderr[-500:]})")
    png = os.path.join(tmp, "m.png")
    for paper, orient, dpi, size in (("A4", "landscape", 200, (2339, 1654)), ("A4", "portrait", 200, (1654, 2339)),
                                     ("a3", "landscape", 100, (1654, 1169))):
        r = run("map", gpkg, "-o", png, "--county", "530326", "--paper", paper, "--orientation", orient,
                "--dpi", str(dpi), "--date", "2025-06-01")
        check(r.returncode == 0, f"map {paper} {orient} exit 0 ({r.stderr[-300:]})")
        if r.returncode == 0:
            ds = gdal.Open(png)
            got = (ds.RasterXSize, ds.RasterYSize)
            ds = None
            check(got == size, f"{paper} {orient} at {dpi} dpi is {size} pixels ({got})")
    pdf = os.path.join(tmp, "m.pdf")
    r = run("map", gpkg, "-o", pdf, "--county", "530326", "--paper", "A4", "--date", "2025-06-01")
    box = re.search(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", open(pdf, "rb").read()) if r.returncode == 0 else None
    check(box is not None and abs(float(box.group(1)) - 841.89) < 0.5 and abs(float(box.group(2)) - 595.28) < 0.5,
          f"the A4 PDF page is 297 × 210 mm ({box.groups() if box else r.stderr})")

    svg = os.path.join(tmp, "m.svg")
    r = run("map", gpkg, "-o", svg, "--county", "会泽县", "--paper", "A3", "--scale", "250000",
            "--org", "会泽县科学技术协会", "--date", "2025-06-01")
    check(r.returncode == 0, f"map --scale exit 0 ({r.stderr[-300:]})")
    t = texts(svg) if r.returncode == 0 else []
    footer = [x for x in t if x.startswith("制图单位")]
    check(len(footer) == 1 and "会泽县科学技术协会" in footer[0] and "2025-06-01" in footer[0]
          and "1:250 000" in footer[0], f"footer: unit, date, scale ({footer})")
    check(any(x.startswith("数据来源: sample.gpkg") for x in t), "footer: the data sources from the run table")
    check("比例尺 1:250 000" in t, "the scale bar states the ratio scale")
    r = run("map", gpkg, "-o", svg, "--county", "会泽县", "--paper", "A4", "--date", "2025-06-01")
    t = texts(svg) if r.returncode == 0 else []
    footer = [x for x in t if x.startswith("制图单位")]
    check(len(footer) == 1 and "＿＿＿" in footer[0], f"no --org: a blank line to fill in ({footer})")
    m = re.search(r"1:([\d ]+)$", footer[0]) if footer else None
    n = int(m.group(1).replace(" ", "")) if m else 0
    mantissa = n / 10 ** (len(str(n)) - 1) if n else 0
    check(mantissa in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8), f"the default scale is round (1:{n})")

    for args, what in ((("--scale", "250000"), "--scale without --paper"), (("--dpi", "300"), "--dpi without --paper"),
                       (("--orientation", "portrait"), "--orientation without --paper"), (("--paper", "A5"), "unknown paper"),
                       (("--paper", "A4", "--dpi", "10"), "--dpi below 72"),
                       (("--paper", "A4", "--scale", "10"), "--scale below 1000"),
                       (("--paper", "A4", "--orientation", "sideways"), "unknown orientation")):
        out = os.path.join(tmp, "bad.png")
        r = run("map", gpkg, "-o", out, *args)
        check(r.returncode == 2 and not os.path.exists(out), f"{what}: usage error, no file ({r.returncode}: {r.stderr[-200:]})")
finish()
