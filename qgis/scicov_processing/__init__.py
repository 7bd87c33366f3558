"""scicov Processing: a QGIS plugin that adds the "scicov" provider to the Processing Toolbox.
QGIS calls classFactory when it loads the plugin."""


def classFactory(iface):  # noqa: N802 (QGIS's name)
    from .plugin import ScicovPlugin
    return ScicovPlugin(iface)
