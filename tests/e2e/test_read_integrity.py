"""Reads that GDAL completes only in part are errors, never shorter or changed layers.

- A GeoPackage with one damaged page in the villages table: GDAL's read stops part-way. Today's
  reader must say so (file, layer, how far it got) instead of analysing the villages before the
  damage (the sample lost 9 of its 22 counties that way, with exit 0).
- Text in a GeoPackage's numeric column: GDAL reads it as 0 without a word; it must be an error
  naming the feature and field.
- A GeoPackage whose srs_id is 0 ("undefined geographic"): the same "no CRS" answer, with the
  --crs hint, as a Shapefile without .prj — not lon/lat taken on trust.
Each case: exit 1 from validate and analyze, the message, and no output file left behind.
"""
import os
import shutil
import sqlite3
import subprocess
import tempfile

from e2e import GEODATA, check, finish, run
from osgeo import gdal

SAMPLE = os.path.join(GEODATA, "sample.gpkg")


def damage_one_page(path, table):
    """Overwrites a leaf page in the middle of `table`'s b-tree with noise."""
    con = sqlite3.connect(path)
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    leaves = [p for (p,) in con.execute(
        "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno", (table,))]
    con.close()
    check(len(leaves) > 10, f"the sample's {table} table spans many leaf pages ({len(leaves)})")
    page = leaves[len(leaves) // 2]
    with open(path, "r+b") as fh:
        fh.seek((page - 1) * page_size)
        fh.write(bytes((i * 97 + 13) % 256 for i in range(page_size)))
    return page


def expect_failure(name, inputs, *needles, extra=()):
    """validate and analyze both exit 1 naming the problem; analyze writes nothing."""
    with tempfile.TemporaryDirectory() as out:
        target = os.path.join(out, "out.gpkg")
        for command in (["validate", *inputs, *extra], ["analyze", *inputs, "-o", target, *extra]):
            r = run(*command)
            check(r.returncode == 1, f"{name}: {command[0]} exits 1 (got {r.returncode}: {r.stderr[-300:]})")
            line = next((l for l in r.stderr.splitlines() if all(n in l for n in needles)), None)
            check(line is not None, f"{name}: {command[0]} names {needles} on one line; stderr: {r.stderr[-400:]}")
        check(os.listdir(out) == [], f"{name}: nothing left in the output folder ({os.listdir(out)})")


with tempfile.TemporaryDirectory() as work:
    # 1. A damaged page in the villages table.
    damaged = os.path.join(work, "damaged.gpkg")
    shutil.copyfile(SAMPLE, damaged)
    damage_one_page(damaged, "villages")
    expect_failure("damaged page", [damaged], "damaged.gpkg", "layer 'villages'", "damaged or incomplete")

    # The undamaged copy still reads (the test damages, not the copy).
    r = run("validate", SAMPLE)
    check(r.returncode == 0, f"the sample itself validates (got {r.returncode}: {r.stderr[-300:]})")

    # 2. Text in the population column of a GeoPackage (SQLite's dynamic typing lets it in).
    text = os.path.join(work, "text_in_number.gpkg")
    shutil.copyfile(SAMPLE, text)
    ds = gdal.OpenEx(text, gdal.OF_VECTOR | gdal.OF_UPDATE)
    villages = ds.GetLayerByName("villages")
    villages.SetAttributeFilter("substr(code, 1, 6) = '371702'")
    fid = sorted(f.GetFID() for f in villages)[3]
    ds.ExecuteSQL(f"UPDATE villages SET population = 'about 900' WHERE fid = {fid}")
    ds = None
    expect_failure("text in a numeric column", [text], "text_in_number.gpkg", "layer 'villages'",
                   f"feature {fid}", "field 'population'", "about 900", extra=["--county", "371702"])

    # 3. srs_id 0: "undefined geographic".
    undefined = os.path.join(work, "srs_undefined.gpkg")
    shutil.copyfile(SAMPLE, undefined)
    ds = gdal.OpenEx(undefined, gdal.OF_VECTOR | gdal.OF_UPDATE)
    ds.ExecuteSQL("UPDATE gpkg_geometry_columns SET srs_id = 0 WHERE table_name = 'villages'")
    ds = None
    expect_failure("srs_id 0", [undefined], "srs_undefined.gpkg", "layer 'villages'", "no CRS", "--crs villages=",
                   extra=["--county", "371702"])

    # 4. map, report and webmap read an output GeoPackage back with the same checks: a damaged page in
    #    its villages table is an error naming the file and layer, never a map of fewer villages.
    #    A foreign GeoPackage (an input, not an output) is named as such.
    output = os.path.join(work, "output.gpkg")
    r = run("analyze", SAMPLE, "-o", output)
    check(r.returncode == 0, f"an output to damage ({r.returncode}: {r.stderr[-300:]})")
    damage_one_page(output, "villages")
    for command, target in (("map", "m.png"), ("report", "r.html"), ("webmap", "w.html")):
        r = run(command, output, "-o", os.path.join(work, target))
        check(r.returncode == 1, f"{command} of a damaged output exits 1 (got {r.returncode}: {r.stderr[-300:]})")
        check(any("output.gpkg" in l and "layer 'villages'" in l and "damaged or incomplete" in l
                  for l in r.stderr.splitlines()), f"{command} names file and layer: {r.stderr[-400:]}")
        check(not os.path.exists(os.path.join(work, target)), f"{command} writes nothing")
        if command == "webmap":
            continue  # the web map names a foreign GeoPackage in its own words (test_webmap)
        r = run(command, SAMPLE, "-o", os.path.join(work, target))
        check(r.returncode == 1, f"{command} of an input GeoPackage exits 1 (got {r.returncode})")
        check(any("sample.gpkg" in l and "layer 'counties'" in l and "not a scicov output" in l
                  for l in r.stderr.splitlines()), f"{command} says it is not an output: {r.stderr[-400:]}")

finish()
