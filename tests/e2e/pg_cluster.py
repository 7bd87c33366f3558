"""A throw-away PostgreSQL cluster with PostGIS for the end-to-end tests: initdb and pg_ctl under a
temporary folder, listening only on a Unix socket there (no TCP), trust authentication, the
tools run as the postgres user when we are root (initdb refuses root). Debian's postgresql-15 and
postgresql-15-postgis-3 (tools/install-deps)."""
import glob
import os
import shutil
import subprocess
import sys
import tempfile


def pg_bin():
    """The newest installed PostgreSQL's bin folder, or None."""
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return os.path.dirname(bins[-1]) if bins else None


def skip_without_postgres():
    """Exits 0 with a note when PostgreSQL is not installed (the only reason to skip)."""
    if pg_bin() is None:
        print("SKIP: PostgreSQL is not installed (tools/install-deps installs postgresql-15 and postgis)")
        print("0 passed, 0 failed")
        sys.exit(0)


def as_postgres(cmd, **kw):
    """Runs a PostgreSQL tool, as the postgres user when we are root."""
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--"] + cmd
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


class Cluster:
    """`with Cluster() as pg:` starts a cluster with a database `scicov` that has PostGIS;
    `pg.gdal` is its "PG:" connection string, `pg.sql(...)` runs SQL through psql. Stopped and
    removed on exit."""

    def __init__(self, database="scicov", settings=(), server_env=None):
        """`settings`: server settings ("name=value") on top of the defaults (the benchmark's peer
        turns durability off, as one would for a throw-away analysis database). `server_env`:
        environment variables for the server (the benchmark's peer can preload an allocator)."""
        self.bin = pg_bin()
        self.server_env = [f"{k}={v}" for k, v in (server_env or {}).items()]
        self.settings = "".join(f" -c {s}" for s in settings)
        self.database = database
        self.tmp = tempfile.mkdtemp(prefix="scicov-pg-")
        os.chmod(self.tmp, 0o777)
        self.data, self.sock = os.path.join(self.tmp, "data"), os.path.join(self.tmp, "sock")
        os.mkdir(self.sock)
        os.chmod(self.sock, 0o777)
        self.port = str(54000 + os.getpid() % 1000)
        self.started = False
        self.gdal = f"PG:host={self.sock} port={self.port} user=postgres dbname={database}"

    def dsn(self, database=None):
        """A libpq connection string (psycopg2, psql) to `database` (default: the cluster's)."""
        return f"host={self.sock} port={self.port} user=postgres dbname={database or self.database}"

    def psql(self, database=None):
        return [os.path.join(self.bin, "psql"), "-h", self.sock, "-p", self.port, "-U", "postgres", "-X", "-q",
                "-v", "ON_ERROR_STOP=1", "-d", database or self.database]

    def sql(self, statement, database=None):
        """Runs SQL; returns the rows as lists of strings (unaligned, tab-separated); raises on error."""
        r = as_postgres(self.psql(database) + ["-At", "-F", "\t", "-c", statement])
        if r.returncode != 0:
            raise RuntimeError(f"psql: {statement[:200]}: {r.stderr}")
        return [line.split("\t") for line in r.stdout.splitlines()]

    def __enter__(self):
        try:
            r = as_postgres([os.path.join(self.bin, "initdb"), "-D", self.data, "-A", "trust", "-U", "postgres",
                             "-E", "UTF8", "--locale=C.UTF-8"])
            if r.returncode != 0:
                raise RuntimeError(f"initdb: {r.stderr[-500:]}")
            env = ["env", *self.server_env] if self.server_env else []
            r = as_postgres(env + [os.path.join(self.bin, "pg_ctl"), "-D", self.data, "-w", "-l",
                             os.path.join(self.tmp, "log"), "-o",
                             f"-k {self.sock} -p {self.port} -c listen_addresses=''{self.settings}", "start"])
            self.started = r.returncode == 0
            if not self.started:
                raise RuntimeError(f"pg_ctl start: {r.stdout[-500:]} {r.stderr[-500:]}")
            self.sql(f"CREATE DATABASE {self.database}", database="postgres")
            self.sql("CREATE EXTENSION postgis")
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc):
        if self.started:
            as_postgres([os.path.join(self.bin, "pg_ctl"), "-D", self.data, "-m", "immediate", "stop"])
            self.started = False
        shutil.rmtree(self.tmp, ignore_errors=True)
        return False
