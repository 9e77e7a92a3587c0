"""GIS layers read through GDAL (pyogrio): GeoJSON, GeoPackage and zipped Shapefiles.

Attributes become text columns; a point geometry becomes two more, ``_longitude`` and ``_latitude``, in
WGS 84 (EPSG:4326) whatever the layer's CRS. Features without a point (missing, empty, lines, polygons)
get "" there, and the validator refuses them. The first layer of a multi-layer file is read.

GDAL picks a driver by what a file holds, not by its name: a ".geojson" that is really an OGR VRT document
opens as VRT and reads whatever local file or URL it names. So a file is first checked to start the way its
format starts, and then read in a child process whose GDAL has that one driver and no network.
"""

import io
import json
import mmap
import os
import re
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path, PurePosixPath

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from ..exceptions import DisguisedFile, UnreadableFile
from .base import Limits, RawTable, Reader, cell_text, check_archive, named_table, register, short_reason

LONGITUDE, LATITUDE = "_longitude", "_latitude"
WGS84 = 4326
REPROJECTED_DECIMALS = 8  # about a millimetre; enough, and hides the noise of the transformation
READ_TIMEOUT_SECONDS = 3600
PROJECT_ROOT = Path(__file__).resolve().parents[2]

SQLITE_MAGIC = b"SQLite format 3\x00"
SHAPEFILE_MAGIC = b"\x00\x00\x27\x0a"  # file code 9994, big-endian
HEAD_BYTES = 64 * 1024
# A GeoJSON "crs" may name a file or a URL that GDAL then opens; only these spellings of a CRS are let in.
_CRS_MEMBER = re.compile(rb'"crs"\s*:')
_CRS_NAME = re.compile(r"^(urn:ogc:def:crs:(EPSG|OGC):[\d.]*:[\w.]+|EPSG:\d+|CRS84)$", re.IGNORECASE)
# The child's GDAL: no HTTP (a proxy that cannot be reached; /vsicurl/ allows no name), no SQLite tricks.
_NO_NETWORK = {
    "GDAL_HTTP_PROXY": "127.0.0.1:0",
    "GDAL_HTTPS_PROXY": "127.0.0.1:0",
    "GDAL_HTTP_TIMEOUT": "1",
    "GDAL_HTTP_MAX_RETRY": "0",
    "CPL_VSIL_CURL_ALLOWED_FILENAME": "/vsicurl/http://no-network.invalid/",
    "OGR_SQLITE_ALLOW_EXTERNAL_ACCESS": "NO",
}
_KEPT_ENVIRONMENT = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "HOME")
_CHILD = (
    "import sys; sys.path.insert(0, sys.argv[3]); from surveys.readers.ogr import child_main; child_main()"
)


def sandbox_environment(driver: str) -> dict[str, str]:
    """The child's environment: GDAL with only ``driver`` registered (GDAL_SKIP names every other), no
    network, and none of the parent's proxy, GDAL or cloud settings."""
    others = sorted(set(pyogrio.list_drivers()) - {driver})
    kept = {name: os.environ[name] for name in _KEPT_ENVIRONMENT if name in os.environ}
    return kept | _NO_NETWORK | {"GDAL_SKIP": ",".join(others)}


def child_main() -> None:
    """In the child: check GDAL has only the one driver, read the layer, print it as CSV text."""
    source, driver = sys.argv[1], sys.argv[2]
    registered = set(pyogrio.list_drivers())
    if registered != {driver}:
        sys.exit(f"GDAL drivers not restricted to {driver}: {sorted(registered)}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            data = pyogrio.read_dataframe(source)
    except Exception as error:
        sys.exit(str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__)
    layer_frame(data).to_csv(sys.stdout, index=False)


def read_layer(source: str, *, driver: str) -> pd.DataFrame:
    """The layer's text frame, read in a child process; RuntimeError with GDAL's message if it fails."""
    try:
        done = subprocess.run(
            [sys.executable, "-I", "-c", _CHILD, source, driver, str(PROJECT_ROOT)],
            env=sandbox_environment(driver),
            capture_output=True,
            timeout=READ_TIMEOUT_SECONDS,
            cwd="/",
        )
    except subprocess.TimeoutExpired as error:
        raise RuntimeError(f"reading it took longer than {READ_TIMEOUT_SECONDS} s") from error
    if done.returncode:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RuntimeError(lines[-1] if lines else f"the reader stopped (exit code {done.returncode})")
    return pd.read_csv(io.BytesIO(done.stdout), dtype=str, keep_default_na=False, na_filter=False)


def _head(path: Path) -> bytes:
    with path.open("rb") as file:
        return file.read(HEAD_BYTES)


class OgrReader(Reader):
    label = "GIS file"
    label_bn = "জিআইএস ফাইল"
    driver = ""

    def source(self, path: Path, limits: Limits) -> str:
        return str(path)

    def disguised(self, found: str, found_bn: str) -> DisguisedFile:
        return DisguisedFile(self.label, value_bn=self.label_bn, found=found, found_bn=found_bn)

    def read(self, path: Path, limits: Limits) -> RawTable:
        source = self.source(path, limits)
        try:
            frame = read_layer(source, driver=self.driver)
        except RuntimeError as error:  # GDAL's errors are many and unhelpful as types; its message says why
            reason = short_reason(error, path).split(";")[0]
            if "not recognized as" in reason or "not recognised as" in reason:
                raise UnreadableFile(f"it is not a valid {self.label}") from error
            raise UnreadableFile(f"GDAL cannot read it as a {self.label} ({reason})") from error
        if frame.empty and not len(frame.columns):
            frame = pd.DataFrame({LONGITUDE: [], LATITUDE: []}, dtype=str)
        return named_table(self.format, frame, np.arange(1, len(frame) + 1))


def layer_frame(data: pd.DataFrame) -> pd.DataFrame:
    """A layer as text: its attributes, then ``_longitude`` and ``_latitude`` of its points."""
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
    return frame


def layer_table(format: str, data: pd.DataFrame) -> RawTable:
    return named_table(format, layer_frame(data), np.arange(1, len(data) + 1))


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
    label_bn = "GeoJSON ফাইল"
    driver = "GeoJSON"

    def source(self, path: Path, limits: Limits) -> str:
        text = _head(path).removeprefix(b"\xef\xbb\xbf").lstrip()
        if text.startswith(b"<"):
            raise self.disguised("it is XML, perhaps a GDAL VRT document", "এটি XML, সম্ভবত একটি GDAL VRT নথি")
        if not text.startswith(b"{"):
            raise self.disguised("it does not start with a JSON object", "এটি কোনো JSON অবজেক্ট দিয়ে শুরু হয়নি")
        check_crs_members(path, self)
        return str(path)


def check_crs_members(path: Path, reader: OgrReader) -> None:
    """Refuse a GeoJSON whose "crs" is a link or a name that is not an EPSG/OGC code: GDAL would open it."""
    with path.open("rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
        for match in _CRS_MEMBER.finditer(data):
            _check_crs(data[match.end() : match.end() + 4096], reader)


def _check_crs(member: bytes, reader: OgrReader) -> None:
    try:
        crs, _ = json.JSONDecoder().raw_decode(member.decode("utf-8", "replace").lstrip())
    except ValueError:
        crs = False  # longer than 4 KB or not JSON: not a CRS we could check
    name = crs.get("properties", {}).get("name") if isinstance(crs, dict) else None
    named = isinstance(crs, dict) and crs.get("type") == "name" and isinstance(name, str)
    if not (crs is None or (named and _CRS_NAME.match(name))):
        raise reader.disguised(
            "its coordinate system is a link or a file name, not an EPSG code",
            "এর স্থানাঙ্ক ব্যবস্থা EPSG কোড নয়, একটি লিংক বা ফাইলের নাম",
        )


@register("gpkg", suffixes=(".gpkg",))
class GeoPackageReader(OgrReader):
    label = "GeoPackage"
    label_bn = "GeoPackage ফাইল"
    driver = "GPKG"

    def source(self, path: Path, limits: Limits) -> str:
        if not _head(path).startswith(SQLITE_MAGIC):
            raise self.disguised("it is not an SQLite database", "এটি কোনো SQLite ডেটাবেস নয়")
        return str(path)


@register("shapefile", suffixes=(".shp.zip", ".zip"))
class ShapefileReader(OgrReader):
    """A zip holding one Shapefile (.shp with its .shx, .dbf, .prj); read in place through /vsizip/."""

    label = "zipped Shapefile"
    label_bn = "জিপ করা শেপফাইল"
    driver = "ESRI Shapefile"

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
        try:
            with zipfile.ZipFile(path) as archive, archive.open(shapefiles[0]) as member:
                magic = member.read(len(SHAPEFILE_MAGIC))
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as error:
            raise UnreadableFile(f"its part {shapefiles[0]} cannot be unpacked") from error
        if magic != SHAPEFILE_MAGIC:
            raise self.disguised(
                f"its {shapefiles[0]} is not a Shapefile", f"এর {shapefiles[0]} কোনো শেপফাইল নয়"
            )
        return f"/vsizip/{path}/{shapefiles[0]}"
