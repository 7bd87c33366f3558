"""The QGIS project scicov stores inside its output GeoPackage, opened and rendered by real QGIS
(Debian's python3-qgis, headless): stored as QGIS stores one (qgis_projects: name, metadata,
content = a .qgz as hex), layers referenced relative to the GeoPackage (the project still opens
after the file moves), every layer valid, a group per facility type under one mutually exclusive
group with only one visible, boundaries on top and villages at the bottom, each group styled for its
type, proposed sites labelled with their years, and a render that is not blank and changes with the
type shown. Same input, same bytes. Skipped (exit 0 with a note) when python3-qgis is not
installed."""
import io
import os
import re
import shutil
import sqlite3
import sys
import tempfile
import zipfile

sys.path.insert(0, os.path.dirname(__file__))
from e2e import GEODATA, check, finish, rows, run  # noqa: E402
from qgis_harness import finish_qgis, skip_without_qgis, start  # noqa: E402

skip_without_qgis()
from qgis.core import (QgsCategorizedSymbolRenderer, QgsGraduatedSymbolRenderer,
                       QgsLayerTreeGroup, QgsMapRendererParallelJob, QgsMapSettings, QgsProject)  # noqa: E402
from qgis.PyQt.QtCore import QSize  # noqa: E402
from qgis.PyQt.QtGui import QColor  # noqa: E402

work = tempfile.mkdtemp(prefix="scicov-qgis-project-")
sample = os.path.join(GEODATA, "sample.gpkg")
counties = ["--county", "510402", "--county", "510403", "--county", "510411"]  # Panzhihua's three districts
out = os.path.join(work, "plan.gpkg")
r = run("plan", sample, "-o", out, *counties)
check(r.returncode == 0, f"plan exits 0 ({r.stderr.strip()})")
if r.returncode != 0:
    finish()
again = os.path.join(work, "again", "plan.gpkg")
os.makedirs(os.path.dirname(again))
run("plan", sample, "-o", again, *counties)
with open(out, "rb") as a, open(again, "rb") as b:
    check(a.read() == b.read(), "same input, same bytes (the embedded project included)")

# Storage: QGIS's own table and encoding.
db = sqlite3.connect(out)
schema = db.execute("SELECT sql FROM sqlite_master WHERE name = 'qgis_projects'").fetchone()
check(schema is not None and schema[0] == "CREATE TABLE qgis_projects(name TEXT PRIMARY KEY, metadata BLOB, content BLOB)",
      f"qgis_projects is the table QGIS creates ({schema})")
name, metadata, content = db.execute("SELECT name, metadata, content FROM qgis_projects").fetchone()
db.close()
check(name == "scicov" and '"last_modified_time"' in metadata, "one project named scicov with QGIS's metadata JSON")
archive = zipfile.ZipFile(io.BytesIO(bytes.fromhex(content)))
qgs_names = [n for n in archive.namelist() if n.endswith(".qgs")]
check(len(qgs_names) == 1, f"content is a .qgz holding one .qgs ({archive.namelist()})")
qgs = archive.read(qgs_names[0]).decode("utf-8")
check("./plan.gpkg|layername=villages" in qgs and work not in qgs,
      "layers are referenced relative to the GeoPackage, no absolute path")

app = start()
project = QgsProject.instance()
moved = os.path.join(work, "moved")
os.makedirs(moved)
shutil.copy(out, moved)  # the project must follow its GeoPackage
ok = project.read(f"geopackage:{os.path.join(moved, 'plan.gpkg')}?projectName=scicov")
check(ok, "QGIS reads the project from the GeoPackage (after moving the file)")
layers = list(project.mapLayers().values())
invalid = [layer.name() for layer in layers if not layer.isValid()]
check(len(layers) >= 20 and not invalid, f"{len(layers)} layers, all valid ({invalid})")
check(all(moved in layer.source() for layer in layers), "layers resolve next to the moved GeoPackage")
check("2026" in project.title() or "年" in project.title(), f"the title names the plan's years ({project.title()})")

root = project.layerTreeRoot()
by_type = root.findGroup("设施类型 facility types")
check(by_type is not None and by_type.isMutuallyExclusive(), "the type groups are mutually exclusive")
groups = [n for n in by_type.children() if isinstance(n, QgsLayerTreeGroup)] if by_type else []
names = [g.name() for g in groups]
check(len(groups) == 4 and all(any(k in n for n in names) for k in ["science_museum", "science_base", "e_station",
                                                                        "science_room"]),
      f"a group per facility type ({names})")
visible = [g for g in groups if g.isVisible()]
check(len(visible) == 1 and "science_room" in visible[0].name(), f"only one type visible: the science room ({[g.name() for g in visible]})")


def tables(group):
    return [re.search(r"layername=([^|]+)", n.layer().source()).group(1) for n in group.findLayers()]


def layer_of(group, table):
    return next(n.layer() for n in group.findLayers() if f"layername={table}" in n.layer().source())


room = visible[0] if visible else groups[0]
order = tables(room)
check(order == ["counties", "townships", "proposed_sites", "facilities", "gaps", "service_areas", "villages"],
      f"layer order: boundaries on top, villages at the bottom ({order})")
e_station = next(g for g in groups if "e_station" in g.name())
v = layer_of(e_station, "villages")
check(isinstance(v.renderer(), QgsCategorizedSymbolRenderer) and v.renderer().classAttribute() == "cov_e_station",
      f"the e-station group colours villages by e-station coverage ({v.renderer().classAttribute()})")
check(layer_of(room, "villages").renderer().classAttribute() == "cov_science_room", "the science-room group by theirs")
check(layer_of(e_station, "counties").renderer().classAttribute() == "met_e_station", "counties by the group's target")
gaps = layer_of(e_station, "gaps")
expected_gaps = sum(1 for g in rows(out, "gaps") if g["type"] == "e_station")
check(gaps.featureCount() == expected_gaps and expected_gaps > 0,
      f"the group's gaps are its type's ({gaps.featureCount()} of {expected_gaps})")
check(all(c.renderState() for c in gaps.renderer().categories()), "the group's gaps are drawn")
sites = layer_of(room, "proposed_sites")
years = sorted({f["year"] for f in rows(out, "proposed_sites") if f["type"] == "science_room"})
check(isinstance(sites.renderer(), QgsGraduatedSymbolRenderer), "proposed sites graduated by year")
check(sites.labelsEnabled() and sites.labeling().settings().fieldName == "year", "proposed sites labelled by year")
check(bool(years) and str(years[0]) in sites.name() and str(years[-1]) in sites.name(),
      f"the layer name gives the plan's years ({sites.name()}, {years[:1]}…{years[-1:]})")
check(layer_of(room, "counties").labelsEnabled(), "counties labelled")
check(not project.viewSettings().defaultViewExtent().isNull(), "the project opens on the villages' extent")


def render(png):
    """What the canvas shows: the visible layers in layer-tree order, on the project's view."""
    settings = QgsMapSettings()
    settings.setLayers([n.layer() for n in root.findLayers() if n.isVisible()])
    settings.setDestinationCrs(project.crs())
    settings.setExtent(project.viewSettings().defaultViewExtent())
    settings.setOutputSize(QSize(1200, 900))
    settings.setBackgroundColor(QColor(255, 255, 255))
    settings.setFlag(QgsMapSettings.DrawLabeling, True)
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    image.save(png, "PNG")
    colours = {}
    for y in range(0, image.height(), 3):
        for x in range(0, image.width(), 3):
            rgb = image.pixel(x, y) & 0xFFFFFF
            colours[rgb] = colours.get(rgb, 0) + 1
    return colours


png = os.environ.get("SCICOV_QGIS_PROJECT_PNG", os.path.join(work, "project.png"))
first = render(png)
print("render:", png)
check(len([k for k, n in first.items() if n >= 20]) >= 5, "the render is not blank")


def share(colours, test):
    return sum(n for rgb, n in colours.items() if test((rgb >> 16) & 255, (rgb >> 8) & 255, rgb & 255)) / sum(colours.values())


greens = share(first, lambda r, g, b: g > r + 20 and g > b + 20)
reds = share(first, lambda r, g, b: r > g + 60 and r > b + 60)
check(greens > 0.05, f"covered villages drawn in green ({greens:.1%} of the image)")
check(reds > 0.005, f"gaps, unmet county borders and late plan years drawn in red ({reds:.1%})")
room.setItemVisibilityChecked(False)
e_station.setItemVisibilityChecked(True)
check([g.name() for g in groups if g.isVisible()] == [e_station.name()], "ticking e-stations shows only them")
second = render(png.replace(".png", "_e_station.png"))
changed = sum(abs(first.get(k, 0) - second.get(k, 0)) for k in set(first) | set(second))
check(changed > 1000, f"the map changes with the type shown ({changed} pixels of difference)")

project.clear()
finish_qgis(app)
