"""Output extensions are compared in lower case, by one check: `-o out.GPKG` writes a GeoPackage,
`--sites sites.Xlsx` an XLSX workbook and `--sites sites.CSV` a CSV with a BOM, exactly as their
lower-case spellings do; another extension is a usage error (exit 2) and nothing is written."""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from e2e import GEODATA, check, finish, run  # noqa: E402
from osgeo import gdal, ogr  # noqa: E402

gdal.UseExceptions()
work = tempfile.mkdtemp(prefix="scicov-extensions-")
sample = os.path.join(GEODATA, "sample.gpkg")
COUNTY = ["--county", "510403"]


def plan(out, sites):
    return run("plan", sample, *COUNTY, "-o", os.path.join(work, out), "--sites", os.path.join(work, sites))


for out, sites in [("lower.gpkg", "sites.xlsx"), ("UPPER.GPKG", "Sites.Xlsx")]:
    r = plan(out, sites)
    if not check(r.returncode == 0, f"plan -o {out} --sites {sites} exits 0 ({r.stderr.strip()[-200:]})"):
        continue
    gpkg = gdal.OpenEx(os.path.join(work, out), gdal.OF_VECTOR)
    check(gpkg.GetDriver().ShortName == "GPKG", f"{out} is a GeoPackage")
    gpkg = None
    raw = open(os.path.join(work, sites), "rb").read()
    check(raw[:2] == b"PK", f"{sites} is a workbook (a zip), not CSV text")
    book = gdal.OpenEx(os.path.join(work, sites), gdal.OF_VECTOR)
    check(book.GetDriver().ShortName == "XLSX" and book.GetLayerByName("规划点位清单") is not None,
          f"{sites}: GDAL reads it as XLSX with the sheet 规划点位清单")
    book = None

lower = open(os.path.join(work, "sites.xlsx"), "rb").read() if os.path.exists(os.path.join(work, "sites.xlsx")) else b""
upper = open(os.path.join(work, "Sites.Xlsx"), "rb").read() if os.path.exists(os.path.join(work, "Sites.Xlsx")) else b"?"
check(lower == upper, ".Xlsx and .xlsx give the same bytes")

for sites in ["sites.csv", "SITES.CSV"]:
    r = plan("csv.gpkg", sites)
    raw = open(os.path.join(work, sites), "rb").read() if r.returncode == 0 else b""
    check(r.returncode == 0 and raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw, f"--sites {sites}: CSV with a BOM and CRLF")

for args, what in [(["-o", os.path.join(work, "bad.shp")], "-o out.shp"),
                   (["-o", os.path.join(work, "bad.gpkg"), "--sites", os.path.join(work, "s.txt")], "--sites s.txt"),
                   (["-o", os.path.join(work, "bad.gpkg"), "--sites", os.path.join(work, "s.XLS")], "--sites s.XLS")]:
    before = set(os.listdir(work))
    r = run("plan", sample, *COUNTY, *args)
    check(r.returncode == 2 and set(os.listdir(work)) == before, f"{what}: a usage error, nothing written ({r.stderr.strip()})")

finish()
