"""Any GDAL dataset in, the same answer out (issue 4).

The tiny world (tiny_world.py, a GeoPackage in EPSG:4543) is converted into other formats and CRSs
and each is analysed; per-village coverage flags, per-county shares and targets must equal those of
the GeoPackage run, and distances must agree within 1 m:

- Shapefiles in EPSG:4326 with a .cpg (UTF-8), given as their folder;
- GeoJSON in EPSG:4326, one file per layer;
- FlatGeobuf in the original EPSG:4543;
- villages as GeoJSON plus facilities as CSV with lon/lat columns (--layer ROLE=FILE);
- facilities in GCJ-02 and in BD-09 (offsets computed here from the published formulas, not by
  scicov) read with --datum facilities=gcj02|bd09; and, as a control, GCJ-02 read as WGS84 must
  move the distances by hundreds of metres;
- a GeoPackage in EPSG:32648 (UTM 48N, not the county's Gauss-Krüger zone);
- --out-crs EPSG:4326: every layer in EPSG:4326 and the same results.
"""
import math
import os
import subprocess
import sys
import tempfile

from osgeo import gdal, ogr, osr

sys.path.insert(0, os.path.dirname(__file__))
import tiny_world  # noqa: E402
from e2e import check, finish, rows, run  # noqa: E402
from gcj import gcj02_to_bd09, wgs84_to_gcj02  # noqa: E402

gdal.UseExceptions()
TYPES = ["science_museum", "science_base", "e_station", "science_room"]


def srs_code(path, layer=None):
    """The authority code of a layer's CRS (the dataset stays open while it is read)."""
    ds = ogr.Open(path)
    lyr = ds.GetLayerByName(layer) if layer else ds.GetLayer(0)
    srs = lyr.GetSpatialRef()
    return srs.GetAuthorityCode(None) if srs is not None else None


# Sanity of the transcription: a widely quoted pair (Tian'anmen: WGS84 116.391349, 39.907375 is
# about 116.397574, 39.908776 in GCJ-02, i.e. some 550 m east).
_g = wgs84_to_gcj02(116.391349, 39.907375)
check(abs(_g[0] - 116.3975) < 0.001 and abs(_g[1] - 39.9088) < 0.001, f"GCJ-02 formula transcribed ({_g})")


# --- conversions ---------------------------------------------------------------------------
def translate(dst, src, fmt, layer, srs=None, options=()):
    kw = dict(format=fmt, layers=[layer], layerName=layer, layerCreationOptions=list(options))
    if srs:
        kw["dstSRS"] = srs
    gdal.VectorTranslate(dst, src, accessMode="append" if os.path.exists(dst) and fmt == "GPKG" else None, **kw)


def facilities_lonlat(world):
    """(id, type, name, lon, lat) of the facilities in EPSG:4326, lon/lat order."""
    ds = ogr.Open(world)
    lyr = ds.GetLayerByName("facilities")
    wgs = osr.SpatialReference()
    wgs.ImportFromEPSG(4326)
    wgs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    ct = osr.CoordinateTransformation(lyr.GetSpatialRef(), wgs)
    out = []
    for f in lyr:
        p = f.GetGeometryRef().Clone()
        p.Transform(ct)
        out.append((f["id"], f["type"], f["name"], p.GetX(), p.GetY()))
    return out


def write_csv(path, facilities, convert=None):
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("id,type,name,lon,lat\n")
        for fid, ftype, name, lon, lat in facilities:
            if convert:
                lon, lat = convert(lon, lat)
            fh.write(f"{fid},{ftype},{name},{lon:.10f},{lat:.10f}\n")


# --- comparison ----------------------------------------------------------------------------
def results(out):
    return ({v["code"]: v for v in rows(out, "villages")}, {c["code"]: c for c in rows(out, "counties")})


def same_results(label, ref, out, dist_tol_m=1.0):
    rv, rc = ref
    v, c = results(out)
    if not check(sorted(v) == sorted(rv), f"{label}: the same villages ({sorted(v)})"):
        return
    for code in sorted(rv):
        for t in TYPES:
            check(v[code][f"cov_{t}"] == rv[code][f"cov_{t}"],
                  f"{label}: village {code} cov_{t} {v[code][f'cov_{t}']} (GeoPackage run: {rv[code][f'cov_{t}']})")
            a, b = v[code][f"dist_{t}_m"], rv[code][f"dist_{t}_m"]
            check((a is None and b is None) or (a is not None and b is not None and abs(a - b) <= dist_tol_m),
                  f"{label}: village {code} dist_{t}_m {a} vs {b} (within {dist_tol_m} m)")
        check(abs(v[code]["area_m2"] - rv[code]["area_m2"]) <= 1e-4 * rv[code]["area_m2"],
              f"{label}: village {code} area {v[code]['area_m2']} vs {rv[code]['area_m2']}")
        check(v[code]["name"] == rv[code]["name"], f"{label}: village {code} name {v[code]['name']!r}")
    if not check(sorted(c) == sorted(rc), f"{label}: the same counties ({sorted(c)})"):
        return
    for code in sorted(rc):
        for t in TYPES:
            for key in (f"villages_cov_{t}", f"met_{t}", f"gap_{t}"):
                check(c[code][key] == rc[code][key], f"{label}: county {code} {key} {c[code][key]} vs {rc[code][key]}")
            check(abs(c[code][f"share_{t}"] - rc[code][f"share_{t}"]) <= 1e-9,
                  f"{label}: county {code} share_{t} {c[code][f'share_{t}']} vs {rc[code][f'share_{t}']}")


def analyze(label, tmp, *args):
    out = os.path.join(tmp, label + ".gpkg")
    r = run("analyze", *args, "-o", out)
    check(r.returncode == 0, f"{label}: analyze exit 0 (got {r.returncode}: {r.stderr})")
    return out if r.returncode == 0 else None


with tempfile.TemporaryDirectory() as tmp:
    world = os.path.join(tmp, "tiny.gpkg")
    tiny_world.write(world, with_units=False)
    ref_out = analyze("gpkg", tmp, world)
    if ref_out is None:
        finish()
    ref = results(ref_out)
    # The reference itself is the hand-computed one (test_analyze_tiny.py checks it in detail).
    check([ref[0][c]["cov_e_station"] for c in sorted(ref[0])] == [1, 0, 0, 0, 0], "reference: e-station covers V1")
    check(len(ref[1]) == 2, "reference: two counties")

    # Shapefiles in EPSG:4326 with a .cpg, read as one folder dataset.
    shp = os.path.join(tmp, "shp")
    os.makedirs(shp)
    for layer in ["villages", "facilities"]:
        translate(os.path.join(shp, layer + ".shp"), world, "ESRI Shapefile", layer, "EPSG:4326", ["ENCODING=UTF-8"])
    check(os.path.exists(os.path.join(shp, "villages.cpg")), "the Shapefile has a .cpg")
    if out := analyze("shapefile", tmp, shp):
        same_results("shapefile", ref, out)

    # GeoJSON in EPSG:4326, one file per layer.
    gj = {layer: os.path.join(tmp, layer + ".geojson") for layer in ["villages", "facilities"]}
    for layer, path in gj.items():
        translate(path, world, "GeoJSON", layer, "EPSG:4326")
    if out := analyze("geojson", tmp, gj["villages"], gj["facilities"]):
        same_results("geojson", ref, out)

    # FlatGeobuf in the original Gauss-Krüger CRS.
    fgb = {layer: os.path.join(tmp, layer + ".fgb") for layer in ["villages", "facilities"]}
    for layer, path in fgb.items():
        translate(path, world, "FlatGeobuf", layer)
    check(srs_code(fgb["villages"]) == "4543", "FlatGeobuf keeps EPSG:4543")
    if out := analyze("flatgeobuf", tmp, fgb["villages"], fgb["facilities"]):
        same_results("flatgeobuf", ref, out)

    # Facilities as CSV with lon/lat (WGS84), villages as GeoJSON, both named with --layer.
    points = facilities_lonlat(world)
    csv = os.path.join(tmp, "kepu.csv")
    write_csv(csv, points)
    if out := analyze("csv", tmp, "--layer", "villages=" + gj["villages"], "--layer", "facilities=" + csv):
        same_results("csv", ref, out)
        f = {row["id"]: row for row in rows(out, "facilities")}
        check(f.get("r3", {}).get("name") == "北山村科普室", "csv: facility names kept in UTF-8")

    # Web-map datums: the same facilities in GCJ-02 and BD-09.
    csv_gcj = os.path.join(tmp, "kepu_gcj02.csv")
    write_csv(csv_gcj, points, wgs84_to_gcj02)
    shift = max(math.hypot((a[0] - p[3]) * 111_320 * math.cos(math.radians(p[4])), (a[1] - p[4]) * 110_574)
                for p in points for a in [wgs84_to_gcj02(p[3], p[4])])
    check(shift > 100, f"GCJ-02 moves the facilities by hundreds of metres here ({shift:.0f} m)")
    if out := analyze("gcj02", tmp, "--layer", "villages=" + gj["villages"], "--layer", "facilities=" + csv_gcj,
                      "--datum", "facilities=gcj02"):
        same_results("gcj02", ref, out)
    if out := analyze("gcj02_as_wgs84", tmp, "--layer", "villages=" + gj["villages"], "--layer",
                      "facilities=" + csv_gcj):
        v, _ = results(out)
        moved = max(abs(v[c]["dist_e_station_m"] - ref[0][c]["dist_e_station_m"]) for c in v)
        check(moved > 100, f"control: GCJ-02 read as WGS84 moves distances ({moved:.0f} m)")
    csv_bd = os.path.join(tmp, "kepu_bd09.csv")
    write_csv(csv_bd, points, lambda lon, lat: gcj02_to_bd09(*wgs84_to_gcj02(lon, lat)))
    if out := analyze("bd09", tmp, "--layer", "villages=" + gj["villages"], "--layer", "facilities=" + csv_bd,
                      "--datum", "facilities=bd09"):
        same_results("bd09", ref, out)

    # A projected CRS other than the county's zone: UTM 48N.
    utm = os.path.join(tmp, "utm48n_in.gpkg")  # not utm48n.gpkg: the output may not replace its input
    for layer in ["villages", "facilities"]:
        translate(utm, world, "GPKG", layer, "EPSG:32648")
    check(srs_code(utm, "villages") == "32648", "the UTM copy is in EPSG:32648")
    if out := analyze("utm48n", tmp, utm):
        same_results("utm48n", ref, out)

    # --out-crs EPSG:4326: every layer with geometry in 4326, the same results.
    if out := analyze("out4326", tmp, world, "--out-crs", "EPSG:4326"):
        same_results("out-crs 4326", ref, out)
        ds = ogr.Open(out)
        spatial = 0
        for i in range(ds.GetLayerCount()):
            lyr = ds.GetLayer(i)
            if lyr.GetGeomType() == ogr.wkbNone:
                continue
            spatial += 1
            s = lyr.GetSpatialRef()
            check(s is not None and s.GetAuthorityCode(None) == "4326",
                  f"out-crs: layer {lyr.GetName()} in EPSG:4326 ({s.GetAuthorityCode(None) if s else None})")
        check(spatial >= 5, f"out-crs: the spatial layers are there ({spatial})")
        ext = ds.GetLayerByName("villages").GetExtent()
        check(101.9 < ext[0] < 102.5 and 26.3 < ext[2] < 26.7, f"out-crs: villages extent in lon/lat degrees {ext}")
        ds = None

finish()
