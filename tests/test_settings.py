"""The TOYZ_* parsers stop start-up with a message naming the variable."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.conftest import ROOT
from toyz_site.env import env_bool, env_choice, env_int, env_list, env_path, env_url_prefix


@pytest.mark.parametrize(("raw", "value"), [("1", True), ("yes", True), ("off", False), ("", False)])
def test_booleans(monkeypatch, raw, value):
    monkeypatch.setenv("TOYZ_X", raw)
    assert env_bool("TOYZ_X") is value


@pytest.mark.parametrize(
    ("call", "raw"),
    [
        (lambda: env_bool("TOYZ_X"), "maybe"),
        (lambda: env_int("TOYZ_X", 1), "two"),
        (lambda: env_int("TOYZ_X", 1, minimum=1, maximum=4), "9"),
        (lambda: env_choice("TOYZ_X", "INFO", ("INFO", "DEBUG")), "loud"),
        (lambda: env_url_prefix("TOYZ_X"), "_toyz_cache/"),
        (lambda: env_url_prefix("TOYZ_X"), "/_toyz_cache"),
        (lambda: env_url_prefix("TOYZ_X"), "/a b/"),
        (lambda: env_url_prefix("TOYZ_X"), "/a//b/"),
    ],
)
def test_bad_values_name_the_variable(monkeypatch, call, raw):
    monkeypatch.setenv("TOYZ_X", raw)
    with pytest.raises(ImproperlyConfigured, match="TOYZ_X"):
        call()


def test_url_prefixes(monkeypatch):
    assert env_url_prefix("TOYZ_UNSET_PREFIX") is None
    monkeypatch.setenv("TOYZ_X", " /_toyz_cache/ ")
    assert env_url_prefix("TOYZ_X") == "/_toyz_cache/"
    monkeypatch.setenv("TOYZ_X", "")
    assert env_url_prefix("TOYZ_X") is None


def test_lists_and_paths(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("TOYZ_X", "a, b,,c")
    assert env_list("TOYZ_X", []) == ["a", "b", "c"]
    monkeypatch.setenv("TOYZ_X", str(tmp_path / "file"))
    (tmp_path / "file").write_text("")
    with pytest.raises(ImproperlyConfigured, match="not a folder"):
        env_path("TOYZ_X", tmp_path)


def test_a_bad_setting_stops_manage_py_with_a_clear_message(tmp_path: Path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "TOYZ_VAR_DIR": str(tmp_path), "TOYZ_EMBEDDED_WORKERS": "lots"},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "TOYZ_EMBEDDED_WORKERS='lots' is not an integer" in result.stderr
