"""The REST API as a whole: every endpoint in /api/openapi.json, the docs page, one shape of error."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

OPENAPI = "/api/openapi.json"
DOCS = "/api/docs"
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


@pytest.fixture
def alice_client(client, make_user):
    client.force_login(make_user("alice"))
    return client


@pytest.fixture
def schema(alice_client) -> dict[str, Any]:
    response = alice_client.get(OPENAPI)
    assert response.status_code == 200
    return dict(response.json())


def _routes(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def _as_openapi_path(route: str) -> str:
    # Django's "<int:level>" is OpenAPI's "{level}".
    return "/" + re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", route)


def test_every_api_and_tile_url_is_in_the_schema(schema):
    routes = {_as_openapi_path(r) for r in _routes(get_resolver().url_patterns)}
    api_routes = {r for r in routes if r.startswith(("/api/", "/tiles/"))} - {OPENAPI, DOCS}
    assert "/tiles/{level}/{x}/{y}.{fmt}" in api_routes and "/api/files/list" in api_routes
    missing = api_routes - set(schema["paths"])
    assert not missing, f"URLs under /api/ or /tiles/ that the OpenAPI schema leaves out: {sorted(missing)}"


def test_the_schema_has_the_structure_of_openapi_3(schema):
    assert schema["openapi"].startswith("3.") and schema["info"]["title"] and schema["info"]["version"]
    components = schema["components"]["schemas"]
    for path, item in schema["paths"].items():
        assert path.startswith("/")
        for method, operation in item.items():
            assert method in HTTP_METHODS
            assert operation["operationId"] and operation["responses"]
            for status, response in operation["responses"].items():
                assert re.fullmatch(r"[1-5]\d\d", str(status)) and response["description"]
                for media in response.get("content", {}).values():
                    ref = media["schema"].get("$ref")
                    assert ref is None or ref.removeprefix("#/components/schemas/") in components
            for parameter in operation["parameters"]:
                assert parameter["in"] in ("query", "path") and parameter["name"] and "schema" in parameter
                assert parameter["in"] != "path" or parameter["required"] is True


def test_the_schema_validates_as_openapi_3(schema):
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(schema)


def test_every_endpoint_declares_the_session_cookie_and_the_error_shape(schema):
    scheme = schema["components"]["securitySchemes"]["SessionAuth"]
    assert scheme == {"type": "apiKey", "in": "cookie", "name": "sessionid"}
    error = schema["components"]["schemas"]["ErrorOut"]
    assert error["properties"]["error"]["$ref"].endswith("/ErrorBody")
    for path, item in schema["paths"].items():
        for operation in item.values():
            assert operation["security"] == [{"SessionAuth": []}], path
            for status in ("400", "401", "403", "404", "500"):
                content = operation["responses"][status]["content"]["application/json"]
                assert content["schema"]["$ref"] == "#/components/schemas/ErrorOut", (path, status)


def test_tiles_are_documented_as_binary_with_their_media_types(schema):
    ok = schema["paths"]["/tiles/{level}/{x}/{y}.{fmt}"]["get"]["responses"]["200"]
    assert set(ok["content"]) == {"image/png", "image/jpeg", "image/webp", "application/octet-stream"}
    assert all(media["schema"] == {"type": "string", "format": "binary"} for media in ok["content"].values())
    assert {"ETag", "Cache-Control", "X-Toyz-Preview"} <= set(ok["headers"])


def test_json_responses_are_documented_by_their_models(schema):
    models = schema["components"]["schemas"]
    assert set(models["DescriptionOut"]["required"]) >= {"path", "identity", "hdus", "cuts", "header", "preview"}
    assert "ccds" not in models["HduInfo"]["required"] and "ccd" not in models["Pixel"]["required"]
    assert set(models["ListingOut"]["required"]) == {
        "path",
        "parent",
        "entries",
        "truncated",
        "writable",
        "max_upload_bytes",
    }


def test_the_docs_page_is_for_logged_in_users(client, alice_client):
    from django.test import Client

    anonymous = Client()
    response = anonymous.get(DOCS)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    # The schema itself is part of the JSON API: anonymous clients get the JSON 401.
    refused = anonymous.get(OPENAPI)
    assert refused.status_code == 401 and refused.json() == {
        "error": {"code": "unauthenticated", "message": "Log in first."}
    }
    page = alice_client.get(DOCS)
    assert page.status_code == 200
    html = page.content.decode()
    assert "swagger-ui-bundle.js" in html and OPENAPI in html
    assert "unsafe-inline" not in page["Content-Security-Policy"]


# Each endpoint with a query value it refuses, and the parameter the message must name.
BAD_QUERIES = [
    ("/api/files/list?path=../..", None),
    ("/api/imaging/describe?path=home/alice/m13.fits&hdu=x", "hdu"),
    ("/api/imaging/describe?path=home/alice/m13.fits&plane=1.5", "plane"),
    ("/api/imaging/pixel?path=home/alice/m13.fits&x=nan&y=1", "x"),
    ("/api/imaging/pixel?path=home/alice/m13.fits&x=1", "y"),
    ("/api/imaging/colormap?name=gray&inv=maybe", "inv"),
    ("/api/imaging/colormap?name=nope", None),
    ("/tiles/0/0/0.png?path=home/alice/m13.fits&stretch=wobbly", "stretch"),
    ("/tiles/0/0/0.png?path=home/alice/m13.fits&lo=abc&hi=1", "lo"),
    ("/tiles/0/0/0.png?path=home/alice/m13.fits&lo=0&hi=inf", "hi"),
    ("/tiles/0/0/0.raw?path=home/alice/m13.fits&hdu=one", "hdu"),
    ("/tiles/0/0/0.png?path=home/alice/m13.fits&preview=perhaps", "preview"),
]


@pytest.mark.parametrize(("url", "parameter"), BAD_QUERIES)
def test_every_endpoint_answers_errors_in_one_shape(alice_client, sample_fits, url, parameter):
    sample_fits("home/alice/m13.fits")
    response = alice_client.get(url)
    assert 400 <= response.status_code < 500
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["message"]
    if parameter is not None:
        assert response.status_code == 400 and body["error"]["code"] == "bad_params"
        assert f"parameter {parameter} " in body["error"]["message"], body


@pytest.mark.parametrize(
    "url",
    [
        "/api/files/list",
        "/api/imaging/describe?path=x.fits",
        "/api/imaging/pixel?path=x.fits&x=1&y=1",
        "/api/imaging/colormap",
        "/api/imaging/colormaps",
        "/tiles/0/0/0.png?path=x.fits",
        OPENAPI,
    ],
)
def test_anonymous_requests_get_the_one_shape_of_401(client, db, url):
    response = client.get(url)
    assert response.status_code == 401
    assert response.json() == {"error": {"code": "unauthenticated", "message": "Log in first."}}
