"""scicov analyze and plan writing into PostGIS (-o PG:… --schema, docs/postgis.md), against a
throw-away PostgreSQL + PostGIS cluster (pg_cluster.py): the tables hold what the GeoPackage of the
same run holds (fields, FIDs, geometries, values), the styles are in QGIS's layer_styles table and
the aliases are column comments; a second run replaces the first; a run killed mid-write (blocked
on a lock just before its commit, and at several moments of its transaction) leaves the schema as
it was; bad connections, a missing schema or PostGIS, and --schema without PG: write nothing."""
import json
import math
import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

from osgeo import gdal, ogr

sys.path.insert(0, os.path.dirname(__file__))
import pg_cluster  # noqa: E402
from e2e import GEODATA, SCICOV, check, finish  # noqa: E402

pg_cluster.skip_without_postgres()

SAMPLE = os.path.join(GEODATA, "sample.gpkg")
SCHEMA = "规划 成果"  # a quoted identifier: Chinese and a space
ANALYZE_TABLES = ["counties", "facilities", "gaps", "run", "service_areas", "townships", "villages"]
PLAN_TABLES = sorted(ANALYZE_TABLES + ["plan_horizon", "plan_summary", "proposed_sites"])


def ident(name):
    return '"' + name.replace('"', '""') + '"'


def lit(text):
    return "'" + text.replace("'", "''") + "'"


def scicov(*args, env=None):
    return subprocess.run([SCICOV, "-q", *args], capture_output=True, text=True, env=env)


def tables(cluster, schema):
    return sorted(r[0] for r in cluster.sql(f"SELECT tablename FROM pg_tables WHERE schemaname = {lit(schema)}"))


def same_value(a, b):
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-14, abs_tol=1e-300)  # GDAL sends reals with 15 digits
    return a == b


def compare_layers(cluster, schema, gpkg, what):
    """Every layer of the GeoPackage is a table with the same fields, FIDs, values and geometries."""
    src = gdal.OpenEx(gpkg, gdal.OF_VECTOR)
    pg = gdal.OpenEx(cluster.gdal, gdal.OF_VECTOR, open_options=[f"SCHEMAS={schema}"])
    names = sorted(src.GetLayer(i).GetName() for i in range(src.GetLayerCount()))
    names.remove("layer_styles")
    check(tables(cluster, schema) == names, f"{what}: the tables are the GeoPackage's layers ({tables(cluster, schema)})")
    for name in names:
        a, b = src.GetLayerByName(name), pg.GetLayerByName(name)
        if not check(b is not None, f"{what}: {name} readable through GDAL"):
            continue
        fields_a = [a.GetLayerDefn().GetFieldDefn(i).GetName() for i in range(a.GetLayerDefn().GetFieldCount())]
        fields_b = [b.GetLayerDefn().GetFieldDefn(i).GetName() for i in range(b.GetLayerDefn().GetFieldCount())]
        check(fields_a == fields_b, f"{what}: {name} has the GeoPackage's fields, names as they are")
        check(b.GetFIDColumn() == "fid" and (a.GetGeomType() == ogr.wkbNone or b.GetGeometryColumn() == "geom"),
              f"{what}: {name} fid and geom columns")
        check(a.GetFeatureCount() == b.GetFeatureCount(), f"{what}: {name} rows {b.GetFeatureCount()}")
        rows_b = {f.GetFID(): f for f in b}
        bad = 0
        for f in a:
            g = rows_b.get(f.GetFID())
            if g is None:
                bad += 1
                continue
            ia, ib = f.items(), g.items()
            if ia.keys() != ib.keys() or not all(same_value(ia[k], ib[k]) for k in ia):
                bad += 1
            ga, gb = f.GetGeometryRef(), g.GetGeometryRef()
            if (ga is None) != (gb is None) or (ga is not None and ga.ExportToIsoWkb() != gb.ExportToIsoWkb()):
                bad += 1
        check(bad == 0, f"{what}: {name}: {bad} features differ from the GeoPackage's")
        if a.GetSpatialRef() is not None:
            check(b.GetSpatialRef() is not None and b.GetSpatialRef().IsSame(a.GetSpatialRef()),
                  f"{what}: {name} CRS")


def compare_styles_and_aliases(cluster, schema, gpkg, what):
    src = gdal.OpenEx(gpkg, gdal.OF_VECTOR)
    expected = {f["f_table_name"]: f["styleQML"] for f in src.GetLayerByName("layer_styles")}
    aliases = {}
    result = src.ExecuteSQL("SELECT table_name, column_name, name FROM gpkg_data_columns")
    for f in result:
        aliases[(f.GetField(0), f.GetField(1))] = f.GetField(2)
    src.ReleaseResultSet(result)
    pg = gdal.OpenEx(cluster.gdal, gdal.OF_VECTOR)
    result = pg.ExecuteSQL(
        "SELECT f_table_catalog, f_table_name, f_geometry_column, stylename, useasdefault::int, styleqml::text "
        f"FROM layer_styles WHERE f_table_schema = {lit(schema)} ORDER BY f_table_name")
    rows = [[f.GetField(i) for i in range(6)] for f in result]
    pg.ReleaseResultSet(result)
    check(sorted(r[1] for r in rows) == sorted(expected), f"{what}: one layer_styles row per styled layer")
    for catalog, table, geom, name, default, qml in rows:
        check(catalog == "scicov" and geom == "geom" and name == table and default == 1,
              f"{what}: {table} style row as QGIS matches it: {catalog} {geom} {name} {default}")
        try:
            root = ET.fromstring(qml)
            check(root.tag == "qgis" and root.find("renderer-v2") is not None, f"{what}: {table} QML is a style")
        except ET.ParseError as e:
            check(False, f"{what}: {table} QML parses: {e}")
        check(qml == expected.get(table), f"{what}: {table} QML is the GeoPackage's")
    comments = {(r[0], r[1]): r[2] for r in cluster.sql(
        "SELECT c.relname, a.attname, col_description(a.attrelid, a.attnum) FROM pg_attribute a "
        "JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        f"WHERE n.nspname = {lit(schema)} AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped "
        "AND col_description(a.attrelid, a.attnum) IS NOT NULL")}
    check(comments == aliases and len(aliases) > 50, f"{what}: every Chinese alias is its column's comment "
          f"({len(comments)} comments, {len(aliases)} aliases)")
    check(comments.get(("villages", "population")) == "人口", f"{what}: villages.population is 人口")


def snapshot(cluster, schema):
    """What a schema holds, independent of its name: tables with row counts and a hash of every
    row, the scicov style rows and the column comments."""
    out = {}
    for t in tables(cluster, schema):
        out[t] = cluster.sql(f"SELECT count(*), md5(string_agg(x::text, '|' ORDER BY fid)) "
                             f"FROM {ident(schema)}.{ident(t)} x")[0]
    out["(styles)"] = cluster.sql(f"SELECT f_table_name, md5(styleqml::text), useasdefault FROM layer_styles "
                                  f"WHERE f_table_schema = {lit(schema)} ORDER BY 1")
    out["(comments)"] = cluster.sql(
        "SELECT c.relname, a.attname, col_description(a.attrelid, a.attnum) FROM pg_attribute a "
        "JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        f"WHERE n.nspname = {lit(schema)} AND c.relkind = 'r' AND a.attnum > 0 ORDER BY 1, 2")
    return out


def wait_for(cluster, condition, process, seconds=600):
    """Polls pg_stat_activity until a backend matches (True) or the process ends (False)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if cluster.sql(f"SELECT count(*) FROM pg_stat_activity WHERE {condition}")[0][0] != "0":
            return True
        if process is not None and process.poll() is not None:
            return False
        time.sleep(0.02)
    return False


def wait_gone(cluster, app):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if cluster.sql(f"SELECT count(*) FROM pg_stat_activity WHERE application_name = {lit(app)}")[0][0] == "0":
            return
        time.sleep(0.05)


def qgis_check(cluster, schema, gpkg, what):
    """Opens the styled tables in real QGIS (postgres provider, headless) and the GeoPackage's layers
    (ogr provider): the same renderers, and the aliases from the style."""
    try:
        import qgis.core  # noqa: F401
    except ImportError:
        print("note: python3-qgis is not installed; the QGIS check is skipped (tools/install-deps installs it)")
        return
    script = f"""
import json, os, tempfile
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("XDG_RUNTIME_DIR", tempfile.mkdtemp())
from qgis.core import QgsApplication, QgsDataSourceUri, QgsVectorLayer
app = QgsApplication([], False); app.initQgis()
out = {{}}
for t in ["villages", "counties", "facilities", "gaps", "service_areas", "townships"]:
    uri = QgsDataSourceUri()
    uri.setConnection({cluster.sock!r}, {cluster.port!r}, {cluster.database!r}, "postgres", "")
    uri.setDataSource({schema!r}, t, "geom", "", "fid")
    pg = QgsVectorLayer(uri.uri(False), t, "postgres")
    gp = QgsVectorLayer({gpkg!r} + "|layername=" + t, t, "ogr")
    out[t] = [pg.isValid(), pg.renderer().type(), gp.renderer().type(), pg.attributeAliases(), gp.attributeAliases(),
              pg.featureCount()]
print("RESULT" + json.dumps(out))
app.exitQgis()
os._exit(0)
"""
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    line = [x for x in r.stdout.splitlines() if x.startswith("RESULT")]
    if not check(bool(line), f"{what}: QGIS ran ({r.stderr[-800:]})"):
        return
    for t, (valid, renderer, gpkg_renderer, aliases, gpkg_aliases, count) in json.loads(line[0][6:]).items():
        check(valid and count > 0, f"{what}: QGIS opens {t} from PostGIS")
        check(renderer == gpkg_renderer and (t == "townships" or renderer != "singleSymbol"),
              f"{what}: QGIS applies the stored style to {t} ({renderer} vs {gpkg_renderer})")
        named = {k: v for k, v in aliases.items() if v}
        check(named == {k: v for k, v in gpkg_aliases.items() if v} and named,
              f"{what}: {t}'s aliases in QGIS are the GeoPackage's ({len(named)})")


with pg_cluster.Cluster() as cluster:
    tmp = cluster.tmp
    cluster.sql(f"CREATE SCHEMA {ident(SCHEMA)}; CREATE SCHEMA reference")
    stage = os.path.join(tmp, "stage")
    os.mkdir(stage)
    env = dict(os.environ, TMPDIR=stage)  # where the staging GeoPackage goes
    pg = cluster.gdal
    a_gpkg, p_gpkg = os.path.join(tmp, "analyze.gpkg"), os.path.join(tmp, "plan.gpkg")
    check(scicov("analyze", SAMPLE, "-o", a_gpkg).returncode == 0, "analyze to a GeoPackage")
    check(scicov("plan", SAMPLE, "-o", p_gpkg).returncode == 0, "plan to a GeoPackage")

    # plan, then analyze, then plan again into one schema: each run replaces the one before.
    r = scicov("plan", SAMPLE, "-o", pg, "--schema", SCHEMA, env=env)
    check(r.returncode == 0, f"plan -o PG: ({r.returncode}: {r.stderr[-800:]})")
    check(tables(cluster, SCHEMA) == PLAN_TABLES, "plan wrote its ten tables")
    compare_layers(cluster, SCHEMA, p_gpkg, "plan")
    compare_styles_and_aliases(cluster, SCHEMA, p_gpkg, "plan")
    qgis_check(cluster, SCHEMA, p_gpkg, "plan")
    check(os.listdir(stage) == [], f"no staging file left ({os.listdir(stage)})")
    plan_state = snapshot(cluster, SCHEMA)

    r = scicov("analyze", SAMPLE, "-o", pg, "--schema", SCHEMA, env=env)
    check(r.returncode == 0, f"analyze -o PG: replacing the plan ({r.returncode}: {r.stderr[-800:]})")
    check(tables(cluster, SCHEMA) == ANALYZE_TABLES, "analyze after plan: proposed_sites, plan_summary and plan_horizon are gone")
    compare_layers(cluster, SCHEMA, a_gpkg, "analyze")
    compare_styles_and_aliases(cluster, SCHEMA, a_gpkg, "analyze")
    analyze_state = snapshot(cluster, SCHEMA)
    check(analyze_state != plan_state, "the analyze state differs from the plan's")

    r = scicov("plan", SAMPLE, "-o", pg, "--schema", SCHEMA, env=env)
    check(r.returncode == 0 and snapshot(cluster, SCHEMA) == plan_state,
          "plan after analyze: exactly the first plan's tables, rows, styles and comments again")
    before = plan_state

    # Killed while blocked just before its commit (the test holds a lock on layer_styles): every
    # table is already dropped and refilled inside the run's transaction.
    app = "scicov_kill"
    killing = pg + f" application_name={app}"
    holder = subprocess.Popen(["runuser", "-u", "postgres", "--"] + cluster.psql() + ["-At"] if os.geteuid() == 0
                              else cluster.psql() + ["-At"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    holder.stdin.write("BEGIN; LOCK TABLE layer_styles IN SHARE MODE; SELECT 'locked';\n")
    holder.stdin.flush()
    check(holder.stdout.readline().strip() == "locked", "the test holds a lock on layer_styles")
    run = subprocess.Popen([SCICOV, "-q", "analyze", SAMPLE, "-o", killing, "--schema", SCHEMA], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    blocked = wait_for(cluster, f"application_name = {lit(app)} AND wait_event_type = 'Lock'", run)
    check(blocked, "the run reached its styles, inside its transaction, and waits for the lock")
    check(wait_for(cluster, f"application_name = {lit(app)} AND backend_xid IS NOT NULL", run, 5),
          "the blocked run has written inside its transaction")
    run.send_signal(signal.SIGKILL)
    run.wait()
    check(run.returncode == -signal.SIGKILL, f"the run was killed (exit {run.returncode})")
    holder.stdin.write("ROLLBACK;\n")
    holder.stdin.close()
    holder.wait()
    wait_gone(cluster, app)
    check(snapshot(cluster, SCHEMA) == before, "killed before its commit: the schema is exactly as it was")

    # Killed at several moments of its transaction: the schema is always the old or the new run.
    killed_midway = 0
    for delay in (0.0, 0.25, 0.75):
        run = subprocess.Popen([SCICOV, "-q", "analyze", SAMPLE, "-o", killing, "--schema", SCHEMA], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        started = wait_for(cluster, f"application_name = {lit(app)} AND backend_xid IS NOT NULL", run)
        time.sleep(delay)
        run.send_signal(signal.SIGKILL)
        run.wait()
        wait_gone(cluster, app)
        state = snapshot(cluster, SCHEMA)
        check(state == before or state == analyze_state,
              f"killed {delay} s into its transaction: the schema is the old or the new run, never a mix")
        if state == before and started and run.returncode == -signal.SIGKILL:
            killed_midway += 1
        if state != before:  # it committed before the kill: put the old state back
            scicov("plan", SAMPLE, "-o", pg, "--schema", SCHEMA)
            check(snapshot(cluster, SCHEMA) == before, "plan restores the old state")
    print(f"note: {killed_midway} of 3 timed kills landed inside the transaction")
    check(killed_midway >= 1, "at least one timed kill landed inside the transaction")
    print(f"note: staging files the SIGKILLs left in TMPDIR: {len(os.listdir(stage))}")
    # (the last kill may land after its commit, leaving nothing): a file as a killed run leaves it,
    # under the pid of a process that is gone, and its journal
    gone = subprocess.Popen(["true"])
    gone.wait()
    for suffix in ("", "-journal"):
        with open(os.path.join(stage, f"scicov-postgis.gpkg.tmp-{gone.pid}-1.gpkg{suffix}"), "wb") as f:
            f.write(b"SQLite format 3\0")
    r = scicov("plan", SAMPLE, "-o", pg, "--schema", SCHEMA, env=env)
    check(r.returncode == 0 and snapshot(cluster, SCHEMA) == before, "the next run writes the plan again")
    check(os.listdir(stage) == [], f"the next PostGIS run removed the killed runs' staging files ({os.listdir(stage)})")

    # Errors: one clear message, exit 1 (2 for usage), nothing written.
    bad = f"PG:host={os.path.join(tmp, 'nowhere')} port={cluster.port} user=postgres password=hunter2 dbname=scicov"
    r = scicov("analyze", SAMPLE, "-o", bad, "--schema", SCHEMA)
    check(r.returncode == 1 and "cannot connect to PostgreSQL" in r.stderr and "hunter2" not in r.stderr,
          f"a bad connection: exit 1, one message, no password ({r.returncode}: {r.stderr})")
    r = scicov("analyze", SAMPLE, "-o", pg, "--schema", "missing")
    check(r.returncode == 1 and 'schema "missing" does not exist' in r.stderr,
          f"a missing schema: exit 1 naming it ({r.returncode}: {r.stderr})")
    r = scicov("analyze", SAMPLE, "-o", pg.replace("dbname=scicov", "dbname=postgres"))
    check(r.returncode == 1 and "PostGIS is not installed" in r.stderr,
          f"a database without PostGIS: exit 1 ({r.returncode}: {r.stderr})")
    r = scicov("analyze", SAMPLE, "-o", os.path.join(tmp, "x.gpkg"), "--schema", SCHEMA)
    check(r.returncode == 2 and "--schema" in r.stderr and not os.path.exists(os.path.join(tmp, "x.gpkg")),
          f"--schema without PG: is a usage error ({r.returncode}: {r.stderr})")
    check(snapshot(cluster, SCHEMA) == before, "the failed runs wrote nothing")
    check(cluster.sql("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'spatial_ref_sys' "
                      "AND tablename <> 'layer_styles'") == [["0"]], "nothing went into public")

    # The default schema is public.
    r = scicov("analyze", SAMPLE, "-o", pg)
    check(r.returncode == 0 and tables(cluster, "public") == sorted(ANALYZE_TABLES + ["layer_styles",
                                                                                      "spatial_ref_sys"]),
          f"without --schema the tables go into public ({r.stderr[-300:]})")

finish()
