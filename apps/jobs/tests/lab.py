"""A module that only tests install: "lab", which is not open to everyone, to show grants at work.

`install_lab(monkeypatch)` registers its functions until the test ends:
- ``lab.echo`` (module "lab", the name's prefix) returns its text;
- ``lab.count`` (module "counting", named explicitly) returns a number.
"""

from __future__ import annotations

from typing import Any

import pytest

from apps.jobs import registry
from apps.jobs.params import JobParams, Text, Whole
from apps.jobs.registry import JobContext


class EchoParams(JobParams):
    text: Text = ""


class CountParams(JobParams):
    n: Whole = 0


def echo(ctx: JobContext, params: EchoParams) -> dict[str, Any]:
    return {"text": params.text}


def count(ctx: JobContext, params: CountParams) -> dict[str, Any]:
    return {"n": params.n}


def install_lab(monkeypatch: pytest.MonkeyPatch) -> None:
    # Copies, so that the registry is as it was once the test ends.
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    monkeypatch.setattr(registry, "_MODULES", dict(registry._MODULES))
    registry.describe_module("lab", "Laboratory", "Experimental tools for the tests.")
    registry.register("lab.echo", "Echo a text.", params=EchoParams)(echo)
    registry.register("lab.count", "Count.", params=CountParams, module="counting")(count)
