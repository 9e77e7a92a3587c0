"""A survey file that is not what its name says is never opened by GDAL's driver for what it really is.

GDAL picks a driver by a file's content. An OGR VRT document named .geojson, .gpkg or packed as the .shp of a
zipped Shapefile would open as VRT and read whatever it names: a server file, or a URL through /vsicurl/.
Each case below is refused with a message in English and Bangla, the named file is never opened (the kernel
says so, through inotify) and the local HTTP server the test starts receives no request.
"""

import ctypes
import http.server
import json
import os
import threading
import zipfile
from pathlib import Path

import pytest
from django.core.files import File

from industries.models import Enterprise
from surveys.exceptions import DisguisedFile, UnreadableFile
from surveys.models import ImportBatch, SurveyRound
from surveys.readers import read_table
from surveys.readers.ogr import read_layer
from surveys.services import import_batch_create, import_batch_run

LIMITS = {"max_bytes": 50 * 1024 * 1024, "max_unpacked_bytes": 100 * 1024 * 1024}
SECRET = "SECRET-7f3a9c"
IN_ACCESS, IN_OPEN = 0x1, 0x20


class Requests(http.server.BaseHTTPRequestHandler):
    seen: list[str]

    def do_GET(self):
        self.seen.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.end_headers()
        self.wfile.write(f"name,latitude,longitude\n{SECRET},24.8465,89.3697\n".encode())

    do_HEAD = do_GET

    def log_message(self, *args):
        pass


@pytest.fixture
def http_server():
    """A real HTTP server on the loopback; ``.seen`` lists every path requested from it."""
    handler = type("Handler", (Requests,), {"seen": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    server.seen = handler.seen
    yield server
    server.shutdown()
    server.server_close()


class Opened:
    """Whether any process opens or reads a file, from the kernel's inotify events."""

    def __init__(self, path: Path):
        self.libc = ctypes.CDLL(None, use_errno=True)
        self.fd = self.libc.inotify_init1(os.O_NONBLOCK)
        assert self.fd >= 0 and self.libc.inotify_add_watch(self.fd, bytes(path), IN_OPEN | IN_ACCESS) >= 0

    def events(self) -> int:
        try:
            return len(os.read(self.fd, 65536))
        except BlockingIOError:
            return 0

    def close(self):
        os.close(self.fd)


@pytest.fixture
def secret(tmp_path):
    """A server file holding a secret, as CSV that the CSV driver would happily read through a VRT."""
    path = tmp_path / "server" / "secret.csv"
    path.parent.mkdir()
    path.write_text(f"name,latitude,longitude\n{SECRET},24.8465,89.3697\n")
    watch = Opened(path)
    yield path, watch
    watch.close()


def vrt(source: str, layer: str) -> str:
    return (
        f'<OGRVRTDataSource><OGRVRTLayer name="survey"><SrcDataSource>{source}</SrcDataSource>'
        f"<SrcLayer>{layer}</SrcLayer></OGRVRTLayer></OGRVRTDataSource>\n"
    )


def disguise(tmp_path: Path, kind: str, document: str) -> Path:
    if kind == "shapefile":
        path = tmp_path / "survey.zip"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("survey.shp", document)
            archive.writestr("survey.dbf", b"\x03" + b"\x00" * 31)
        return path
    path = tmp_path / f"survey.{kind}"
    path.write_text(document)
    return path


KINDS = ["geojson", "gpkg", "shapefile"]


def assert_refused(error: UnreadableFile):
    assert isinstance(error, DisguisedFile) and error.code == "disguised_file"
    assert "cannot be opened safely" in error.message and "was not read" in error.message
    assert "নিরাপদে" in error.message_bangla and "পড়া হয়নি" in error.message_bangla
    assert SECRET not in error.message and "root:" not in error.message


@pytest.mark.parametrize("kind", KINDS)
def test_a_vrt_naming_a_server_file_is_refused_and_the_file_never_opened(tmp_path, secret, kind):
    path, watch = secret
    with pytest.raises(UnreadableFile) as refused:
        read_table(disguise(tmp_path, kind, vrt(f"CSV:{path}", "secret")), **LIMITS)
    assert_refused(refused.value)
    assert watch.events() == 0


@pytest.mark.parametrize("kind", KINDS)
def test_a_vrt_naming_etc_passwd_is_refused(tmp_path, kind):
    with pytest.raises(UnreadableFile) as refused:
        read_table(disguise(tmp_path, kind, vrt("CSV:/etc/passwd", "passwd")), **LIMITS)
    assert_refused(refused.value)


@pytest.mark.parametrize("kind", KINDS)
def test_a_vrt_naming_a_url_is_refused_and_no_request_is_made(tmp_path, http_server, kind):
    url = f"/vsicurl/http://127.0.0.1:{http_server.server_port}/data.csv"
    with pytest.raises(UnreadableFile) as refused:
        read_table(disguise(tmp_path, kind, vrt(url, "data")), **LIMITS)
    assert_refused(refused.value)
    assert http_server.seen == []


def geojson(crs: dict) -> str:
    point = {"type": "Point", "coordinates": [89.37, 24.85]}
    feature = {"type": "Feature", "properties": {"name": "Works"}, "geometry": point}
    return json.dumps({"type": "FeatureCollection", "crs": crs, "features": [feature]})


@pytest.mark.parametrize("crs_type", ["link", "name"])
def test_a_real_geojson_whose_crs_is_a_url_is_refused_and_no_request_is_made(tmp_path, http_server, crs_type):
    # GDAL fetches a GeoJSON "crs" given as a link (or a name that is a URL) to parse it.
    url = f"http://127.0.0.1:{http_server.server_port}/crs"
    crs = {"href": url, "type": "proj4"} if crs_type == "link" else {"name": url}
    path = tmp_path / "survey.geojson"
    path.write_text(geojson({"type": crs_type, "properties": crs}))
    with pytest.raises(UnreadableFile) as refused:
        read_table(path, **LIMITS)
    assert_refused(refused.value)
    assert http_server.seen == []


def test_an_epsg_crs_is_still_read(tmp_path):
    path = tmp_path / "survey.geojson"
    path.write_text(geojson({"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}))
    assert read_table(path, **LIMITS).frame.to_dict("records") == [
        {"name": "Works", "_longitude": "89.37", "_latitude": "24.85"}
    ]


@pytest.mark.parametrize("driver", ["GeoJSON", "GPKG", "ESRI Shapefile"])
def test_gdal_itself_has_only_the_one_driver_and_no_network(tmp_path, secret, http_server, driver):
    """The second layer, without the first: a VRT handed straight to the sandboxed GDAL is not opened."""
    path, watch = secret
    for source in (f"CSV:{path}", f"/vsicurl/http://127.0.0.1:{http_server.server_port}/data.csv"):
        document = tmp_path / "survey.vrt"
        document.write_text(vrt(source, Path(source).stem))
        with pytest.raises(RuntimeError):
            read_layer(str(document), driver=driver)
    with pytest.raises(RuntimeError):  # /vsicurl/ itself is off, not only for VRT's sake
        read_layer(f"/vsicurl/http://127.0.0.1:{http_server.server_port}/x.geojson", driver=driver)
    assert watch.events() == 0 and http_server.seen == []


def test_a_junk_prefixed_zip_is_not_taken_for_a_zip(tmp_path):
    path = tmp_path / "survey.zip"
    inner = tmp_path / "inner.zip"
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("survey.shp", b"\x00\x00\x27\x0a" + b"\x00" * 96)
    path.write_bytes(b"<OGRVRTDataSource/>\n" + inner.read_bytes())
    with pytest.raises(UnreadableFile, match="not a readable zip archive"):
        read_table(path, **LIMITS)


@pytest.mark.django_db
def test_a_disguised_upload_fails_its_batch_in_both_languages_and_imports_nothing(
    tmp_path, settings, secret, http_server
):
    settings.MEDIA_ROOT = tmp_path / "media"
    path, watch = secret
    survey = SurveyRound.objects.create(name="Disguised")
    upload = disguise(tmp_path, "geojson", vrt(f"CSV:{path}", "secret"))
    with open(upload, "rb") as handle:
        batch = import_batch_create(survey_round=survey, file=File(handle, name=upload.name))
    batch = import_batch_run(batch=batch)
    assert batch.status == ImportBatch.Status.FAILED
    assert "cannot be opened safely as a GeoJSON file" in batch.error and "নিরাপদে" in batch.error
    assert SECRET not in batch.error and batch.rows_read == 0 and not batch.report_csv
    assert Enterprise.objects.count() == 0 and watch.events() == 0 and http_server.seen == []
