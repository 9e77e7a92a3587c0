"""Answers are gzip-compressed for clients that accept it (django.middleware.gzip.GZipMiddleware): JSON,
streamed exports and vector tiles, each decompressing to exactly what an uncompressing client gets."""

import gzip
import json

import pytest

from tests.conftest import BOGURA_TOWN
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def test_admin_units_come_gzipped_and_smaller(client):
    plain = client.get("/api/v1/districts/")
    packed = client.get("/api/v1/districts/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain and packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert len(packed.content) < len(plain.content) / 3
    assert json.loads(gzip.decompress(packed.content)) == json.loads(plain.content)


def test_a_streamed_export_comes_gzipped_chunk_by_chunk(client):
    EnterpriseFactory.create_batch(5, location=BOGURA_TOWN)
    plain = b"".join(client.get("/api/v1/enterprises/export.csv").streaming_content)
    response = client.get("/api/v1/enterprises/export.csv", HTTP_ACCEPT_ENCODING="gzip")
    assert response.streaming and response["Content-Encoding"] == "gzip"
    assert gzip.decompress(b"".join(response.streaming_content)) == plain


def test_a_vector_tile_is_gzipped_once_and_keeps_its_etag_usable(client):
    EnterpriseFactory.create_batch(50, location=BOGURA_TOWN)
    url = "/tiles/enterprises/11/1532/878.pbf"  # Bogura town, at the zoom of points
    plain = client.get(url)
    packed = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert plain.status_code == packed.status_code == 200 and plain.content
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip" and gzip.decompress(packed.content) == plain.content
    # The middleware makes the ETag weak; the tile view compares weakly, so a revalidation is still a 304.
    assert packed["ETag"] == f"W/{plain['ETag']}"
    again = client.get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=packed["ETag"])
    assert again.status_code == 304
