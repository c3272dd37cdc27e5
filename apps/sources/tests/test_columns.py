"""GET /api/sources/column: columns and expressions as gzipped little-endian typed arrays, cached like tiles."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from apps.sources.tests.conftest import values_of

pytestmark = pytest.mark.django_db
GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate"}


def column(client, **query):
    return client.get("/api/sources/column", {"path": "home/alice/cat.fits", **query}, **GZIP)


def test_a_column_travels_as_gzipped_float32(alice_client, catalogue):
    response = column(alice_client, column="g")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/octet-stream" and response["Content-Encoding"] == "gzip"
    assert response["X-Toyz-Dtype"] == "float32" and response["X-Toyz-Rows"] == "1000"
    assert_allclose(values_of(response), catalogue["g"].astype(np.float32))


def test_nan_stays_nan(alice_client, catalogue):
    values = values_of(column(alice_client, column="flux"))
    assert np.isnan(values[::10]).all() and np.isfinite(values[1::10]).all()


def test_native_keeps_the_columns_own_type(alice_client, catalogue):
    ids = column(alice_client, column="id", dtype="native")
    assert ids["X-Toyz-Dtype"] == "int32"
    assert_array_equal(values_of(ids), catalogue["id"])
    ra = column(alice_client, column="RA", dtype="native")
    assert ra["X-Toyz-Dtype"] == "float64"
    assert_array_equal(values_of(ra), catalogue["RA"])


def test_the_row_number_is_a_column(alice_client, catalogue):
    assert_array_equal(values_of(column(alice_client, column="index", dtype="native")), np.arange(1000))


def test_an_expression_is_evaluated_on_the_server(alice_client, catalogue):
    response = column(alice_client, expr="g - r")
    assert_allclose(values_of(response), (catalogue["g"] - catalogue["r"]).astype(np.float32), rtol=1e-6)


def test_without_gzip_the_bytes_come_plain(alice_client, catalogue):
    response = alice_client.get("/api/sources/column", {"path": "home/alice/cat.fits", "column": "g"})
    assert "Content-Encoding" not in response
    assert len(response.content) == 4 * 1000


@pytest.mark.parametrize(
    ("query", "status", "code", "words"),
    [
        ({"column": "name"}, 422, "unsupported", "name holds text; plots need numbers."),
        ({"column": "nope"}, 404, "not_found", "nope"),
        ({}, 400, "bad_params", "either column or expr"),
        ({"column": "g", "expr": "r"}, 400, "bad_params", "either column or expr"),
        ({"expr": "g +* r"}, 400, "bad_expression", ""),
        ({"expr": "__import__('os')"}, 400, "bad_expression", ""),
        ({"column": "g", "dtype": "int8"}, 400, "bad_params", "dtype"),
    ],
)
def test_bad_column_queries_get_a_sentence(alice_client, catalogue, query, status, code, words):
    response = column(alice_client, **query)
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] == code and words in error["message"]


def test_a_column_url_naming_the_current_file_is_cached_for_good_and_revalidates(alice_client, catalogue, data_root):
    identity = alice_client.get("/api/sources/describe", {"path": "home/alice/cat.fits"}).json()["identity"]
    first = column(alice_client, column="g", v=identity)
    assert "immutable" in first["Cache-Control"] and first["ETag"]
    again = alice_client.get(
        "/api/sources/column",
        {"path": "home/alice/cat.fits", "column": "g", "v": identity},
        HTTP_IF_NONE_MATCH=first["ETag"],
    )
    assert again.status_code == 304 and again.content == b""
    assert column(alice_client, column="r", v=identity)["ETag"] != first["ETag"]
    stale = column(alice_client, column="g", v="an-old-identity")
    assert stale["Cache-Control"] == "private, no-cache"


def test_a_changed_file_changes_the_etag(alice_client, catalogue, data_root):
    from apps.sources.tests.conftest import write_catalogue

    first = column(alice_client, column="g")
    write_catalogue(data_root / "home/alice/cat.fits", rows=500)
    second = column(alice_client, column="g")
    assert second["ETag"] != first["ETag"] and second["X-Toyz-Rows"] == "500"
