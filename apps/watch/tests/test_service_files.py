"""The watcher's service definitions: the systemd unit passes `systemd-analyze verify` (with this checkout's
paths put in), and it and the compose service run `manage.py toyz_watch` as the other services are run."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
UNIT = ROOT / "deploy" / "systemd" / "toyz-watch.service"


def test_the_systemd_unit_runs_the_watcher_and_verifies(tmp_path: Path) -> None:
    text = UNIT.read_text()
    assert "ExecStart=/srv/toyz/app/.venv/bin/python manage.py toyz_watch\n" in text
    worker = (ROOT / "deploy" / "systemd" / "toyz-worker@.service").read_text()
    for line in ("User=toyz", "WorkingDirectory=/srv/toyz/app", "EnvironmentFile=/srv/toyz/toyz.env"):
        assert line in text and line in worker  # as every other unit of a node
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed")
    (tmp_path / "toyz.env").write_text("TOYZ_WATCH_FOLDERS=nights\n")
    local = (
        text.replace("/srv/toyz/app/.venv/bin/python", sys.executable)
        .replace("/srv/toyz/app", str(ROOT))
        .replace("/srv/toyz/toyz.env", str(tmp_path / "toyz.env"))
    )
    (tmp_path / "toyz-watch.service").write_text(local)
    checked = subprocess.run(
        ["systemd-analyze", "verify", str(tmp_path / "toyz-watch.service")], capture_output=True, text=True
    )
    assert checked.returncode == 0 and "toyz-watch" not in checked.stderr, checked.stderr


def test_the_compose_file_has_one_watcher_on_the_shared_volumes() -> None:
    services = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())["services"]
    watch = services["watch"]
    assert "manage.py toyz_watch" in watch["command"]
    assert watch["environment"]["TOYZ_WATCH_FOLDERS"] == "nights"
    worker = services["worker-bulk"]
    # The same image, environment and volumes as the workers (through the compose file's shared anchor).
    assert watch["volumes"] == worker["volumes"] and watch["env_file"] == worker["env_file"]
    assert "deploy" not in watch and "replicas" not in str(watch)  # one per deployment
