"""Population from its own layer (--layer population=FILE): a raster of people per cell summed
over each village with edge cells by area, cross-checked against Python OGR (each cell a polygon,
intersected with the village) and against constant-density rasters (people = density × area) in
a geographic and a projected CRS; a table joined by village code (CSV and XLSX, Chinese headers),
with villages missing from it and duplicate codes as errors; and a population target over
villages without people an error on every path (no field, all NULL, all-zero raster, all-zero
table) — never "met"."""
import csv
import math
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from e2e import GEODATA, check, finish, rows, run  # noqa: E402
from osgeo import gdal, ogr, osr  # noqa: E402

gdal.UseExceptions()
work = tempfile.mkdtemp(prefix="scicov-population-")
sample = os.path.join(GEODATA, "sample.gpkg")
COUNTY = "510403"  # 26 villages
NODATA = -99999.0


def sample_villages():
    """code → (name, OGR polygon in lon/lat) of the county's villages, read from the sample."""
    ds = ogr.Open(sample)
    out = {}
    for f in ds.GetLayerByName("villages"):
        if f["code"].startswith(COUNTY):
            g = f.GetGeometryRef().Clone()
            g.AssignSpatialReference(None)
            out[f["code"]] = (f["name"], g)
    return out


VILLAGES = sample_villages()


def extent(geoms, margin):
    env = [min(g.GetEnvelope()[0] for g in geoms), max(g.GetEnvelope()[1] for g in geoms),
           min(g.GetEnvelope()[2] for g in geoms), max(g.GetEnvelope()[3] for g in geoms)]
    return env[0] - margin, env[1] + margin, env[2] - margin, env[3] + margin


def write_raster(path, epsg, x0, y1, cell, nx, ny, value):
    """A Float32 GeoTIFF north-up from (x0, y1), value(col, row) per cell, nodata NODATA."""
    ds = gdal.GetDriverByName("GTiff").Create(path, nx, ny, 1, gdal.GDT_Float32)
    ds.SetGeoTransform([x0, cell, 0, y1, 0, -cell])
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(epsg)
    ds.SetProjection(srs.ExportToWkt())
    band = ds.GetRasterBand(1)
    band.SetNoDataValue(NODATA)
    data = [[value(c, r) for c in range(nx)] for r in range(ny)]
    import numpy  # python3-numpy comes with python3-gdal

    band.WriteArray(numpy.array(data, dtype=numpy.float32))
    ds = None
    return data


def analyze(name, *args):
    out = os.path.join(work, name + ".gpkg")
    r = run("analyze", sample, "--county", COUNTY, "-o", out, *args)
    return r, out


def people_out(out):
    return {code: v["population"] for code, v in rows(out, "villages", "code").items()}


def close(a, b, rel=1e-6, abs_=1e-6):
    return abs(a - b) <= max(abs_, rel * max(abs(a), abs(b)))


# ---- a raster of varying values with nodata: per-cell polygons intersected in Python -------------
x0, x1, y0, y1 = extent([g for _, g in VILLAGES.values()], 0.004)
CELL = 0.0015  # not a multiple of the sample's 1/1024° grid: most village edges cut cells
nx, ny = math.ceil((x1 - x0) / CELL), math.ceil((y1 - y0) / CELL)


def varying(c, r):
    if (c * 7 + r * 3) % 23 == 0:
        return NODATA
    return float((c * 13 + r * 29) % 97) + 0.5


tif = os.path.join(work, "pop.tif")
values = write_raster(tif, 4326, x0, y1, CELL, nx, ny, varying)


def expected_sum(geom):
    """Independent: every cell under the village's envelope as an OGR polygon, its intersection's
    area over the cell's, times the value; nodata skipped."""
    minx, maxx, miny, maxy = geom.GetEnvelope()
    total = 0.0
    for r in range(max(0, int((y1 - maxy) / CELL) - 1), min(ny, int((y1 - miny) / CELL) + 2)):
        for c in range(max(0, int((minx - x0) / CELL) - 1), min(nx, int((maxx - x0) / CELL) + 2)):
            v = values[r][c]
            if v == NODATA:
                continue
            cx0, cy1 = x0 + c * CELL, y1 - r * CELL
            ring = ogr.Geometry(ogr.wkbLinearRing)
            for x, y in [(cx0, cy1), (cx0 + CELL, cy1), (cx0 + CELL, cy1 - CELL), (cx0, cy1 - CELL), (cx0, cy1)]:
                ring.AddPoint_2D(x, y)
            cell = ogr.Geometry(ogr.wkbPolygon)
            cell.AddGeometry(ring)
            part = geom.Intersection(cell)
            if part is not None and not part.IsEmpty() and part.GetDimension() == 2:
                total += float(v) * part.GetArea() / (CELL * CELL)
    return total


r, out = analyze("raster", "--layer", "population=" + tif)
if check(r.returncode == 0, f"analyze --layer population=RASTER exits 0 ({r.stderr.strip()[-300:]})"):
    got = people_out(out)
    check(sorted(got) == sorted(VILLAGES), f"every village of {COUNTY} is in the output ({len(got)})")
    bad = [(code, got.get(code), round(expected_sum(g), 3)) for code, (_, g) in VILLAGES.items()
           if not close(got.get(code, -1), expected_sum(g))]
    check(not bad, f"raster sums agree with per-cell OGR intersections in all {len(VILLAGES)} villages ({bad[:3]})")
    edge = sum(1 for _, g in VILLAGES.values() if abs(g.GetArea() / CELL**2 - round(g.GetArea() / CELL**2)) > 1e-6)
    check(edge > 0, f"villages cut cells at their edges ({edge})")
    counties = rows(out, "counties", "code")
    check(close(counties[COUNTY]["population"], sum(got.values())), "the county's population is its villages' sum")

# ---- constant density: people = density × area, in lon/lat and in a projected CRS -----------------
DENSITY = 40.0
tif_const = os.path.join(work, "const4326.tif")
write_raster(tif_const, 4326, x0, y1, CELL, nx, ny, lambda c, r: DENSITY)
r, out = analyze("const4326", "--layer", "population=" + tif_const)
if check(r.returncode == 0, f"constant raster (EPSG:4326) exits 0 ({r.stderr.strip()[-300:]})"):
    got = people_out(out)
    bad = [c for c, (_, g) in VILLAGES.items() if not close(got[c], DENSITY * g.GetArea() / CELL**2, 1e-9)]
    check(not bad, f"EPSG:4326: each village holds density × its area in cells ({bad[:3]})")

gk = osr.SpatialReference()
gk.ImportFromEPSG(4543)  # CGCS2000 3-degree Gauss-Kruger, CM 102E
gk.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)  # easting first, as the raster's x
lonlat = osr.SpatialReference()
lonlat.ImportFromEPSG(4490)
lonlat.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
to_gk = osr.CoordinateTransformation(lonlat, gk)
projected = {c: g.Clone() for c, (_, g) in VILLAGES.items()}
for g in projected.values():
    g.Transform(to_gk)
px0, px1, py0, py1 = extent(list(projected.values()), 500)
CELL_M = 100.0
tif_gk = os.path.join(work, "const4543.tif")
write_raster(tif_gk, 4543, px0, py1, CELL_M, math.ceil((px1 - px0) / CELL_M), math.ceil((py1 - py0) / CELL_M),
             lambda c, r: DENSITY)
r, out = analyze("const4543", "--layer", "population=" + tif_gk)
if check(r.returncode == 0, f"constant raster (EPSG:4543) exits 0 ({r.stderr.strip()[-300:]})"):
    got = people_out(out)
    bad = [c for c, g in projected.items() if not close(got[c], DENSITY * g.GetArea() / CELL_M**2, 1e-6)]
    check(not bad, f"EPSG:4543: each village holds density × its projected area in cells ({bad[:3]})")

# A raster that misses the villages, and one without a CRS.
far = os.path.join(work, "far.tif")
write_raster(far, 4326, 80.0, 45.0, 0.01, 10, 10, lambda c, r: 1.0)
r, out = analyze("far", "--layer", "population=" + far)
check(r.returncode == 1 and "wholly outside the raster" in r.stderr and not os.path.exists(out),
      f"villages outside the raster: an error, no output ({r.stderr.strip()[-200:]})")
nocrs = os.path.join(work, "nocrs.tif")
ds = gdal.GetDriverByName("GTiff").Create(nocrs, nx, ny, 1, gdal.GDT_Float32)
ds.SetGeoTransform([x0, CELL, 0, y1, 0, -CELL])
ds.GetRasterBand(1).Fill(5)
ds = None
r, out = analyze("nocrs", "--layer", "population=" + nocrs)
check(r.returncode == 1 and "--crs population=EPSG:4326" in r.stderr, f"a raster without CRS names the fix ({r.stderr.strip()[-200:]})")
r, out = analyze("nocrs_declared", "--layer", "population=" + nocrs, "--crs", "population=EPSG:4326")
if check(r.returncode == 0, f"--crs population=EPSG:4326 declares it ({r.stderr.strip()[-200:]})"):
    got = people_out(out)
    check(all(close(got[c], 5 * g.GetArea() / CELL**2, 1e-9) for c, (_, g) in VILLAGES.items()), "declared CRS: sums right")

# ---- a table joined by code -------------------------------------------------------------------------
codes = sorted(VILLAGES)
table = {code: 100 + 7 * i for i, code in enumerate(codes)}


def write_csv(path, header, items):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(items)


pop_csv = os.path.join(work, "人口.csv")
write_csv(pop_csv, ["村代码", "村名", "人口"], [(c, VILLAGES[c][0], table[c]) for c in codes] + [("510403999999", "别处", 5), ("510411000000", "别县", 5)])
r, out = analyze("table_csv", "--layer", "population=" + pop_csv)
if check(r.returncode == 0, f"--layer population=TABLE.csv exits 0 ({r.stderr.strip()[-300:]})"):
    got = people_out(out)
    check(all(got[c] == table[c] for c in codes), "CSV: each village gets its row's population")
    check("1 rows of the population table match no village" in r.stderr, f"CSV: the row of no village of the county is a warning (not the other county's) ({r.stderr.strip()[-200:]})")
    check("the villages' own population column is not used" in r.stderr,
          f"the sample's own population column, replaced by the table, is a warning ({r.stderr.strip()[-300:]})")

pop_xlsx = os.path.join(work, "人口.xlsx")
xl = ogr.GetDriverByName("XLSX").CreateDataSource(pop_xlsx)
lyr = xl.CreateLayer("人口", geom_type=ogr.wkbNone)
lyr.CreateField(ogr.FieldDefn("代码", ogr.OFTReal))  # Excel keeps codes as numbers
lyr.CreateField(ogr.FieldDefn("常住人口", ogr.OFTInteger))
for c in codes:
    f = ogr.Feature(lyr.GetLayerDefn())
    f.SetField("代码", float(c))
    f.SetField("常住人口", table[c] * 2)
    lyr.CreateFeature(f)
xl = None
r, out = analyze("table_xlsx", "--layer", "population=" + pop_xlsx, "--field", "villages.population=常住人口")
if check(r.returncode == 0, f"--layer population=TABLE.xlsx exits 0 ({r.stderr.strip()[-300:]})"):
    got = people_out(out)
    check(all(got[c] == 2 * table[c] for c in codes), "XLSX (codes as numbers, --field for the column): joined by code")

missing_csv = os.path.join(work, "missing.csv")
write_csv(missing_csv, ["code", "population"], [(c, table[c]) for c in codes[2:]])
r, out = analyze("missing", "--layer", "population=" + missing_csv)
check(r.returncode == 1 and "2 of 26 villages are not in the population table" in r.stderr and codes[0] in r.stderr
      and not os.path.exists(out), f"villages missing from the table: an error listing them ({r.stderr.strip()[-300:]})")
dup_csv = os.path.join(work, "dup.csv")
write_csv(dup_csv, ["code", "population"], [(c, table[c]) for c in codes] + [(codes[3], 1)])
r, out = analyze("dup", "--layer", "population=" + dup_csv)
check(r.returncode == 1 and "duplicate village code " + codes[3] in r.stderr and not os.path.exists(out),
      f"a duplicate code: an error naming it ({r.stderr.strip()[-300:]})")
text_csv = os.path.join(work, "text.csv")
write_csv(text_csv, ["code", "population"], [(c, table[c] if i != 4 else "约300") for i, c in enumerate(codes)])
r, out = analyze("text", "--layer", "population=" + text_csv)
check(r.returncode == 1 and "\"约300\" is not a number of people" in r.stderr, f"text for people: an error naming it ({r.stderr.strip()[-300:]})")

# ---- a population target over villages without people: an error on every path, never "met" -------
zero_csv = os.path.join(work, "zero.csv")
write_csv(zero_csv, ["code", "population"], [(c, 0) for c in codes])
zero_tif = os.path.join(work, "zero.tif")
write_raster(zero_tif, 4326, x0, y1, CELL, nx, ny, lambda c, r: NODATA)
no_field = os.path.join(work, "no_field.gpkg")
all_null = os.path.join(work, "all_null.gpkg")
for path, null in [(no_field, False), (all_null, True)]:
    src = gdal.VectorTranslate(path, sample, options=f"-where \"code LIKE '{COUNTY}%'\" -select code,name"
                               + (",population" if null else "") + " villages")
    src = None
    if null:
        ds = ogr.Open(path, update=1)
        ds.ExecuteSQL("UPDATE villages SET population = NULL")
        ds = None
for name, args, expect in [
        ("no field", [no_field], "population"),
        ("all NULL", [all_null], "value is missing"),
        ("all-zero raster", [sample, "--layer", "population=" + zero_tif], "population is 0 in all 26 villages"),
        ("all-zero table", [sample, "--layer", "population=" + zero_csv], "population is 0 in all 26 villages")]:
    out = os.path.join(work, "target.gpkg")
    for command in ["analyze", "plan"]:
        r = run(command, *args, "--county", COUNTY, "-o", out)
        check(r.returncode == 1 and expect in r.stderr and not os.path.exists(out),
              f"{command}, {name}: a population target is an error ({expect}), nothing written ({r.stderr.strip()[-200:]})")
    if name.startswith("all-zero"):
        r = run("analyze", *args, "--county", COUNTY, "-o", out)
        check("--layer population=FILE" in r.stderr and "--field villages.population" in r.stderr,
              f"{name}: the message names both fixes")

finish()
