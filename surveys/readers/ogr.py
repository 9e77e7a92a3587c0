"""GIS layers read through GDAL (pyogrio): GeoJSON, GeoPackage and zipped Shapefiles.

Attributes become text columns; a point geometry becomes two more, ``_longitude`` and ``_latitude``, in
WGS 84 (EPSG:4326) whatever the layer's CRS. Features without a point (missing, empty, lines, polygons)
get "" there, and the validator refuses them. The first layer of a multi-layer file is read.
"""

import warnings
from pathlib import Path, PurePosixPath

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from ..exceptions import UnreadableFile
from .base import Limits, RawTable, Reader, cell_text, check_archive, named_table, register, short_reason

LONGITUDE, LATITUDE = "_longitude", "_latitude"
WGS84 = 4326
REPROJECTED_DECIMALS = 8  # about a millimetre; enough, and hides the noise of the transformation


class OgrReader(Reader):
    label = "GIS file"

    def source(self, path: Path, limits: Limits) -> str:
        return str(path)

    def read(self, path: Path, limits: Limits) -> RawTable:
        source = self.source(path, limits)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                data = pyogrio.read_dataframe(source)
        except Exception as error:  # GDAL's errors are many and unhelpful as types; its message is the reason
            reason = short_reason(error, path).split(";")[0]
            if "not recognized as" in reason or "not recognised as" in reason:
                raise UnreadableFile(f"it is not a valid {self.label}") from error
            raise UnreadableFile(f"GDAL cannot read it as a {self.label} ({reason})") from error
        return layer_table(self.format, data)


def layer_table(format: str, data: pd.DataFrame) -> RawTable:
    geometry = data.geometry if isinstance(data, gpd.GeoDataFrame) else None
    attributes = data.drop(columns=[geometry.name] if geometry is not None else [])
    attributes = attributes.drop(columns=[c for c in (LONGITUDE, LATITUDE) if c in attributes.columns])
    frame = pd.DataFrame(
        {str(name): attributes[name].astype(object).map(cell_text) for name in attributes.columns},
        index=range(len(data)),
        dtype=str,
    )
    longitude, latitude = point_coordinates(geometry, len(data))
    frame[LONGITUDE] = pd.Series(longitude, dtype=str)
    frame[LATITUDE] = pd.Series(latitude, dtype=str)
    return named_table(format, frame, np.arange(1, len(data) + 1))


def point_coordinates(geometry: gpd.GeoSeries | None, count: int) -> tuple[list[str], list[str]]:
    """Longitude and latitude text of each point in EPSG:4326; "" where a feature has no single point."""
    if geometry is None:
        return [""] * count, [""] * count
    reprojected = geometry.crs is not None and geometry.crs.to_epsg() != WGS84
    if reprojected:
        geometry = geometry.to_crs(WGS84)
    shapes = np.asarray(geometry.array, dtype=object)
    # A multipoint holding one point (some tools write every point layer as multipoints) is that point.
    single = (shapely.get_type_id(shapes) == shapely.GeometryType.MULTIPOINT) & (
        shapely.get_num_geometries(shapes) == 1
    )
    shapes = np.where(single, shapely.get_geometry(shapes, 0), shapes)
    is_point = (shapely.get_type_id(shapes) == shapely.GeometryType.POINT) & ~shapely.is_empty(shapes)
    points = np.where(is_point, shapes, None)
    x, y = shapely.get_x(points), shapely.get_y(points)
    return _texts(x, is_point, reprojected), _texts(y, is_point, reprojected)


def _texts(values: np.ndarray, present: np.ndarray, rounded: bool) -> list[str]:
    if rounded:
        values = np.round(values, REPROJECTED_DECIMALS)
    pairs = zip(values, present, strict=True)
    return [repr(float(value)) if ok and np.isfinite(value) else "" for value, ok in pairs]


@register("geojson", suffixes=(".geojson", ".json"))
class GeoJsonReader(OgrReader):
    label = "GeoJSON file"


@register("gpkg", suffixes=(".gpkg",))
class GeoPackageReader(OgrReader):
    label = "GeoPackage"


@register("shapefile", suffixes=(".shp.zip", ".zip"))
class ShapefileReader(OgrReader):
    """A zip holding one Shapefile (.shp with its .shx, .dbf, .prj); read in place through /vsizip/."""

    label = "zipped Shapefile"

    def source(self, path: Path, limits: Limits) -> str:
        members = check_archive(path, limits, what="zipped Shapefile")
        shapefiles = [
            member.filename
            for member in members
            if member.filename.lower().endswith(".shp")
            and not member.is_dir()
            and not member.filename.startswith("__MACOSX/")
            and not PurePosixPath(member.filename).name.startswith("._")
        ]
        if not shapefiles:
            raise UnreadableFile("the zip holds no Shapefile (.shp)")
        if len(shapefiles) > 1:
            raise UnreadableFile(
                f"the zip holds {len(shapefiles)} Shapefiles ({', '.join(shapefiles)}); send one per file"
            )
        return f"/vsizip/{path}/{shapefiles[0]}"
