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


def _run_settings(tmp_path: Path, code: str, **env: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", f"import django\ndjango.setup()\n{code}"],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "TOYZ_VAR_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "toyz_site.settings",
            **env,
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


_ADAPTED = """
import logging
from django.core.handlers.asgi import ASGIHandler
seen = []
handler = logging.Handler()
handler.emit = lambda record: seen.append(record.getMessage())
logging.getLogger("django.request").addHandler(handler)
logging.getLogger("django.request").setLevel(logging.DEBUG)
ASGIHandler()
print([m for m in seen if "adapted" in m])
"""


def test_behind_nginx_no_middleware_makes_a_request_hop_to_a_thread(tmp_path: Path):
    # With DEBUG, Django logs each middleware it must adapt between sync and async (a thread hop per request).
    served_here = _run_settings(tmp_path, _ADAPTED, TOYZ_DEBUG="1")
    assert "whitenoise" in served_here  # make run: the web process sends /static/ itself
    behind_nginx = _run_settings(tmp_path, _ADAPTED, TOYZ_DEBUG="1", TOYZ_SERVE_STATIC="0")
    assert behind_nginx.strip() == "[]"


_DATABASE = """
from django.conf import settings
from celery.signals import worker_init
import toyz_site.celery
db = settings.DATABASES["default"]
print(db["OPTIONS"].get("pool"), db["CONN_MAX_AGE"], settings.SESSION_ENGINE)
worker_init.send(sender=None)
print(db["OPTIONS"].get("pool"), db["CONN_MAX_AGE"])
"""


def test_postgresql_connections_are_pooled_except_in_celery_workers(tmp_path: Path):
    url = "postgres://nobody@127.0.0.1:5432/unused"  # never connected to
    web, worker = _run_settings(
        tmp_path, _DATABASE, DATABASE_URL=url, TOYZ_REDIS_URL="redis://127.0.0.1:6379/15", TOYZ_DB_CONN_MAX_AGE="60"
    ).splitlines()
    assert web == "{'min_size': 2, 'max_size': 20} 0 django.contrib.sessions.backends.cached_db"
    # A prefork worker drops the pool before its pool processes fork, and keeps connections as configured.
    assert worker == "None 60"
    off = _run_settings(tmp_path, _DATABASE, DATABASE_URL=url, TOYZ_DB_POOL_MAX_SIZE="0").splitlines()
    assert off[0] == "None 0 django.contrib.sessions.backends.db"
