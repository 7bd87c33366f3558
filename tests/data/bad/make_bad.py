#!/usr/bin/python3
"""Writes the bad (and a few deliberately awkward but good) inputs of tests/data/bad/.

Run with Debian's interpreter (it has the GDAL bindings):  /usr/bin/python3 tests/data/bad/make_bad.py
Deterministic and re-runnable: it rewrites every file it owns (the rules_*.toml files belong to
the rules tests and are left alone) and nothing else. cases.tsv says how each is used and what
the message must name; tests/e2e/test_bad_inputs.py runs them.

The world is three 0.05° villages near 102°E 26.5°N (Panzhihua-like, lon/lat WGS84) and four
facilities; every bad file differs from it in one thing, at one feature, so that the message can
be checked for the file, layer, feature id and field:

    26.60 +--------+
          | V3     |                 county 990101: V1 V2 (township 001), V3 (township 002)
    26.55 +--------+--------+
          | V1     | V2     |
    26.50 +--------+--------+
        102.00   102.05   102.10

GeoJSON features get no "id" member, so GDAL numbers them 0, 1, 2 … in file order.
"""
import json
import os
import shutil
import struct

from osgeo import gdal, ogr, osr

gdal.UseExceptions()
HERE = os.path.dirname(os.path.abspath(__file__))

VILLAGES = [
    # code, name, township_code, population, (lon0, lat0)
    ("990101001001", "城关社区居民委员会", "990101001", 1200, (102.00, 26.50)),
    ("990101001002", "东村村民委员会", "990101001", 800, (102.05, 26.50)),
    ("990101002001", "北山村民委员会", "990101002", 600, (102.00, 26.55)),
]
D = 0.05

FACILITIES = [
    # id, type, name, status, lon, lat
    ("f1", "science_room", "城关社区科普室", "existing", 102.025, 26.525),
    ("f2", "e_station", "东村科普e站", "existing", 102.075, 26.525),
    ("f3", "science_museum", "县科技馆", "existing", 102.03, 26.57),
    ("f4", "science_base", "县科普教育基地", "planned", 102.02, 26.52),
]

OWNED = []  # every file written (relative paths)


def square(lon0, lat0, d=D):
    return {"type": "Polygon",
            "coordinates": [[[lon0, lat0], [lon0 + d, lat0], [lon0 + d, lat0 + d], [lon0, lat0 + d], [lon0, lat0]]]}


def point(lon, lat):
    return {"type": "Point", "coordinates": [lon, lat]}


def village_features():
    feats = []
    for code, name, town, pop, (lon, lat) in VILLAGES:
        feats.append({"properties": {"code": code, "name": name, "population": pop}, "geometry": square(lon, lat)})
    return feats


def facility_features():
    return [{"properties": {"id": i, "type": t, "name": n, "status": s}, "geometry": point(lon, lat)}
            for i, t, n, s, lon, lat in FACILITIES]


def write_geojson(name, layer, features):
    """A FeatureCollection named `layer` (GDAL's layer name), one feature per line."""
    lines = ['{"type": "FeatureCollection", "name": "%s",' % layer, '"features": [']
    for i, f in enumerate(features):
        feature = {"type": "Feature", **({"id": f["id"]} if "id" in f else {}), "properties": f["properties"],
                   "geometry": f["geometry"]}
        text = json.dumps(feature, ensure_ascii=False, separators=(", ", ": "))
        lines.append(text + ("," if i + 1 < len(features) else ""))
    lines.append("]}")
    path = os.path.join(HERE, name)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("\n".join(lines) + "\n")
    OWNED.append(name)


def write_text(name, text, encoding="utf-8"):
    path = os.path.join(HERE, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding=encoding, newline="\n") as fh:
        fh.write(text)
    OWNED.append(name)


def write_shapefile(folder, layer, features, encoding=None, prj=True, cpg=None):
    """villages as a Shapefile set in `folder`. `encoding`: the DBF's text encoding (GDAL recodes
    on write and records it in a .cpg, which is then replaced by `cpg` or removed when cpg is
    None); `prj`: write a .prj (WGS84) or not."""
    dirpath = os.path.join(HERE, folder)
    if os.path.isdir(dirpath):
        shutil.rmtree(dirpath)
    os.makedirs(dirpath)
    path = os.path.join(dirpath, layer + ".shp")
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    ds = ogr.GetDriverByName("ESRI Shapefile").CreateDataSource(path)
    options = ["DBF_DATE_LAST_UPDATE=2000-01-01"]
    if encoding:
        options.append("ENCODING=" + encoding)
    lyr = ds.CreateLayer(layer, srs if prj else None, ogr.wkbPolygon, options)
    for fname, ftype, width in [("code", ogr.OFTString, 12), ("name", ogr.OFTString, 60),
                                ("population", ogr.OFTInteger, 10)]:
        fd = ogr.FieldDefn(fname, ftype)
        fd.SetWidth(width)
        lyr.CreateField(fd)
    for f in features:
        feat = ogr.Feature(lyr.GetLayerDefn())
        for k, v in f["properties"].items():
            feat.SetField(k, v)
        feat.SetGeometry(ogr.CreateGeometryFromJson(json.dumps(f["geometry"])))
        lyr.CreateFeature(feat)
    ds = None
    cpg_path = os.path.join(dirpath, layer + ".cpg")
    if os.path.exists(cpg_path):
        os.remove(cpg_path)
    if cpg is not None:
        with open(cpg_path, "w") as fh:
            fh.write(cpg)
    if encoding:
        # No code page in the DBF header (LDID byte 29 = 0): only the .cpg (or nothing) says
        # what the text is.
        dbf = os.path.join(dirpath, layer + ".dbf")
        with open(dbf, "r+b") as fh:
            fh.seek(29)
            fh.write(struct.pack("B", 0))
    for name in sorted(os.listdir(dirpath)):
        OWNED.append(os.path.join(folder, name))


PropertyNull = object()  # a property present with the JSON value null


def villages_with(index, **changes):
    """The good villages with feature `index` changed: properties updated, "geometry" replaced,
    any property set to None removed, any set to PropertyNull written as null."""
    feats = village_features()
    f = feats[index]
    if "geometry" in changes:
        f["geometry"] = changes.pop("geometry")
    for k, v in changes.items():
        if v is None:
            f["properties"].pop(k, None)
        elif v is PropertyNull:
            f["properties"][k] = None
        else:
            f["properties"][k] = v
    return feats


def facilities_with(index, **changes):
    feats = facility_features()
    f = feats[index]
    if "geometry" in changes:
        f["geometry"] = changes.pop("geometry")
    f["properties"].update(changes)
    return feats


def main():
    # The good world (the other half of most cases).
    write_geojson("good_villages.geojson", "villages", village_features())
    write_geojson("good_facilities.geojson", "facilities", facility_features())

    # --- geometry
    write_geojson("geom_null.geojson", "villages", villages_with(1, geometry=None))
    # (GDAL reads a Polygon with no rings as a null geometry; an empty MultiPolygon stays empty.)
    write_geojson("geom_empty.geojson", "villages",
                  villages_with(2, geometry={"type": "MultiPolygon", "coordinates": []}))
    write_geojson("village_is_point.geojson", "villages", villages_with(1, geometry=point(102.075, 26.525)))
    write_geojson("facility_is_polygon.geojson", "facilities",
                  facilities_with(2, geometry=square(102.02, 26.56, 0.01)))
    # A bow-tie over V2's square: invalid, but make-valid leaves two triangles (a warning).
    x0, y0 = VILLAGES[1][4]
    bowtie = {"type": "Polygon",
              "coordinates": [[[x0, y0], [x0 + D, y0 + D], [x0 + D, y0], [x0, y0 + D], [x0, y0]]]}
    write_geojson("geom_bowtie_repairable.geojson", "villages", villages_with(1, geometry=bowtie))
    # A ring whose points lie on one line: nothing polygonal is left after repair.
    flat = {"type": "Polygon",
            "coordinates": [[[x0, y0], [x0 + D, y0], [x0 + D / 2, y0], [x0, y0]]]}
    write_geojson("geom_no_area.geojson", "villages", villages_with(1, geometry=flat))

    # --- attributes
    write_geojson("attr_no_population_field.geojson", "villages",
                  [{"properties": {k: v for k, v in f["properties"].items() if k != "population"},
                    "geometry": f["geometry"]} for f in village_features()])
    write_geojson("attr_population_abc.geojson", "villages", villages_with(2, population="abc"))
    write_geojson("attr_population_null.geojson", "villages", villages_with(0, population=PropertyNull))
    write_geojson("attr_population_negative.geojson", "villages", villages_with(1, population=-5))
    write_geojson("attr_code_11_digits.geojson", "villages", villages_with(1, code="99010100100"))
    write_geojson("attr_duplicate_code.geojson", "villages", villages_with(2, code=VILLAGES[0][0]))
    feats = village_features()
    for f, v in zip(feats, VILLAGES):
        f["properties"]["township_code"] = v[2]
    feats[1]["properties"]["township_code"] = "990101002"  # V2 is in township 001
    write_geojson("attr_township_not_nested.geojson", "villages", feats)
    write_geojson("attr_unknown_type.geojson", "facilities", facilities_with(1, type="science_centre"))
    write_geojson("attr_status_demolished.geojson", "facilities", facilities_with(3, status="demolished"))
    write_geojson("attr_duplicate_facility_id.geojson", "facilities", facilities_with(3, id="f1", type="science_room"))
    # Facilities from a CSV with lon/lat columns, one longitude not a number.
    rows = ["id,type,name,status,lon,lat"]
    for i, t, n, s, lon, lat in FACILITIES:
        rows.append(f"{i},{t},{n},{s},{'东经102度' if i == 'f2' else lon},{lat}")
    write_text("csv_lon_not_number.csv", "\n".join(rows) + "\n")

    # Non-finite and absurd numbers (JSON's NaN/Infinity as Python writes them, which GDAL reads).
    write_geojson("attr_population_inf.geojson", "villages", villages_with(1, population=float("inf")))
    write_geojson("attr_population_huge.geojson", "villages", villages_with(2, population=1e308))
    feats = village_features()
    for f, flag in zip(feats, [True, False, True]):  # a yes/no column mapped as the population
        f["properties"]["population"] = flag
    write_geojson("attr_population_bool.geojson", "villages", feats)
    feats = village_features()
    for f in feats:  # codes stored as numbers (a Shapefile habit), one of them not whole
        f["properties"]["code"] = int(f["properties"]["code"])
    feats[1]["properties"]["code"] = 990101001002.4
    write_geojson("attr_code_fraction.geojson", "villages", feats)
    nan_ring = square(*VILLAGES[1][4])
    nan_ring["coordinates"][0][2] = [float("nan"), nan_ring["coordinates"][0][2][1]]
    write_geojson("geom_nan_vertex.geojson", "villages", villages_with(1, geometry=nan_ring))
    candidates = [{"properties": {"id": "c%d" % i, "kind": "党群服务中心", "cost": cost},
                   "geometry": point(lon + 0.01, lat + 0.01)}
                  for i, (cost, (_, _, _, _, (lon, lat))) in enumerate(zip([1.0, float("inf"), 0.5], VILLAGES))]
    write_geojson("attr_candidate_cost_inf.geojson", "candidates", candidates)

    # --- CRS
    write_shapefile("shp_no_prj", "villages", village_features(), encoding="UTF-8", prj=False, cpg="UTF-8\n")
    swapped = villages_with(2)
    swapped[2]["geometry"]["coordinates"] = [[[lat, lon] for lon, lat in swapped[2]["geometry"]["coordinates"][0]]]
    write_geojson("crs_lonlat_swapped.geojson", "villages", swapped)
    write_geojson("crs_outside_china.geojson", "facilities", facilities_with(1, geometry=point(13.40, 52.52)))

    # --- encodings: GBK text in the DBF, once without a .cpg (bad) and once with one (good)
    write_shapefile("shp_gbk_no_cpg", "villages", village_features(), encoding="CP936", cpg=None)
    write_shapefile("shp_gbk_cpg", "villages", village_features(), encoding="CP936", cpg="GBK\n")

    # --- layers and datasets
    # (no villages layer: good_facilities.geojson alone; --layer naming a missing layer and
    # --county without villages use the good files: see cases.tsv)
    write_geojson("layer_empty.geojson", "villages", [])
    good = open(os.path.join(HERE, "good_villages.geojson"), encoding="utf-8").read()
    write_text("geojson_truncated.geojson", good[: good.index('"population"')])  # cut mid-feature

    # --- a planner's data as it comes (issue 14)
    feats = village_features()
    for f in feats:  # a population column of zeros under a population target: never "met"
        f["properties"]["population"] = 0
    write_geojson("attr_population_all_zero.geojson", "villages", feats)
    write_geojson("attr_type_zh_typo.geojson", "facilities", facilities_with(1, type="科普教育基"))
    header = "编号,类型,名称,状态,经度,纬度\n"
    zh = {"science_room": "科普室", "e_station": "科普e站", "science_museum": "科技馆", "science_base": "科普基地"}
    rows = "".join(f"{i},{zh[t]},{n},{'现有' if s == 'existing' else '规划'},{lon},{lat}\n"
                   for i, t, n, s, lon, lat in FACILITIES)
    write_text("csv_gbk_facilities.csv", header + rows, encoding="gb18030")  # as Excel saves it
    write_text("csv_no_lonlat.csv", "编号,类型,名称\nf1,科普室,城关社区科普室\n")
    # --- roads (travel-time rules): a oneway value Geofabrik does not use
    (lon, lat) = VILLAGES[0][4]
    roads = [{"properties": {"fclass": "primary", "oneway": "sideways"},
              "geometry": {"type": "LineString", "coordinates": [[lon, lat], [lon + 0.02, lat]]}},
             {"properties": {"fclass": "residential", "oneway": "B"},
              "geometry": {"type": "LineString", "coordinates": [[lon, lat + 0.01], [lon + 0.02, lat + 0.01]]}}]
    write_geojson("roads_bad_oneway.geojson", "roads", roads)
    consistency_cases()
    message_cases()
    population_cases()
    print(f"{len(OWNED)} files written in {HERE}")


def consistency_cases():
    """Villages that disagree with each other or with the counties layer (issue 13)."""
    # V3 drawn with V1's square: two codes, one polygon (an error).
    write_geojson("cons_identical_polygons.geojson", "villages",
                  villages_with(2, geometry=square(*VILLAGES[0][4])))
    # V2 moved half a square west: it covers half of V1 (a warning).
    write_geojson("cons_overlap.geojson", "villages",
                  villages_with(1, geometry=square(VILLAGES[1][4][0] - D / 2, VILLAGES[1][4][1])))

    def county(code, name, x0, y0, x1, y1):
        return {"properties": {"code": code, "name": name},
                "geometry": {"type": "Polygon",
                             "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}}
    # County 990101 drawn over the lower row only: V3 lies outside it.
    write_geojson("cons_county_lower_row.geojson", "counties", [county("990101", "测试县", 102.0, 26.5, 102.1, 26.55)])
    # The county line through V2 (60% in 990101, 40% in 990102, which has no villages).
    write_geojson("cons_county_split.geojson", "counties",
                  [county("990101", "测试县", 102.0, 26.5, 102.08, 26.6), county("990102", "邻县", 102.08, 26.5, 102.2, 26.6)])
    # All villages inside 990101, and a second county without villages.
    write_geojson("cons_county_empty.geojson", "counties",
                  [county("990101", "测试县", 102.0, 26.5, 102.1, 26.6), county("990199", "空县", 102.2, 26.5, 102.3, 26.6)])


def message_cases():
    """One message per kind of problem, with a count, not one line per feature."""
    # Twelve villages of township 001 in a row, every population negative: three examples and
    # "… and 9 more like this".
    feats = [{"properties": {"code": "990101001%03d" % (i + 1), "name": "村%d" % (i + 1), "population": -(i + 1)},
              "geometry": square(102.0 + i * D, 26.5)} for i in range(12)]
    write_geojson("msg_many_negative.geojson", "villages", feats)
    # Every feature with id 7, as an export may give them: "feature 7" alone would not say which
    # one is wrong; the row does.
    feats = village_features()
    for f in feats:
        f["id"] = 7
    feats[2]["properties"]["population"] = "abc"
    write_geojson("msg_ids_repeat.geojson", "villages", feats)


def population_cases():
    """--layer population=TABLE: a village without a row, and a code given twice."""
    rows = [f"{code},{pop}\n" for code, _, _, pop, _ in VILLAGES]
    write_text("pop_table_missing.csv", "代码,人口\n" + "".join(rows[:2]))
    write_text("pop_table_duplicate.csv", "代码,人口\n" + "".join(rows) + rows[0])


if __name__ == "__main__":
    main()
