"""Project layers → `--layer ROLE=PATH[:LAYER]` arguments, as QGIS's GDAL provider turns layers
into OGR sources (GdalAlgorithm.getOgrCompatibleSource): a layer read by OGR straight from a file
is passed by path; anything else (a memory layer, a layer with a subset filter, a database or web
layer) is first written to a temporary GeoPackage with QGIS's own writer."""
import os

from qgis.core import (QgsProcessingException, QgsProviderRegistry, QgsVectorFileWriter,
                       QgsVectorLayer)


def file_source(layer):
    """(path, layer name or None) when OGR reads this layer from a file as it is; else None."""
    if layer.providerType() != "ogr" or layer.subsetString():
        return None
    parts = QgsProviderRegistry.instance().decodeUri("ogr", layer.source())
    path = parts.get("path") or ""
    if not path or not os.path.isfile(path):
        return None
    return path, parts.get("layerName") or None


def export_to_gpkg(layer, role, folder, context):
    """Writes the layer (its features as QGIS sees them: filters applied, edits included) to
    FOLDER/ROLE.gpkg, layer ROLE. Returns the path."""
    path = os.path.join(folder, f"{role}.gpkg")
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = role
    options.fileEncoding = "UTF-8"
    result = QgsVectorFileWriter.writeAsVectorFormatV3(layer, path, context.transformContext(), options)
    if result[0] != QgsVectorFileWriter.NoError:
        raise QgsProcessingException(f"cannot write layer {layer.name()!r} ({role}) to {path}: {result[1]}")
    return path


def layer_argument(layer: QgsVectorLayer, role, folder, context, feedback):
    """The `--layer` value for one role."""
    source = file_source(layer)
    if source is None:
        feedback.pushInfo(f"{role}: {layer.name()} → temporary GeoPackage 临时 GeoPackage")
        return f"{role}={export_to_gpkg(layer, role, folder, context)}:{role}"
    path, name = source
    return f"{role}={path}:{name}" if name else f"{role}={path}"
