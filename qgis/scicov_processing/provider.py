"""The "scicov" Processing provider: its algorithms and its one setting, the scicov executable
(Processing → Options → Providers → scicov), as QGIS's GDAL provider keeps the GDAL path."""
import os

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from .algorithms import AnalyzeAlgorithm, MapAlgorithm, PlanAlgorithm, ReportAlgorithm
from .runner import EXECUTABLE_SETTING

try:  # the Processing plugin's settings; absent only when Processing itself is not loaded
    from processing.core.ProcessingConfig import ProcessingConfig, Setting
except ImportError:  # pragma: no cover
    ProcessingConfig = Setting = None


class ScicovProvider(QgsProcessingProvider):
    def id(self):
        return "scicov"

    def name(self):
        return "scicov"

    def longName(self):  # noqa: N802
        return "scicov 科普设施覆盖分析与规划 (science facility coverage and planning)"

    def icon(self):
        return QIcon(os.path.join(os.path.dirname(__file__), "icon.svg"))

    def load(self):
        if ProcessingConfig is not None:
            ProcessingConfig.settingIcons[self.name()] = self.icon()
            ProcessingConfig.addSetting(Setting(
                self.name(), EXECUTABLE_SETTING,
                "scicov executable 可执行文件 (empty: found on PATH)", "",
                valuetype=Setting.FILE))
            ProcessingConfig.readSettings()
        self.refreshAlgorithms()
        return True

    def unload(self):
        if ProcessingConfig is not None:
            ProcessingConfig.removeSetting(EXECUTABLE_SETTING)

    def loadAlgorithms(self):  # noqa: N802
        for alg in (AnalyzeAlgorithm(), PlanAlgorithm(), MapAlgorithm(), ReportAlgorithm()):
            self.addAlgorithm(alg)
