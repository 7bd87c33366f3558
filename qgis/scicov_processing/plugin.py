"""The plugin object QGIS loads: it only registers the Processing provider (as QGIS's own
Processing plugins do, through initProcessing, so the provider also exists in qgis_process)."""
from qgis.core import QgsApplication

from .provider import ScicovProvider


class ScicovPlugin:
    def __init__(self, iface=None):
        self.iface = iface
        self.provider = None

    def initProcessing(self):  # noqa: N802 (QGIS's name)
        self.provider = ScicovProvider()
        QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self):  # noqa: N802
        self.initProcessing()

    def unload(self):
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
