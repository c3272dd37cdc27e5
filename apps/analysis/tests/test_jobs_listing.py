"""`GET /api/jobs` publishes every analysis function with the parameter schema its form is built from."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

# Each analysis function and the parameters a user must give it.
REQUIRED = {
    "analysis.stats": {"image", "region"},
    "analysis.photometry": {"image"},
    "analysis.histogram": {"image", "region"},
    "analysis.profile": {"image", "x", "y"},
    "analysis.surface": {"image", "x", "y"},
    "analysis.line": {"image", "start", "end"},
    "analysis.spectrum": {"image", "x", "y"},
    "analysis.contours": {"image"},
    "analysis.detect": {"image"},
    "analysis.catalog_edit": {"path"},
    "analysis.crossmatch": {"a", "b"},
}


def test_it_lists_every_analysis_function_with_its_parameter_schema(make_user: Any) -> None:
    client = Client()
    client.force_login(make_user())
    listed = {f["name"]: f for f in client.get("/api/jobs").json()}
    analysis = {name for name in listed if name.startswith("analysis.")}
    assert analysis == set(REQUIRED), analysis ^ set(REQUIRED)
    for name, required in REQUIRED.items():
        entry = listed[name]
        schema = entry["params"]
        assert entry["module"] == "analysis" and entry["description"], name
        assert schema["type"] == "object" and schema["additionalProperties"] is False, name
        assert set(schema.get("required", [])) == required, (name, schema.get("required"))
        assert required <= set(schema["properties"]), name
    assert listed["analysis.detect"]["heavy"] is True and listed["analysis.profile"]["heavy"] is False
    # The defaults the panel's forms start from are in the schema.
    photometry = listed["analysis.photometry"]["params"]["properties"]
    assert photometry["radius"]["default"] == 5.0 and photometry["annulus"]["default"] == [10, 15]
    assert listed["analysis.detect"]["params"]["properties"]["threshold"]["default"] == 3
