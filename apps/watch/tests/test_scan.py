"""Listing watched folders and telling when a file has settled: plain files and a fake clock, no database."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from apps.watch.scan import Settler, scan
from workers.imaging.cache import file_identity


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "root"
    (folder / "night" / "deeper").mkdir(parents=True)
    (folder / "night" / "a.fits").write_bytes(b"x")
    (folder / "night" / "deeper" / "b.fits.fz").write_bytes(b"y")
    (folder / "night" / "c.png").write_bytes(b"z")
    (folder / "night" / "notes.txt").write_text("not an image")
    (folder / "night" / ".a.fits.part").write_bytes(b"a copy in progress")
    (folder / "night" / ".hidden").mkdir()
    (folder / "night" / ".hidden" / "d.fits").write_bytes(b"w")
    return folder


def test_it_lists_the_images_below_the_folders_and_leaves_out_hidden_names(root):
    found = scan([root / "night"], root)
    assert sorted(found.files) == ["night/a.fits", "night/c.png", "night/deeper/b.fits.fz"]
    a = found.files["night/a.fits"]
    assert a.real == str(root / "night" / "a.fits") and a.size == 1
    assert a.identity == file_identity(root / "night" / "a.fits")  # the cache's identity of the file
    assert not found.passed_over


def test_nested_watched_folders_list_each_file_once(root):
    found = scan([root / "night", root / "night" / "deeper"], root)
    assert sorted(found.files) == ["night/a.fits", "night/c.png", "night/deeper/b.fits.fz"]


def test_it_passes_over_symlinks_out_of_the_root_and_to_folders(root, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret.fits").write_bytes(b"s")
    (root / "night" / "out.fits").symlink_to(outside / "secret.fits")
    (root / "night" / "outdir").symlink_to(outside)
    (root / "night" / "loop").symlink_to(root / "night")
    (root / "other").mkdir()
    (root / "other" / "e.fits").write_bytes(b"e")
    (root / "night" / "in.fits").symlink_to(root / "other" / "e.fits")
    found = scan([root / "night"], root)
    # A symlink to a file inside the root counts as the file itself, under its real path.
    assert sorted(found.files) == ["night/a.fits", "night/c.png", "night/deeper/b.fits.fz", "other/e.fits"]
    assert "symlink out of the data root" in found.passed_over[str(root / "night" / "out.fits")]
    assert "symlink out of the data root" in found.passed_over[str(root / "night" / "outdir")]
    assert "not followed" in found.passed_over[str(root / "night" / "loop")]
    assert not any("secret" in path for path in found.files)


def test_a_folder_the_watcher_cannot_list_is_passed_over(root):
    if os.geteuid() == 0:
        pytest.skip("root lists every folder")
    locked = root / "night" / "locked"
    locked.mkdir()
    locked.chmod(0)
    try:
        found = scan([root / "night"], root)
    finally:
        locked.chmod(0o755)
    assert "cannot be listed" in found.passed_over[str(locked)]


def test_a_file_settles_after_the_settle_time_unchanged_and_starts_again_when_it_changes(root):
    clock = Clock()
    settler = Settler(10, clock)
    path = root / "night" / "a.fits"
    assert settler.settled(scan([root / "night"], root).files.values()) == []
    clock.now += 6
    path.write_bytes(b"xx")  # still being written
    assert settler.settled(scan([root / "night"], root).files.values()) == []
    clock.now += 6  # 12 s since first seen, 6 s since it changed
    ready = settler.settled(scan([root / "night"], root).files.values())
    assert sorted(s.client for s in ready) == ["night/c.png", "night/deeper/b.fits.fz"]
    clock.now += 4
    ready = settler.settled(scan([root / "night"], root).files.values())
    assert "night/a.fits" in {s.client for s in ready}


def test_a_changed_ctime_or_inode_restarts_the_settle_time_too(root):
    clock = Clock()
    settler = Settler(5, clock)
    path = root / "night" / "a.fits"
    settler.settled(scan([root / "night"], root).files.values())
    clock.now += 3
    stat = path.stat()
    # Same size and mtime, but written again (a copy that sets the old mtime back): the ctime moved.
    time.sleep(0.01)
    path.write_bytes(b"q")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    clock.now += 3
    assert "night/a.fits" not in {s.client for s in settler.settled(scan([root / "night"], root).files.values())}
    clock.now += 5
    assert "night/a.fits" in {s.client for s in settler.settled(scan([root / "night"], root).files.values())}


def test_files_that_leave_the_candidates_are_forgotten(root):
    clock = Clock()
    settler = Settler(5, clock)
    files = scan([root / "night"], root).files
    settler.settled(files.values())
    assert settler.waiting() == 3
    settler.settled([files["night/a.fits"]])
    assert settler.waiting() == 1
    clock.now += 10
    settler.settled([])
    settler.settled(files.values())  # back after a while: it settles from now
    assert settler.settled(files.values()) == []
