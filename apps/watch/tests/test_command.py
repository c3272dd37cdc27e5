"""`manage.py toyz_watch`: settings that cannot work stop it with a sentence; one watcher per deployment;
a watcher runs until SIGTERM and stops cleanly (the embedded mode here; tests/test_watch_distributed.py
runs it as a real process against real workers)."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from apps.files.grants import grant
from apps.files.services import Right
from apps.jobs.models import Job
from apps.watch.lock import FileLock
from apps.watch.models import WatchedFile

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _own_var(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.VAR_DIR.mkdir()


@pytest.fixture
def admin(make_user):
    return make_user("root", admin=True)


def refusal(settings, folders: list[str]) -> str:
    settings.TOYZ_WATCH_FOLDERS = folders
    with pytest.raises(CommandError) as refused:
        call_command("toyz_watch", "--poll", "0.1")
    return str(refused.value)


def test_it_refuses_folders_it_cannot_watch_with_a_sentence(admin, settings, data_root, tmp_path):
    (data_root / "nights").mkdir()
    (data_root / "nights" / "e.fits").write_bytes(b"")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (data_root / "link").symlink_to(outside)
    root = data_root.resolve()
    assert refusal(settings, []).startswith("TOYZ_WATCH_FOLDERS is empty")
    assert refusal(settings, [str(outside)]) == f"TOYZ_WATCH_FOLDERS: {outside} is outside the data root ({root})."
    assert refusal(settings, ["../elsewhere"]).endswith(f"is outside the data root ({root}).")
    assert (
        refusal(settings, ["nights", "missing"]) == f"TOYZ_WATCH_FOLDERS: missing does not exist ({root / 'missing'})."
    )
    assert refusal(settings, ["link"]) == (
        f"TOYZ_WATCH_FOLDERS: link leads out of the data root ({root}) through a symlink, to {outside.resolve()}."
    )
    assert refusal(settings, [str(data_root / "link")]).startswith("TOYZ_WATCH_FOLDERS: ")
    assert "leads out of the data root" in refusal(settings, [str(data_root / "link")])
    assert refusal(settings, ["nights/e.fits"]) == "TOYZ_WATCH_FOLDERS: nights/e.fits is a file, not a folder."


def test_it_refuses_a_folder_the_watch_user_may_not_list_and_a_missing_user(make_user, settings, data_root):
    (data_root / "nights").mkdir()
    alice = make_user("alice")
    settings.TOYZ_WATCH_USER = "alice"
    assert refusal(settings, ["nights"]).startswith("TOYZ_WATCH_FOLDERS: nights cannot be watched as alice: ")
    grant("nights", alice, [Right.LIST])
    settings.TOYZ_OPEN_MODULES = ["imaging"]
    assert refusal(settings, ["nights"]) == (
        "alice may not run pre-renders: grant them the prerender module in the admin (Modules), "
        "or set TOYZ_WATCH_USER to someone who may."
    )
    settings.TOYZ_WATCH_USER = "bob"
    assert refusal(settings, ["nights"]) == "TOYZ_WATCH_USER: there is no active user 'bob'."
    settings.TOYZ_WATCH_USER = None
    assert (
        refusal(settings, ["nights"])
        == "There is no superuser to watch the folders as: make one, or set TOYZ_WATCH_USER."
    )


def test_a_second_watcher_is_refused_while_the_first_runs(admin, settings, data_root):
    (data_root / "nights").mkdir()
    first = FileLock(Path(settings.VAR_DIR) / "watch.lock")
    assert first.acquire() is None
    try:
        message = refusal(settings, ["nights"])
    finally:
        first.release()
    assert message.startswith("Another watcher is running: the watcher on ") and f"(pid {os.getpid()}," in message
    assert message.endswith("Run one watcher per deployment.")


def test_it_pre_renders_what_lands_and_stops_on_sigterm(admin, settings, data_root, caplog):
    from workers.imaging.synthetic import write_decam_like

    night = data_root / "nights"
    night.mkdir()
    write_decam_like(night / "e1.fits", n_ccds=2, ccd_shape=(64, 64))
    settings.TOYZ_WATCH_FOLDERS = ["nights"]
    caplog.set_level("INFO", logger="apps.watch")

    returned = threading.Event()

    def stop_when_built() -> None:
        # SIGTERM goes to this very process: only while the command runs (and handles it), never after.
        deadline = time.monotonic() + 120
        try:
            while time.monotonic() < deadline and not WatchedFile.objects.filter(outcome="built").exists():
                time.sleep(0.1)
                if returned.is_set():
                    return
            os.kill(os.getpid(), signal.SIGTERM)
        finally:
            connection.close()

    stopper = threading.Thread(target=stop_when_built)
    stopper.start()
    try:
        call_command("toyz_watch", "--poll", "0.2", "--settle", "0.5")
    finally:
        returned.set()
        stopper.join()
    assert WatchedFile.objects.get().outcome == "built"
    assert Job.objects.get().status == Job.Status.DONE
    assert "Watching nights as root (embedded mode)" in caplog.text
    assert "Queued: nights/e1.fits" in caplog.text and caplog.text.rstrip().endswith("Stopped.")
    # The lock went with it: another watcher may start.
    assert FileLock(Path(settings.VAR_DIR) / "watch.lock").acquire() is None
