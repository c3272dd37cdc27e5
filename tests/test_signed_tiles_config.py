"""The configuration around signed tile URLs: the rendered nginx include (its key, its mode, nginx accepts
it), the key that run-production keeps, and the names that nginx and Django must agree on."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from deploy.production import kept_key, setup_from_env
from deploy.render import SNIPPETS, RenderError, render
from tests.conftest import ROOT
from toyz_site.env import env_token

KEY = "0123456789abcdef" * 4


def rendered(tmp_path: Path, **env: str) -> Path:
    environ = {"TOYZ_VAR_DIR": str(tmp_path / "var"), "TOYZ_TILE_SIGNING_KEY": KEY, **env}
    return render(tmp_path / "nginx", environ)


def test_the_include_holds_the_key_and_only_its_owner_reads_it(tmp_path: Path):
    conf = rendered(tmp_path)
    snippet = conf.parent / "nginx.d" / "signed-tiles.conf"
    assert f'|{KEY}";' in snippet.read_text()
    assert stat.S_IMODE(snippet.stat().st_mode) == 0o600
    assert stat.S_IMODE(conf.stat().st_mode) == 0o600
    # Rendered again over a file someone made readable: private again.
    snippet.chmod(0o644)
    rendered(tmp_path)
    assert stat.S_IMODE(snippet.stat().st_mode) == 0o600


def test_nginx_accepts_the_rendered_configuration(tmp_path: Path):
    conf = rendered(tmp_path, TOYZ_RUN_DIR=str(tmp_path / "run"), TOYZ_LOG_DIR=str(tmp_path / "log"))
    (tmp_path / "run").mkdir()
    (tmp_path / "log").mkdir()
    checked = subprocess.run(
        ["nginx", "-t", "-p", str(tmp_path), "-e", str(tmp_path / "log" / "error.log"), "-c", str(conf)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr


def test_without_a_key_the_include_is_not_rendered(tmp_path: Path):
    with pytest.raises(RenderError, match="TOYZ_TILE_SIGNING_KEY"):
        render(tmp_path / "nginx", {"TOYZ_VAR_DIR": str(tmp_path / "var")})


def test_nginx_reads_the_cookie_django_names_the_session():
    assert f"$cookie_{settings.SESSION_COOKIE_NAME}|" in (SNIPPETS / "signed-tiles.conf").read_text()


def test_run_production_keeps_one_key_and_turns_signed_tiles_on(tmp_path: Path):
    first = setup_from_env({"TOYZ_VAR_DIR": str(tmp_path)}, workers=False)
    again = setup_from_env({"TOYZ_VAR_DIR": str(tmp_path)}, workers=False)
    key = first.env["TOYZ_TILE_SIGNING_KEY"]
    assert len(key) == 64 and again.env["TOYZ_TILE_SIGNING_KEY"] == key
    assert stat.S_IMODE((tmp_path / "tile_signing_key").stat().st_mode) == 0o600
    assert first.env["TOYZ_SIGNED_TILES"] == "1"
    given = setup_from_env({"TOYZ_VAR_DIR": str(tmp_path), "TOYZ_TILE_SIGNING_KEY": KEY, "TOYZ_SIGNED_TILES": "0"})
    assert given.env["TOYZ_TILE_SIGNING_KEY"] == KEY and given.env["TOYZ_SIGNED_TILES"] == "0"
    assert kept_key(tmp_path / "tile_signing_key") == key


@pytest.mark.parametrize("value", ["short", "x" * 31, "has space" * 8, 'quote"' * 8, "dollar$" * 8, "semi;" * 10])
def test_a_signing_key_nginx_could_not_hold_stops_start_up(monkeypatch: pytest.MonkeyPatch, value: str):
    monkeypatch.setenv("TOYZ_TILE_SIGNING_KEY", value)
    with pytest.raises(ImproperlyConfigured, match="TOYZ_TILE_SIGNING_KEY"):
        env_token("TOYZ_TILE_SIGNING_KEY", minimum_length=32)


def test_a_good_signing_key_is_taken_as_it_is(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TOYZ_TILE_SIGNING_KEY", KEY)
    assert env_token("TOYZ_TILE_SIGNING_KEY", minimum_length=32) == KEY
    monkeypatch.delenv("TOYZ_TILE_SIGNING_KEY")
    assert env_token("TOYZ_TILE_SIGNING_KEY", minimum_length=32) is None


def test_signed_tiles_without_a_key_stop_start_up(tmp_path: Path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "TOYZ_VAR_DIR": str(tmp_path), "TOYZ_SIGNED_TILES": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "TOYZ_SIGNED_TILES=1 needs TOYZ_TILE_SIGNING_KEY" in result.stderr
