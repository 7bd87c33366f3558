"""QGIS itself opens the plan's GeoPackage: every layer is valid, its stored default style (the
layer_styles table) is applied on load, the Chinese aliases show, and a render of villages +
counties is not blank. Skipped (exit 0 with a note) when python3-qgis is not installed."""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from e2e import GEODATA, check, finish, run  # noqa: E402

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("XDG_RUNTIME_DIR", tempfile.mkdtemp(prefix="scicov-xdg-"))
try:
    from qgis.core import (QgsApplication, QgsCategorizedSymbolRenderer, QgsGraduatedSymbolRenderer,
                           QgsMapRendererSequentialJob,
                           QgsMapSettings, QgsSingleSymbolRenderer, QgsVectorLayer)
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor
except ImportError:
    print("SKIP: python3-qgis is not installed (tools/install-deps installs it)")
    print("0 passed, 0 failed")
    sys.exit(0)

work = tempfile.mkdtemp(prefix="scicov-qgis-")
out = os.path.join(work, "plan.gpkg")
r = run("plan", os.path.join(GEODATA, "sample.gpkg"), "-o", out)
check(r.returncode == 0, f"plan on the sample exits 0 ({r.stderr.strip()})")
if r.returncode != 0:
    finish()

app = QgsApplication([], False)
app.initQgis()

layers = {}
for name in ["villages", "townships", "counties", "facilities", "service_areas", "gaps", "proposed_sites"]:
    layer = QgsVectorLayer(f"{out}|layername={name}", name, "ogr")
    check(layer.isValid(), f"{name} loads in QGIS")
    layers[name] = layer

cat = QgsCategorizedSymbolRenderer
expect = {  # layer -> (renderer class, classification attribute or None)
    "villages": (cat, "cov_science_room"),
    "counties": (cat, "met_science_room"),
    "facilities": (cat, "type"),
    "service_areas": (cat, "type"),
    "proposed_sites": (QgsGraduatedSymbolRenderer, "year"),
    "townships": (QgsSingleSymbolRenderer, None),
    "gaps": (cat, "type"),
}
for name, (cls, attr) in expect.items():
    rend = layers[name].renderer()
    check(isinstance(rend, cls), f"{name}: the stored renderer is applied ({type(rend).__name__})")
    if attr and isinstance(rend, (cat, QgsGraduatedSymbolRenderer)):
        check(rend.classAttribute() == attr, f"{name}: categorised on {attr} ({rend.classAttribute()})")

v = layers["villages"]
cats = {c.value(): c for c in v.renderer().categories()} if isinstance(v.renderer(), cat) else {}
check(set(map(str, cats)) == {"0", "1"}, f"villages: categories covered / not covered ({list(cats)})")
if cats:
    covered = next(c for k, c in cats.items() if str(k) == "1").symbol().color().name()
    uncovered = next(c for k, c in cats.items() if str(k) == "0").symbol().color().name()
    check(covered == "#cfe6c1", f"villages: covered in the map's green ({covered})")
    check(uncovered == "#f6d5c3", f"villages: not covered in the map's salmon ({uncovered})")
check(not v.labelsEnabled(), "villages: labels stored but off")
population = v.fields().indexOf("population")
check(v.attributeAlias(population) == "人口", f"villages.population alias is 人口 ({v.attributeAlias(population)!r})")
check(v.attributeDisplayName(population) == "人口", "villages.population shows as 人口")
check(layers["counties"].attributeAlias(layers["counties"].fields().indexOf("name")) == "名称", "counties.name alias 名称")

c = layers["counties"]
check(c.labelsEnabled(), "counties: labels on")
if c.labeling() is not None:
    s = c.labeling().settings()
    check(s.fieldName == "name", f"counties: labelled by name ({s.fieldName})")
    check(s.format().font().family() == "Noto Sans CJK SC", f"counties: label font ({s.format().font().family()})")

gaps = layers["gaps"].renderer()
if isinstance(gaps, cat):
    gap_classes = gaps.categories()  # keep the copies alive while their symbols are read
    drawn = [str(c.value()) for c in gap_classes if c.renderState()]
    check(drawn == ["science_room"], f"gaps: only the science room's gaps drawn at first ({drawn})")
    check(all(c.symbol().symbolLayer(0).layerType() == "LinePatternFill" for c in gap_classes),
          "gaps: hatched (line pattern fill)")
    check(gap_classes[0].symbol().symbolLayer(0).color().name() == "#b03a2e", "gaps: the map's red")

f = layers["facilities"].renderer()
if isinstance(f, cat):
    shapes = {str(c.value()): c.symbol().symbolLayer(0).shape() for c in f.categories()}
    check(len(set(shapes.values())) == len(shapes) >= 4, f"facilities: a marker shape per type ({shapes})")

p = layers["proposed_sites"].renderer()
if isinstance(p, QgsGraduatedSymbolRenderer):
    ranges = p.ranges()
    years = [f["year"] for f in layers["proposed_sites"].getFeatures()]
    check(1 <= len(ranges) <= 6, f"proposed_sites: up to six year classes ({len(ranges)})")
    unclassed = [y for y in years if p.rangeForValue(y) is None]
    check(not unclassed, f"proposed_sites: every site's year falls in a class ({unclassed[:5]})")

# Render villages under counties into an image: several distinct colours means it drew.
settings = QgsMapSettings()
settings.setLayers([c, v])
settings.setDestinationCrs(v.crs())
extent = v.extent()
extent.scale(1.05)
settings.setExtent(extent)
settings.setOutputSize(QSize(1000, 800))
settings.setBackgroundColor(QColor(255, 255, 255))
job = QgsMapRendererSequentialJob(settings)
job.start()
job.waitForFinished()
image = job.renderedImage()
png = os.environ.get("SCICOV_QGIS_PNG", os.path.join(work, "qgis_render.png"))
image.save(png, "PNG")
print("render:", png)
colours = {}
for y in range(0, image.height(), 4):
    for x in range(0, image.width(), 4):
        rgb = image.pixel(x, y) & 0xFFFFFF
        colours[rgb] = colours.get(rgb, 0) + 1
common = [k for k, n in colours.items() if n >= 20]
check(len(common) >= 4, f"the render is not blank ({len(common)} common colours)")
check(0xCFE6C1 in colours and 0xF6D5C3 in colours, "the render shows covered green and uncovered salmon")

# Qt objects first, then QGIS; and leave without the interpreter's teardown, which can crash in
# PyQGIS after exitQgis() once the result is already decided and printed.
del job, settings, image, v, c, gaps, f, p, rend
layers.clear()
app.exitQgis()
try:
    finish()
except SystemExit as done:
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(done.code or 0)
