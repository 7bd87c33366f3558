"""The scicov Processing provider in real QGIS (Debian's python3-qgis, headless): registered from
the repo's plugin folder, run with processing.run on the sample's layers loaded as QGIS layers (one
of them copied into a memory layer), outputs valid and styled from the stored styles and equal to the
command line's own output, a plan loaded into a project in map order, progress parsed, Cancel
leaving nothing, and a scicov error surfacing as its one-line message. Kept small with --county.
Skipped (exit 0 with a note) when python3-qgis is not installed."""
import glob
import os
import subprocess
import sys
import tempfile
import zipfile

sys.path.insert(0, os.path.dirname(__file__))
from e2e import GEODATA, SCICOV, check, rows, run  # noqa: E402
from qgis_harness import finish_qgis, skip_without_qgis, start  # noqa: E402

skip_without_qgis()
from qgis.core import (QgsApplication, QgsCategorizedSymbolRenderer, QgsFeatureRequest,
                       QgsGraduatedSymbolRenderer, QgsProcessingException, QgsProcessingFeedback,
                       QgsProject, QgsVectorLayer)  # noqa: E402

SOURCE = os.environ.get("SCICOV_SOURCE", os.path.join(os.path.dirname(__file__), "..", ".."))
SAMPLE = os.path.join(GEODATA, "sample.gpkg")
COUNTIES = "510403,510411"  # two small Panzhihua districts: 26 + 89 villages
work = tempfile.mkdtemp(prefix="scicov-qgis-provider-")

app = start()
sys.path.append("/usr/share/qgis/python/plugins")
import processing  # noqa: E402
from processing.core.Processing import Processing  # noqa: E402
from processing.core.ProcessingConfig import ProcessingConfig  # noqa: E402

Processing.initialize()
sys.path.insert(0, os.path.join(SOURCE, "qgis"))
from scicov_processing.provider import ScicovProvider  # noqa: E402
from scicov_processing.runner import StageProgress  # noqa: E402

provider = ScicovProvider()
check(QgsApplication.processingRegistry().addProvider(provider), "the scicov provider registers")
ids = sorted(a.id() for a in provider.algorithms())
check(ids == ["scicov:analyze", "scicov:map", "scicov:plan", "scicov:report"], f"four algorithms ({ids})")
ProcessingConfig.setSettingValue("SCICOV_EXECUTABLE", os.path.abspath(SCICOV))

analyze = QgsApplication.processingRegistry().algorithmById("scicov:analyze")
params = {p.name(): p for p in analyze.parameterDefinitions()}
check(not params["VILLAGES"].flags() & params["VILLAGES"].FlagOptional, "villages is required")
check(all(params[p].flags() & params[p].FlagOptional
          for p in ["FACILITIES", "CANDIDATES", "TOWNSHIPS", "COUNTIES", "ROADS"]), "the other roles are optional")
check("Coverage" in analyze.shortHelpString() or "覆盖" in analyze.shortHelpString(), "analyze has help text")
check("村(社区)" in params["VILLAGES"].description() and "Villages" in params["VILLAGES"].description(),
      "labels are Chinese and English")

# The parser on its own: stage lines in pieces, a warning between them.
sp = StageProgress(2)
p1, _ = sp.feed("reading villages: 0...10...20")
p2, msgs = sp.feed("...100 - done.\nwarning: something\ncoverage: 0...50")
check(0 < p1 < p2 < 100 and msgs == ["warning: something"] and abs(p2 - 75.0) < 5,
      f"progress parsed across chunks ({p1:.1f}, {p2:.1f}, {msgs})")


def sample_layer(name):
    layer = QgsVectorLayer(f"{SAMPLE}|layername={name}", name, "ogr")
    check(layer.isValid(), f"sample {name} loads")
    return layer


villages, townships, counties, facilities, candidates = (
    sample_layer(n) for n in ["villages", "townships", "counties", "facilities", "candidates"])
memory_facilities = facilities.materialize(QgsFeatureRequest())
check(memory_facilities.providerType() == "memory" and memory_facilities.featureCount() == facilities.featureCount(),
      "facilities copied into a memory layer")
QgsProject.instance().addMapLayers([villages, townships, counties, memory_facilities, candidates])


class Recorder(QgsProcessingFeedback):
    """Keeps what the dialog would show: the bar's values and the log."""

    def __init__(self, cancel_at=None):
        super().__init__()
        self.values, self.log = [], []
        self.cancel_at = cancel_at
        self.progressChanged.connect(self.on_progress)

    def on_progress(self, value):
        self.values.append(value)
        if self.cancel_at is not None and value >= self.cancel_at:
            self.cancel()

    def pushInfo(self, info):  # noqa: N802
        self.log.append(info)
        super().pushInfo(info)


# 1. analyze with the memory layer, compared with the command line on the sample file itself.
out = os.path.join(work, "analyze.gpkg")
fb = Recorder()
result = processing.run("scicov:analyze", {
    "VILLAGES": villages, "FACILITIES": memory_facilities, "TOWNSHIPS": townships, "COUNTIES": counties,
    "COUNTY": COUNTIES, "OUTPUT": out, "LOAD": False}, feedback=fb)
check(result.get("OUTPUT") == out and os.path.isfile(out), "analyze writes its GeoPackage")
check(any("temporary GeoPackage" in line for line in fb.log), "the memory layer went through a temporary GeoPackage")
steps = [v for v in fb.values if 0 < v < 100]
check(len(set(steps)) >= 5 and steps == sorted(steps), f"the bar moves forward with the stages ({len(set(steps))} values)")
check(max(fb.values, default=0) == 100, "the bar ends at 100")
cli = os.path.join(work, "cli.gpkg")
r = run("analyze", "--layer", f"villages={SAMPLE}:villages", "--layer", f"facilities={SAMPLE}:facilities",
        "--layer", f"townships={SAMPLE}:townships", "--layer", f"counties={SAMPLE}:counties",
        "--county", "510403", "--county", "510411", "-o", cli)
check(r.returncode == 0, f"the same analysis on the command line ({r.stderr.strip()})")
ours, theirs = rows(out, "counties", key="code"), rows(cli, "counties", key="code")
check(sorted(ours) == ["510403", "510411"] and ours == theirs, "counties equal the command line's, field by field")
check(rows(out, "villages", key="code") == rows(cli, "villages", key="code"), "villages equal the command line's")

styled = {"villages": QgsCategorizedSymbolRenderer, "counties": QgsCategorizedSymbolRenderer,
          "facilities": QgsCategorizedSymbolRenderer, "gaps": QgsCategorizedSymbolRenderer}
for name, cls in styled.items():
    layer = QgsVectorLayer(f"{out}|layername={name}", name, "ogr")
    check(layer.isValid() and layer.featureCount() > 0, f"analyze output {name} is valid and not empty")
    check(isinstance(layer.renderer(), cls), f"{name} opens with its stored style ({type(layer.renderer()).__name__})")
    del layer

# 2. plan, loaded into the project as the dialog does (runAndLoadResults → Processing's post-processing).
plan_out = os.path.join(work, "plan.gpkg")
before = set(QgsProject.instance().mapLayers())
result = processing.runAndLoadResults("scicov:plan", {
    "VILLAGES": villages, "FACILITIES": facilities, "CANDIDATES": candidates, "TOWNSHIPS": townships,
    "COUNTIES": counties, "COUNTY": "510403", "PER_YEAR": 2, "OUTPUT": plan_out}, feedback=Recorder())
check(os.path.isfile(plan_out), "plan writes its GeoPackage")
loaded = [QgsProject.instance().mapLayer(i) for i in set(QgsProject.instance().mapLayers()) - before]
by_table = {layer.customProperty("scicov/table"): layer for layer in loaded}
check({"villages", "counties", "proposed_sites", "gaps", "facilities"} <= set(by_table),
      f"the plan's layers are loaded into the project ({sorted(by_table)})")
sites = by_table.get("proposed_sites")
check(sites is not None and sites.isValid() and sites.featureCount() > 0, "proposed sites loaded, not empty")
check(sites is not None and isinstance(sites.renderer(), QgsGraduatedSymbolRenderer)
      and sites.renderer().classAttribute() == "year", "proposed sites styled by year (stored style)")
check(all(not type(layer.renderer()).__name__ == "QgsSingleSymbolRenderer"
          for t, layer in by_table.items() if t in ("villages", "counties", "facilities", "gaps")),
      "loaded layers keep their stored classified styles")
group = QgsProject.instance().layerTreeRoot().findGroup(f"scicov plan: {os.path.basename(plan_out)}")
order = [n.layer().customProperty("scicov/table") for n in group.findLayers()] if group else []
check(order[:1] == ["counties"] and order.index("proposed_sites") < order.index("villages"),
      f"loaded into one group, boundaries on top, villages below ({order})")

# 3. Cancel as soon as the bar moves: nothing left, neither the output nor a temporary file.
cancel_out = os.path.join(work, "cancelled.gpkg")
fb = Recorder(cancel_at=1)
try:
    result = processing.run("scicov:plan", {
        "VILLAGES": villages, "FACILITIES": facilities, "CANDIDATES": candidates, "TOWNSHIPS": townships,
        "COUNTIES": counties, "OUTPUT": cancel_out, "LOAD": False}, feedback=fb)
    check(not result.get("OUTPUT"), f"a cancelled run returns no output ({result})")
except QgsProcessingException:
    pass  # a cancelled run may also end in an exception
check(fb.isCanceled(), "the run was cancelled")
check(not os.path.exists(cancel_out), "cancel: no output file")
check(not glob.glob(cancel_out + ".tmp-*"), f"cancel: no temporary file ({glob.glob(cancel_out + '.tmp-*')})")

# 4. A scicov error is one clear message, scicov's own line.
try:
    processing.run("scicov:analyze", {"VILLAGES": villages, "COUNTY": "999999",
                                      "OUTPUT": os.path.join(work, "bad.gpkg"), "LOAD": False}, feedback=Recorder())
    check(False, "an unknown county fails")
except QgsProcessingException as e:
    message = str(e.args[0]) if e.args else str(e)
    check(message.startswith("scicov: ") and "999999" in message and "\n" not in message,
          f"the error is scicov's one line ({message!r})")
check(not os.path.exists(os.path.join(work, "bad.gpkg")), "a failed run writes nothing")

# 5. map and report of the plan's output.
png = os.path.join(work, "map.png")
processing.run("scicov:map", {"INPUT": plan_out, "TYPE": "science_room", "DATE": "2026-01-01", "WIDTH": 600,
                              "OUTPUT": png}, feedback=Recorder())
check(os.path.isfile(png), "map writes its file")
if os.path.isfile(png):
    with open(png, "rb") as f:
        check(f.read(8) == b"\x89PNG\r\n\x1a\n", "map writes a PNG")
html = os.path.join(work, "report.html")
processing.run("scicov:report", {"INPUT": plan_out, "DATE": "2026-01-01", "MAP_WIDTH": 500, "OUTPUT": html},
               feedback=Recorder())
check(os.path.isfile(html), "report writes its file")
if os.path.isfile(html):
    with open(html, encoding="utf-8") as f:
        check("<html" in f.read(2000).lower(), "report writes HTML")

# 6. The executable setting: a file that cannot run is one clear message naming it.
not_a_program = os.path.join(work, "no-such-scicov")
with open(not_a_program, "w") as f:
    f.write("not a program\n")
ProcessingConfig.setSettingValue("SCICOV_EXECUTABLE", not_a_program)
try:
    processing.run("scicov:report", {"INPUT": plan_out, "OUTPUT": os.path.join(work, "r2.html")})
    check(False, "a missing executable fails")
except QgsProcessingException as e:
    check("no-such-scicov" in str(e.args[0] if e.args else e), "a missing executable is named in the message")

# 7. The zip tools/build-qgis-plugin makes installs as "Install from ZIP" does (unpacked into a
# plugins folder) and its plugin registers the provider through QGIS's own plugin loader.
QgsApplication.processingRegistry().removeProvider(provider)
zip_path = os.path.join(work, "plugin.zip")
built = subprocess.run([os.path.join(SOURCE, "tools", "build-qgis-plugin"), "-o", zip_path],
                       capture_output=True, text=True)
check(built.returncode == 0 and os.path.isfile(zip_path), f"the plugin zip builds ({built.stderr.strip()})")
plugins = os.path.join(work, "plugins")
with zipfile.ZipFile(zip_path) as z:
    names = z.namelist()
    check("scicov_processing/metadata.txt" in names and "scicov_processing/__init__.py" in names
          and all(n.startswith("scicov_processing/") for n in names) and not any("__pycache__" in n for n in names),
          "the zip holds one plugin folder with metadata.txt and __init__.py at its top")
    z.extractall(plugins)
import qgis.utils  # noqa: E402

for module in [m for m in sys.modules if m == "scicov_processing" or m.startswith("scicov_processing.")]:
    del sys.modules[module]  # load the installed copy, not the repo's
sys.path.remove(os.path.join(SOURCE, "qgis"))
qgis.utils.plugin_paths = [plugins]
sys.path.insert(0, plugins)
qgis.utils.updateAvailablePlugins()
check("scicov_processing" in qgis.utils.available_plugins, "QGIS finds the installed plugin")
check(qgis.utils.pluginMetadata("scicov_processing", "hasProcessingProvider") == "yes",
      "its metadata declares a Processing provider")
check(qgis.utils.loadPlugin("scicov_processing") and qgis.utils.startProcessingPlugin("scicov_processing"),
      "QGIS loads and starts the installed plugin")
installed = QgsApplication.processingRegistry().providerById("scicov")
check(installed is not None and installed.algorithm("analyze") is not None, "the installed plugin adds scicov:analyze")
check(os.path.dirname(sys.modules["scicov_processing"].__file__).startswith(plugins), "from the installed folder")
qgis.utils.unloadPlugin("scicov_processing")
check(QgsApplication.processingRegistry().providerById("scicov") is None, "unloading removes the provider")

# Leave without the interpreter's teardown, which can crash in PyQGIS after exitQgis().
QgsProject.instance().removeAllMapLayers()
finish_qgis(app)
