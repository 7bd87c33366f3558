"""What the end-to-end tests that run inside QGIS share: a headless QgsApplication (or a skip when
Debian's python3-qgis is missing) and a way out that does not crash in PyQGIS's teardown."""
import os
import sys
import tempfile

from e2e import finish

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("XDG_RUNTIME_DIR", tempfile.mkdtemp(prefix="scicov-xdg-"))


def skip_without_qgis():
    """Exits 0 with a note when PyQGIS cannot be imported."""
    try:
        import qgis.core  # noqa: F401
    except ImportError:
        print("SKIP: python3-qgis is not installed (tools/install-deps installs it)")
        print("0 passed, 0 failed")
        sys.exit(0)


def start():
    from qgis.core import QgsApplication
    app = QgsApplication([], False)
    app.initQgis()
    return app


def finish_qgis(app):
    """Prints the result and leaves without the interpreter's teardown, which can crash in PyQGIS
    after exitQgis() once the result is already decided and printed."""
    app.exitQgis()
    try:
        finish()
    except SystemExit as done:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(done.code or 0)
