"""`manage.py toyz_prerender` in the embedded mode: the files run in the command's own process."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from PIL import Image

from apps.jobs.models import Job
from workers.imaging import build_pyramid, file_identity
from workers.imaging.cache import LAST_USED
from workers.imaging.synthetic import write_decam_like

pytestmark = pytest.mark.django_db(transaction=True)

CCD_SHAPE = (256, 128)


@pytest.fixture
def admin(make_user):
    return make_user("root", admin=True)


@pytest.fixture
def night(data_root: Path) -> Path:
    """Three small DECam-like exposures (4 CCDs each), one of them in a subfolder."""
    folder = data_root / "night1"
    (folder / "deeper").mkdir(parents=True)
    write_decam_like(folder / "e1.fits", n_ccds=4, ccd_shape=CCD_SHAPE, seed=1)
    write_decam_like(folder / "e2.fits", n_ccds=4, ccd_shape=CCD_SHAPE, seed=2)
    write_decam_like(folder / "deeper/e3.fits", n_ccds=4, ccd_shape=CCD_SHAPE, seed=3)
    (folder / "notes.txt").write_text("not an image")
    return folder


def prerender(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("toyz_prerender", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def tiles(cache_dir: Path) -> list[Path]:
    return sorted(cache_dir.rglob("render/*/*/*.png"))


def test_it_builds_every_pyramid_of_a_folder_tree(admin, night, cache_dir):
    out, _ = prerender("night1", "--recursive")
    assert "3 files: 3 built, 0 already complete, 0 failed" in out
    # One completion marker per file, each in the cache folder of that file's identity.
    identities = {file_identity(night / name) for name in ("e1.fits", "e2.fits", "deeper/e3.fits")}
    assert {p.parent.name for p in cache_dir.glob("*/prerendered-all.json")} == identities
    assert len({p.parts[-6] for p in tiles(cache_dir)}) == 3  # one identity folder per file
    for tile in tiles(cache_dir):
        with Image.open(tile) as picture:
            assert np.asarray(picture.convert("RGBA")).shape == (256, 256, 4)
    jobs = Job.objects.filter(fn="imaging.prerender")
    assert jobs.count() == 3 and set(jobs.values_list("status", flat=True)) == {Job.Status.DONE}
    assert all(job.done == job.total > 0 for job in jobs)


def test_the_command_keeps_the_cache_under_its_limit_but_never_drops_what_it_built(
    admin, night, cache_dir, sample_fits, settings
):
    old = sample_fits("old/a.fits")
    build_pyramid(old, hdu=None, cache_dir=cache_dir)
    stamp = time.time() - 5 * 3600  # last looked at five hours ago
    (cache_dir / file_identity(old) / LAST_USED).touch()
    os.utime(cache_dir / file_identity(old) / LAST_USED, (stamp, stamp))
    settings.TOYZ_CACHE_MAX_BYTES = 1
    prerender("night1/e1.fits")
    assert [p.name for p in cache_dir.iterdir() if p.is_dir()] == [file_identity(night / "e1.fits")]


def test_without_recursive_only_the_folders_own_files(admin, night):
    out, _ = prerender("night1")
    assert "2 files: 2 built" in out


def test_a_second_run_skips_complete_files_and_force_rebuilds(admin, night, cache_dir):
    prerender("night1", "--recursive")
    before = {p: p.stat().st_mtime_ns for p in tiles(cache_dir)}
    out, _ = prerender("night1", "--recursive")
    assert "3 files: 0 built, 3 already complete, 0 failed" in out
    assert {p: p.stat().st_mtime_ns for p in tiles(cache_dir)} == before
    assert Job.objects.count() == 3  # nothing queued for complete files
    out, _ = prerender("night1", "--recursive", "--force")
    assert "3 files: 3 built, 0 already complete" in out
    after = {p: p.stat().st_mtime_ns for p in tiles(cache_dir)}
    assert after.keys() == before.keys()
    assert all(after[p] != before[p] for p in before), "--force must write every tile again"


def test_an_interrupted_build_is_resumed_not_skipped(admin, night, cache_dir):
    prerender("night1/e1.fits")
    # As if the worker died before the end: tiles missing, no marker.
    marker = next(cache_dir.glob("*/prerendered-all.json"))
    marker.unlink()
    removed = tiles(cache_dir)[::2]
    for tile in removed:
        tile.unlink()
    out, _ = prerender("night1/e1.fits")
    assert "1 built" in out
    assert all(tile.exists() for tile in removed) and marker.exists()


def test_one_hdu(admin, night, cache_dir):
    out, _ = prerender("night1/e1.fits", "--hdu", "2")
    assert "1 built" in out
    assert [p.name for p in cache_dir.glob("*/hdu*")] == ["hdu2-p0"]
    assert list(cache_dir.glob("*/prerendered-hdu2.json"))
    out, _ = prerender("night1/e1.fits", "--hdu", "2")
    assert "1 already complete" in out


def test_a_broken_file_is_reported_and_the_others_are_built(admin, night, cache_dir):
    (night / "broken.fits").write_bytes(b"SIMPLE  =                    T" + b" " * 50)
    with pytest.raises(CommandError, match="1 of 4 files failed"):
        prerender("night1", "--recursive")
    assert len(list(cache_dir.glob("*/prerendered-all.json"))) == 3
    failed = Job.objects.get(status=Job.Status.ERROR)
    assert failed.params["path"] == "night1/broken.fits" and failed.error_code == "unreadable"


def test_failures_are_listed_without_tracebacks(admin, night, capsys):
    (night / "broken.fits").write_bytes(b"SIMPLE  =                    T" + b" " * 50)
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command("toyz_prerender", "night1", stdout=out, stderr=err)
    assert "night1/broken.fits: unreadable:" in err.getvalue()
    assert "Traceback" not in err.getvalue() + out.getvalue() + capsys.readouterr().err


def test_plain_lines_when_not_a_terminal(admin, night):
    out, _ = prerender("night1")
    lines = out.splitlines()
    assert "built: night1/e1.fits" in lines and "built: night1/e2.fits" in lines
    assert any(line.startswith("[####################] 2/2 files") for line in lines)


def test_the_exit_status_is_not_zero_on_failure(admin, night, tmp_path):
    import subprocess
    import sys

    (night / "broken.fits").write_bytes(b"not fits")
    env = {
        "PATH": "/usr/bin:/bin",
        "TOYZ_DATA_ROOT": str(night.parent),
        "TOYZ_CACHE_DIR": str(tmp_path / "cli-cache"),
        "TOYZ_VAR_DIR": str(tmp_path / "cli-var"),
    }
    root = Path(__file__).resolve().parents[3]
    manage = [sys.executable, str(root / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=root)
    subprocess.run(
        [*manage, "shell", "-c", "from django.contrib.auth.models import User; User.objects.create_superuser('a')"],
        env=env,
        check=True,
        cwd=root,
    )
    done = subprocess.run([*manage, "toyz_prerender", "night1"], env=env, cwd=root, capture_output=True, text=True)
    assert done.returncode == 1, done.stderr
    assert "night1/broken.fits" in done.stderr and "Traceback" not in done.stderr
    assert "2 built" in done.stdout


def test_a_path_outside_the_data_root_is_refused(admin, night, tmp_path):
    outside = tmp_path / "elsewhere.fits"
    write_decam_like(outside, n_ccds=1, ccd_shape=CCD_SHAPE)
    for path in (str(outside), "../elsewhere.fits"):
        with pytest.raises(CommandError, match="outside the data"):
            prerender(path)
    (night / "link.fits").symlink_to(outside)
    with pytest.raises(CommandError, match="outside the data"):
        prerender("night1/link.fits")
    # Inside a folder, a link out of the root is reported as a failure; the real files are built.
    with pytest.raises(CommandError, match="1 of 3 files failed"):
        prerender("night1")
    assert Job.objects.filter(status=Job.Status.DONE).count() == 2
    assert sorted(job.params["path"] for job in Job.objects.all()) == ["night1/e1.fits", "night1/e2.fits"]


def test_absolute_paths_inside_the_root_are_accepted(admin, night):
    out, _ = prerender(str(night / "e1.fits"))
    assert "1 files: 1 built" in out
    assert Job.objects.get().params == {"path": "night1/e1.fits", "hdu": None}


def test_a_user_runs_with_their_own_rights(admin, night, make_user):
    make_user("bob")
    with pytest.raises(CommandError, match="right"):
        prerender("night1", "--user", "bob")
    with pytest.raises(CommandError, match="no active user"):
        prerender("night1", "--user", "nobody")


def test_nothing_to_do_is_an_error(admin, data_root):
    (data_root / "empty").mkdir()
    with pytest.raises(CommandError, match="No image files"):
        prerender("empty")


def test_temporary_files_of_killed_builders_are_swept_when_old(admin, night, cache_dir):
    import os
    import time

    prerender("night1/e1.fits")
    folder = next(cache_dir.glob("*/hdu1-p0"))
    old, fresh = folder / ".L1.npy.dead.tmp", folder / ".L1.npy.live.tmp"
    old.write_bytes(b"half a level")
    fresh.write_bytes(b"being written right now")
    long_ago = time.time() - 24 * 3600
    os.utime(old, (long_ago, long_ago))
    next(cache_dir.glob("*/prerendered-all.json")).unlink()  # as after a killed build
    prerender("night1/e1.fits")
    assert not old.exists(), "an orphan of a killed builder was kept"
    assert fresh.exists(), "a file another builder may still be writing was deleted"


def test_a_big_night_is_watched_less_often_than_a_few_files():
    from apps.imaging.management.commands.toyz_prerender import poll_seconds

    # A few files: the bar moves twice a second; 100 DECam exposures (6,300 CCD jobs): every 2 s at most.
    assert poll_seconds(63) == 0.5
    assert poll_seconds(6_300) == 2.0
    assert 0.5 < poll_seconds(3_000) < 2.0
