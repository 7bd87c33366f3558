"""scicov analyze reading from PostGIS ("PG:" datasets): a throw-away PostgreSQL cluster with
PostGIS (pg_cluster.py), the tiny world loaded with ogr2ogr, and the same analysis as from the
GeoPackage."""
import os
import subprocess
import sys

from osgeo import gdal

sys.path.insert(0, os.path.dirname(__file__))
import pg_cluster  # noqa: E402
import tiny_world  # noqa: E402
from e2e import SCICOV, check, finish  # noqa: E402
from e2e import rows as read_rows  # noqa: E402


def rows(path, layer, key):
    return read_rows(path, layer, key)


check(pg_cluster.pg_bin() is not None, "PostgreSQL is installed (tools/install-deps installs postgresql and postgis)")
if pg_cluster.pg_bin() is None:
    finish()

with pg_cluster.Cluster() as cluster:
    tmp = cluster.tmp
    world = os.path.join(tmp, "tiny.gpkg")
    tiny_world.write(world)
    pg = cluster.gdal
    gdal.VectorTranslate(pg, world, format="PostgreSQL")

    out_pg, out_gpkg = os.path.join(tmp, "pg.gpkg"), os.path.join(tmp, "gpkg.gpkg")
    r = subprocess.run([SCICOV, "-q", "analyze", pg, "-o", out_pg], capture_output=True, text=True)
    check(r.returncode == 0, f"analyze from PostGIS (got {r.returncode}: {r.stderr[-1000:]})")
    subprocess.run([SCICOV, "-q", "analyze", world, "-o", out_gpkg], check=True, capture_output=True)
    if r.returncode == 0:
        a, b = rows(out_pg, "villages", "code"), rows(out_gpkg, "villages", "code")
        check(set(a) == set(b) and len(a) == 5, "the same five villages")
        for code in b:
            for key, value in b[code].items():
                if key.startswith("cov_") or key in ("name", "population", "priority"):
                    check(a[code][key] == value, f"{code} {key}: {a[code][key]} vs {value}")
                elif key.startswith("dist_") and value is not None:
                    check(abs(a[code][key] - value) < 1e-6, f"{code} {key}")
        ca, cb = rows(out_pg, "counties", "code"), rows(out_gpkg, "counties", "code")
        for code in cb:
            for key in cb[code]:
                if key.startswith(("share_", "met_", "gap_")):
                    a_value, b_value = ca[code][key], cb[code][key]
                    same = a_value == b_value if a_value is None or b_value is None else abs(a_value - b_value) < 1e-12
                    check(same, f"county {code} {key}: {a_value} vs {b_value}")
        check(rows(out_pg, "townships", "code")["990101002"]["name"] == "北山彝族乡", "Chinese names through PostGIS")

finish()
