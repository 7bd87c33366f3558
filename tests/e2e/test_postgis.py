"""scicov analyze reading from PostGIS ("PG:" datasets): a throw-away PostgreSQL cluster with
PostGIS on a Unix socket in a temporary folder (no TCP), the tiny world loaded with ogr2ogr, and
the same analysis as from the GeoPackage."""
import glob
import os
import shutil
import subprocess
import sys
import tempfile

from osgeo import gdal

sys.path.insert(0, os.path.dirname(__file__))
import tiny_world  # noqa: E402
from e2e import SCICOV, check, finish  # noqa: E402
from e2e import rows as read_rows  # noqa: E402


def as_postgres(cmd, **kw):
    """Runs a PostgreSQL tool as the postgres user when we are root (initdb refuses root)."""
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--"] + cmd
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def rows(path, layer, key):
    return read_rows(path, layer, key)


bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
check(bool(bins), "PostgreSQL is installed (tools/install-deps installs postgresql and postgis)")
if not bins:
    finish()
pg_bin = os.path.dirname(bins[-1])

tmp = tempfile.mkdtemp(prefix="scicov-pg-")
os.chmod(tmp, 0o777)
data, sock = os.path.join(tmp, "data"), os.path.join(tmp, "sock")
os.mkdir(sock)
os.chmod(sock, 0o777)
port = str(54000 + os.getpid() % 1000)
started = False
try:
    r = as_postgres([os.path.join(pg_bin, "initdb"), "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8",
                     "--locale=C.UTF-8"])
    check(r.returncode == 0, f"initdb: {r.stderr[-500:]}")
    r = as_postgres([os.path.join(pg_bin, "pg_ctl"), "-D", data, "-w", "-l", os.path.join(tmp, "log"),
                     "-o", f"-k {sock} -p {port} -c listen_addresses=''", "start"])
    started = r.returncode == 0
    check(started, f"pg_ctl start: {r.stdout[-500:]} {r.stderr[-500:]}")
    psql = [os.path.join(pg_bin, "psql"), "-h", sock, "-p", port, "-U", "postgres", "-v", "ON_ERROR_STOP=1"]
    r = as_postgres(psql + ["-d", "postgres", "-c", "CREATE DATABASE scicov"])
    check(r.returncode == 0, f"createdb: {r.stderr}")
    r = as_postgres(psql + ["-d", "scicov", "-c", "CREATE EXTENSION postgis"])
    check(r.returncode == 0, f"postgis: {r.stderr}")

    world = os.path.join(tmp, "tiny.gpkg")
    tiny_world.write(world)
    pg = f"PG:host={sock} port={port} user=postgres dbname=scicov"
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
finally:
    if started:
        as_postgres([os.path.join(pg_bin, "pg_ctl"), "-D", data, "-m", "immediate", "stop"])
    shutil.rmtree(tmp, ignore_errors=True)

finish()
