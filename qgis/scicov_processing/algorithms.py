"""The scicov algorithms: analyze (coverage analysis), plan (site planning), map and report. Each
builds the scicov command line from its parameters, runs it through runner.run_scicov and, for
analyze and plan, loads the output GeoPackage's map layers with their stored styles."""
import os
import re
import shutil
import tempfile

from qgis.core import (QgsProcessing, QgsProcessingAlgorithm, QgsProcessingContext,
                       QgsProcessingException, QgsProcessingLayerPostProcessorInterface,
                       QgsProcessingOutputMultipleLayers, QgsProcessingParameterBoolean,
                       QgsProcessingParameterCrs, QgsProcessingParameterDefinition,
                       QgsProcessingParameterEnum, QgsProcessingParameterFile,
                       QgsProcessingParameterFileDestination, QgsProcessingParameterNumber,
                       QgsProcessingParameterString, QgsProcessingParameterVectorLayer,
                       QgsProcessingUtils, QgsVectorLayer)

from .layers import layer_argument
from .runner import run_scicov

# role, parameter, label, geometry, required
ROLES = [
    ("villages", "VILLAGES", "村(社区)图层 Villages (polygons: code, name, population)",
     QgsProcessing.TypeVectorPolygon, True),
    ("facilities", "FACILITIES", "现有科普设施 Existing facilities (points, field 'type')",
     QgsProcessing.TypeVectorPoint, False),
    ("candidates", "CANDIDATES", "候选场所 Candidate host sites (points)", QgsProcessing.TypeVectorPoint, False),
    ("townships", "TOWNSHIPS", "乡镇(街道) Townships (polygons)", QgsProcessing.TypeVectorPolygon, False),
    ("counties", "COUNTIES", "县(区) Counties (polygons)", QgsProcessing.TypeVectorPolygon, False),
    ("exclusions", "EXCLUSIONS", "禁止选址区 Exclusion areas (polygons)", QgsProcessing.TypeVectorPolygon, False),
    ("roads", "ROADS", "道路 Roads (lines, for travel-time rules)", QgsProcessing.TypeVectorLine, False),
]

# The output's map layers, top to bottom as they are grouped in the Layers panel.
MAP_LAYERS = [
    ("counties", "县界 counties"),
    ("townships", "乡镇界 townships"),
    ("proposed_sites", "规划新增站点 proposed sites"),
    ("facilities", "现有设施 facilities"),
    ("gaps", "覆盖缺口 gaps"),
    ("service_areas", "服务范围 service areas"),
    ("villages", "村(社区)覆盖 villages"),
    ("plan_summary", "规划结果 plan summary"),
]
DATUMS = ["", "gcj02", "bd09"]
SOLVERS = ["automatic", "exact", "heuristic"]
YEAR_SCOPES = ["city", "county"]


def _codes(text):
    """County codes from "530326, 510403" (commas, semicolons or spaces)."""
    return [c for c in re.split(r"[\s,;，；]+", text or "") if c]


class _GroupPlacer(QgsProcessingLayerPostProcessorInterface):
    """After Processing adds an output layer to the project, moves it into one group per run in
    the MAP_LAYERS order (boundaries on top, villages at the bottom). QGIS keeps only a C++
    pointer to a post-processor, so the instances are kept alive here."""
    alive = []

    def __init__(self, group_name):
        super().__init__()
        self.group_name = group_name
        _GroupPlacer.alive.append(self)

    @staticmethod
    def rank(layer):
        table = layer.customProperty("scicov/table", "") if layer is not None else ""
        names = [t for t, _ in MAP_LAYERS]
        return names.index(table) if table in names else len(names)

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802
        # Processing may have applied its own default style (Options → Processing → Outputs);
        # the GeoPackage's stored style is the one meant.
        layer.loadDefaultStyle()
        layer.triggerRepaint()
        root = context.project().layerTreeRoot()
        node = root.findLayer(layer.id())
        if node is None:
            return
        group = root.findGroup(self.group_name) or root.insertGroup(0, self.group_name)
        position = sum(1 for n in group.findLayers() if self.rank(n.layer()) < self.rank(layer))
        group.insertChildNode(position, node.clone())
        node.parent().removeChildNode(node)


class ScicovAlgorithm(QgsProcessingAlgorithm):
    """What the four algorithms share: names, groups, help and the command run."""
    NAME = ""
    DISPLAY = ""
    HELP = ""

    def createInstance(self):  # noqa: N802
        return type(self)()

    def name(self):
        return self.NAME

    def displayName(self):  # noqa: N802
        return self.DISPLAY

    def shortHelpString(self):  # noqa: N802
        return self.HELP

    def helpUrl(self):  # noqa: N802
        return ""

    def _advanced(self, parameter):
        parameter.setFlags(parameter.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
        self.addParameter(parameter)


class _CoverageAlgorithm(ScicovAlgorithm):
    """analyze and plan: project layers in, one GeoPackage out, its map layers loaded styled."""
    COMMAND = ""

    def group(self):
        return "覆盖分析与规划 Coverage and planning"

    def groupId(self):  # noqa: N802
        return "coverage"

    def initAlgorithm(self, config=None):  # noqa: N802
        for role, param, label, geometry, required in ROLES:
            # The default is the role's name: a project layer called "villages" is preselected.
            self.addParameter(QgsProcessingParameterVectorLayer(
                param, label, [geometry], defaultValue=role, optional=not required))
        self.addParameter(QgsProcessingParameterFile(
            "RULES", "规则文件 Rules file (TOML; empty: the default rules)",
            behavior=QgsProcessingParameterFile.File, extension="toml", optional=True))
        self.addParameter(QgsProcessingParameterString(
            "COUNTY", "只算这些县 Only these counties (6-digit codes, comma separated)", optional=True))
        self.add_command_parameters()
        self.addParameter(QgsProcessingParameterCrs(
            "OUT_CRS", "输出坐标系 Output CRS (empty: EPSG:4490, CGCS2000)", "EPSG:4490", optional=True))
        self._advanced(QgsProcessingParameterEnum(
            "DATUM", "设施/候选点坐标来自网络地图 Points copied from Chinese web maps (datum)",
            ["WGS84 / CGCS2000", "GCJ-02 (高德 Amap, 腾讯 Tencent)", "BD-09 (百度 Baidu)"], defaultValue=0))
        self._advanced(QgsProcessingParameterNumber(
            "THREADS", "线程数 Worker threads (0: one per core)", QgsProcessingParameterNumber.Integer, 0, minValue=0))
        self._advanced(QgsProcessingParameterNumber(
            "CIRCLE_SEGMENTS", "服务圆每四分之一的顶点数 Vertices per quarter of a service disc",
            QgsProcessingParameterNumber.Integer, 32, minValue=1, maxValue=1024))
        self.addParameter(QgsProcessingParameterFileDestination(
            "OUTPUT", "输出 GeoPackage Output GeoPackage", "GeoPackage (*.gpkg)"))
        self.addParameter(QgsProcessingParameterFileDestination(
            "CSV", "各县汇总 CSV Per-county summary (CSV)", "CSV (*.csv)", optional=True, createByDefault=False))
        self.addParameter(QgsProcessingParameterFileDestination(
            "JSON", "各县汇总 JSON Per-county summary (JSON)", "JSON (*.json)", optional=True,
            createByDefault=False))
        self.addParameter(QgsProcessingParameterBoolean(
            "LOAD", "载入结果图层 Load the result layers (with their stored styles)", defaultValue=True))
        self.addOutput(QgsProcessingOutputMultipleLayers("LAYERS", "结果图层 Result layers"))

    def add_command_parameters(self):
        """The subcommand's own options (plan adds its solver and phasing options)."""

    def command_arguments(self, parameters, context):
        return []

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        output = self.parameterAsFileOutput(parameters, "OUTPUT", context)
        csv = self.parameterAsFileOutput(parameters, "CSV", context)
        json = self.parameterAsFileOutput(parameters, "JSON", context)
        folder = tempfile.mkdtemp(prefix="scicov-", dir=QgsProcessingUtils.tempFolder())
        try:
            args, roles = self.input_arguments(parameters, context, feedback, folder)
            args += ["-o", output] + self.common_options(parameters, context, roles)
            args += self.command_arguments(parameters, context)
            if csv:
                args += ["--csv", csv]
            if json:
                args += ["--json", json]
            stages = len(roles) + 3 + (1 if self.COMMAND == "plan" else 0)  # reading…, locating, coverage, gaps
            completed, _ = run_scicov([self.COMMAND, *args], feedback, [p for p in (output, csv, json) if p], stages)
        finally:
            shutil.rmtree(folder, ignore_errors=True)  # the exported memory layers
        if not completed:
            return {}
        results = {"OUTPUT": output, "LAYERS": []}
        if csv:
            results["CSV"] = csv
        if json:
            results["JSON"] = json
        if self.parameterAsBoolean(parameters, "LOAD", context):
            results["LAYERS"] = self.load_outputs(output, context, feedback)
        return results

    def input_arguments(self, parameters, context, feedback, folder):
        args, roles = [], []
        for role, param, _, _, required in ROLES:
            layer = self.parameterAsVectorLayer(parameters, param, context)
            if layer is None:
                if required:
                    raise QgsProcessingException(f"请选择村(社区)图层 a villages layer is required ({param})")
                continue
            args += ["--layer", layer_argument(layer, role, folder, context, feedback)]
            roles.append(role)
        return args, roles

    def common_options(self, parameters, context, roles):
        args = []
        rules = self.parameterAsFile(parameters, "RULES", context)
        if rules:
            args += ["--rules", rules]
        for code in _codes(self.parameterAsString(parameters, "COUNTY", context)):
            args += ["--county", code]
        crs = self.parameterAsCrs(parameters, "OUT_CRS", context)
        if crs.isValid():
            args += ["--out-crs", crs.authid() or crs.toWkt()]
        datum = DATUMS[self.parameterAsEnum(parameters, "DATUM", context)]
        if datum:
            args += [a for role in ("facilities", "candidates") if role in roles
                     for a in ("--datum", f"{role}={datum}")]
        args += ["--threads", str(self.parameterAsInt(parameters, "THREADS", context)),
                 "--circle-segments", str(self.parameterAsInt(parameters, "CIRCLE_SEGMENTS", context))]
        return args

    def load_outputs(self, output, context, feedback):
        """The output's map layers, opened with their default (stored) styles and handed to
        Processing to add to the project when the run completes, grouped in map order."""
        ids = []
        group = f"scicov {self.COMMAND}: {os.path.basename(output)}"
        for table, title in MAP_LAYERS:
            layer = QgsVectorLayer(f"{output}|layername={table}", title, "ogr")
            if not layer.isValid():
                continue  # analyze has no proposed_sites / plan_summary
            layer.setCustomProperty("scicov/table", table)
            context.temporaryLayerStore().addMapLayer(layer)
            details = QgsProcessingContext.LayerDetails(title, context.project(), "LAYERS")
            details.forceName = True
            details.setPostProcessor(_GroupPlacer(group))
            context.addLayerToLoadOnCompletion(layer.id(), details)
            ids.append(layer.id())
        return ids


class AnalyzeAlgorithm(_CoverageAlgorithm):
    NAME = "analyze"
    COMMAND = "analyze"
    DISPLAY = "覆盖分析 Coverage analysis (scicov analyze)"
    HELP = (
        "<p>测算各类科普设施（科技馆、科普教育基地、科普e站、村(社区)科普室）覆盖哪些村(社区)和多少人口，"
        "找出覆盖缺口，并按乡镇、县对照目标汇总。</p>"
        "<p>Measures which villages and people each facility type reaches, finds the gaps, and "
        "summarises every township and county against its targets (scicov analyze).</p>"
        "<p><b>Inputs 输入</b>: the layers of the open project. Only villages is required; a layer "
        "read from a file is passed by path, a memory layer or a filtered layer is first written to a "
        "temporary GeoPackage. 图层来自当前项目：文件图层直接传路径，内存图层或带筛选的图层先写入临时 GeoPackage。</p>"
        "<p><b>Output 输出</b>: one GeoPackage (villages, townships, counties, facilities, "
        "service_areas, gaps, run) with QGIS styles stored inside, and a QGIS project named "
        "<i>scicov</i> in it (Browser → the GeoPackage → scicov) showing the finished map, one "
        "facility type at a time. 输出的 GeoPackage 内含样式和一个名为 scicov 的 QGIS 项目。</p>"
        "<p>Cancel stops scicov and leaves no file. 取消会终止 scicov，不留下文件。</p>")


class PlanAlgorithm(_CoverageAlgorithm):
    NAME = "plan"
    COMMAND = "plan"
    DISPLAY = "选址规划 Site planning (scicov plan)"
    HELP = (
        "<p>为每个县、每类设施从候选场所（或村点）中选出最少的新站点使覆盖达标，按边际收益排序并分年度实施；"
        "或给定站点数求最大覆盖。</p>"
        "<p>Proposes new sites so that every county meets its targets: per county and type the "
        "fewest sites (or least cost) from the candidate host buildings (or village points), solved "
        "exactly with CBC under a time limit, ordered by marginal gain and phased by year. "
        "<i>Budget</i> (TYPE=N) asks instead for the N sites covering the most priority-weighted "
        "people; TYPE=1..N gives the coverage-vs-sites curve (scicov plan).</p>"
        "<p><b>Output 输出</b>: everything the analysis writes plus proposed_sites (by year) and "
        "plan_summary, styled, with the embedded QGIS project <i>scicov</i>.</p>"
        "<p>Inputs as for the coverage analysis; Cancel stops scicov and leaves no file.</p>")

    def add_command_parameters(self):
        self.addParameter(QgsProcessingParameterString(
            "BUDGET", "预算 Budget: TYPE=N or TYPE=1..N (comma separated; empty: meet the targets)",
            optional=True))
        self.addParameter(QgsProcessingParameterNumber(
            "PER_YEAR", "每年每类新增站点数 New sites a year per type (empty: from the rules)",
            QgsProcessingParameterNumber.Integer, None, optional=True, minValue=1))
        self.addParameter(QgsProcessingParameterNumber(
            "START_YEAR", "规划起始年份 First year of the plan (empty: from the rules)",
            QgsProcessingParameterNumber.Integer, None, optional=True, minValue=1900, maxValue=2200))
        self._advanced(QgsProcessingParameterEnum(
            "YEAR_SCOPE", "年度名额 Yearly budget shared", ["全市 city-wide", "各县 each county"], defaultValue=0))
        self._advanced(QgsProcessingParameterNumber(
            "BY_YEAR", "到此年份全部达标所需的年度站点数 Sites a year to meet every target by this year",
            QgsProcessingParameterNumber.Integer, None, optional=True, minValue=1900, maxValue=2200))
        self._advanced(QgsProcessingParameterEnum(
            "SOLVER", "求解方法 Solver", ["自动 automatic", "精确 exact (CBC)", "启发式 heuristic"], defaultValue=0))
        self._advanced(QgsProcessingParameterNumber(
            "TIME_LIMIT", "每县每类求解时限(秒) Solver time limit per county and type (s)",
            QgsProcessingParameterNumber.Double, None, optional=True, minValue=0))
        self._advanced(QgsProcessingParameterNumber(
            "GAP", "相对间隙 Stop at this relative gap (0: prove optimality)",
            QgsProcessingParameterNumber.Double, 0.0, minValue=0, maxValue=1))
        self._advanced(QgsProcessingParameterNumber(
            "MIN_SPACING", "同类新站最小间距(米) Metres between new sites of one type (empty: from the rules)",
            QgsProcessingParameterNumber.Double, None, optional=True, minValue=0))

    def command_arguments(self, parameters, context):
        args = []
        for budget in [b for b in re.split(r"[,;，；\s]+", self.parameterAsString(parameters, "BUDGET", context) or "")
                       if b]:
            args += ["--budget", budget]
        for param, option, integer in (("PER_YEAR", "--per-year", True), ("START_YEAR", "--start-year", True),
                                       ("BY_YEAR", "--by-year", True), ("TIME_LIMIT", "--time-limit", False),
                                       ("MIN_SPACING", "--min-spacing", False)):
            if parameters.get(param) is None:
                continue
            value = (self.parameterAsInt if integer else self.parameterAsDouble)(parameters, param, context)
            args += [option, str(value)]
        args += ["--year-scope", YEAR_SCOPES[self.parameterAsEnum(parameters, "YEAR_SCOPE", context)],
                 "--solver", SOLVERS[self.parameterAsEnum(parameters, "SOLVER", context)],
                 "--gap", repr(self.parameterAsDouble(parameters, "GAP", context))]
        return args


class _OutputAlgorithm(ScicovAlgorithm):
    """map and report: an analyze/plan GeoPackage in, one file out."""

    def group(self):
        return "制图与报告 Maps and reports"

    def groupId(self):  # noqa: N802
        return "outputs"

    def add_input(self):
        self.addParameter(QgsProcessingParameterFile(
            "INPUT", "scicov 输出 GeoPackage (from analyze or plan)",
            behavior=QgsProcessingParameterFile.File, extension="gpkg"))

    def add_date(self):
        self.addParameter(QgsProcessingParameterString(
            "DATE", "日期 Date printed, YYYY-MM-DD (empty: today)", optional=True))

    def run_to(self, args, output, context, feedback):
        completed, _ = run_scicov([self.NAME, *args, "-o", output], feedback, [output], 1)
        return {"OUTPUT": output} if completed else {}

    def date_args(self, parameters, context):
        date = (self.parameterAsString(parameters, "DATE", context) or "").strip()
        return ["--date", date] if date else []


class MapAlgorithm(_OutputAlgorithm):
    NAME = "map"
    DISPLAY = "专题图 Map (scicov map)"
    HELP = (
        "<p>绘制分析或规划结果的专题图：按某类设施的覆盖给村(社区)着色，缺口以斜线表示，县界、乡镇界、现有设施、"
        "按年份的规划站点、图例、比例尺和指北针。格式由扩展名决定：PNG、SVG 或 PDF。</p>"
        "<p>Draws a map of an output GeoPackage (scicov map): villages coloured by coverage of one "
        "type, gaps hatched, borders, existing facilities, proposed sites by year, legend, scale bar "
        "and north arrow. The format follows the extension: .png, .svg or .pdf.</p>")

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_input()
        self.addParameter(QgsProcessingParameterString(
            "TYPE", "设施类型 Facility type (rules key)", "science_room"))
        self.addParameter(QgsProcessingParameterString(
            "COUNTY", "缩放到县(6位)或市(4位) Zoom to a county (6 digits) or a city (4 digits)", optional=True))
        self.addParameter(QgsProcessingParameterNumber(
            "WIDTH", "宽度(像素) Width in pixels", QgsProcessingParameterNumber.Integer, 1600, minValue=100))
        self.addParameter(QgsProcessingParameterString("TITLE", "标题 Title (empty: place and type)", optional=True))
        self.add_date()
        self.addParameter(QgsProcessingParameterFileDestination(
            "OUTPUT", "地图 Map file", "PNG (*.png);;SVG (*.svg);;PDF (*.pdf)"))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        args = [self.parameterAsFile(parameters, "INPUT", context),
                "--type", self.parameterAsString(parameters, "TYPE", context),
                "--width", str(self.parameterAsInt(parameters, "WIDTH", context))]
        county = (self.parameterAsString(parameters, "COUNTY", context) or "").strip()
        if county:
            args += ["--county", county]
        title = (self.parameterAsString(parameters, "TITLE", context) or "").strip()
        if title:
            args += ["--title", title]
        args += self.date_args(parameters, context)
        return self.run_to(args, self.parameterAsFileOutput(parameters, "OUTPUT", context), context, feedback)


class ReportAlgorithm(_OutputAlgorithm):
    NAME = "report"
    DISPLAY = "规划报告 Report (scicov report)"
    HELP = (
        "<p>生成一个独立的 HTML 报告（查看和打印都无需联网）：各县目标、规划前后覆盖率、缺口和逐年站点、地图、"
        "覆盖—站点数曲线、城乡覆盖对比、所用输入和规则。</p>"
        "<p>Writes one self-contained HTML report of an output GeoPackage (scicov report): per-county "
        "targets, shares before and after the plan, gaps and sites per year, maps, the plan year by "
        "year, coverage-vs-sites curves, urban vs rural coverage, and the inputs and rules used.</p>")

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_input()
        self.add_date()
        self.addParameter(QgsProcessingParameterNumber(
            "MAP_WIDTH", "地图宽度(像素) Width of the maps in pixels", QgsProcessingParameterNumber.Integer, 1400,
            minValue=100))
        self.addParameter(QgsProcessingParameterFileDestination("OUTPUT", "报告 Report (HTML)", "HTML (*.html)"))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        args = [self.parameterAsFile(parameters, "INPUT", context),
                "--map-width", str(self.parameterAsInt(parameters, "MAP_WIDTH", context))]
        args += self.date_args(parameters, context)
        return self.run_to(args, self.parameterAsFileOutput(parameters, "OUTPUT", context), context, feedback)
