"""Indexing a folder: headers read once, changed files read again, vanished ones dropped, bad ones recorded."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from astropy.io import fits
from django.core.management import call_command

from apps.headers.models import HeaderEntry
from apps.headers.services import index_folder

pytestmark = pytest.mark.django_db


def test_it_indexes_every_fits_file_of_a_night_with_its_typed_fields(make_user, night, as_folder):
    root = make_user("root", admin=True)
    summary = index_folder(as_folder(root, "nights"), recursive=True)
    assert (summary.files, summary.read, summary.unchanged, summary.problems) == (6, 6, 0, 1)
    paths = set(HeaderEntry.objects.values_list("path", flat=True))
    assert "nights/n1/notes.txt" not in paths and "nights/n1/secret/c4d_005.fits" in paths
    first = HeaderEntry.objects.get(path="nights/n1/c4d_001.fits")
    assert first.folder == "nights/n1" and first.name == "c4d_001.fits"
    assert (first.filter, first.exptime, first.object) == ("r DECam", 90.0, "NGC 1300")
    assert first.date_obs is not None and first.date_obs.isoformat() == "2026-11-23T03:12:00+00:00"
    assert first.header["SEEING"] == 0.9 and "NAXIS1" not in first.header
    mosaic = HeaderEntry.objects.get(name="c4d_004.fits")
    assert mosaic.header["INSTRUME"] == "DECam-like" and mosaic.filter == "i DECam"


def test_a_corrupt_file_is_recorded_with_its_problem(make_user, night, as_folder):
    summary = index_folder(as_folder(make_user("root", admin=True), "nights/n1"), recursive=False)
    broken = HeaderEntry.objects.get(name="broken.fits")
    assert broken.problem.startswith("Its header cannot be read as FITS") and broken.header == {}
    assert summary.failures == [{"path": "nights/n1/broken.fits", "problem": broken.problem}]


def test_a_second_run_reads_only_what_changed_and_drops_what_vanished(make_user, night, as_folder, exposure):
    folder = as_folder(make_user("root", admin=True), "nights")
    index_folder(folder, recursive=True)
    exposure("nights/n1/c4d_002.fits", DATE_OBS="2026-11-23T04:00:00", FILTER="z DECam", EXPTIME=45)
    os.remove(night / "c4d_003.fits")
    exposure("nights/n1/c4d_006.fits", FILTER="Y")
    summary = index_folder(folder, recursive=True)
    assert (summary.files, summary.read, summary.unchanged, summary.removed) == (6, 2, 4, 1)
    assert HeaderEntry.objects.get(name="c4d_002.fits").filter == "z DECam"
    assert not HeaderEntry.objects.filter(name="c4d_003.fits").exists()
    again = index_folder(folder, recursive=True)
    assert (again.read, again.unchanged, again.removed) == (0, 6, 0)


def test_a_file_rewritten_with_the_same_size_is_read_again(make_user, night, as_folder):
    folder = as_folder(make_user("root", admin=True), "nights/n1")
    index_folder(folder, recursive=False)
    path = night / "c4d_001.fits"
    fits.setval(path, "FILTER", value="u DECam")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    summary = index_folder(folder, recursive=False)
    assert summary.read == 1 and HeaderEntry.objects.get(name="c4d_001.fits").filter == "u DECam"


def test_a_flat_run_drops_the_rows_of_a_vanished_subfolder_but_keeps_the_others(make_user, night, as_folder):
    folder = as_folder(make_user("root", admin=True), "nights/n1")
    index_folder(folder, recursive=True)
    (night / "secret").rename(night / "hidden")
    summary = index_folder(folder, recursive=False)
    assert summary.removed == 1
    assert not HeaderEntry.objects.filter(folder__startswith="nights/n1/secret").exists()


def test_hidden_files_and_symlinks_are_not_indexed(make_user, night, as_folder, exposure):
    exposure("nights/n1/.toyz-upload-x.fits")
    os.symlink(night / "c4d_001.fits", night / "link.fits")
    index_folder(as_folder(make_user("root", admin=True), "nights/n1"), recursive=False)
    names = set(HeaderEntry.objects.values_list("name", flat=True))
    assert ".toyz-upload-x.fits" not in names and "link.fits" not in names


def test_a_users_run_reads_and_counts_only_the_files_they_may_read(make_user, night, as_folder):
    from apps.files.grants import grant
    from apps.files.services import Right

    alice = make_user("alice")
    grant("nights", alice, [Right.READ])
    grant("nights/n1/secret", alice, [])
    named: list[str] = []
    summary = index_folder(
        as_folder(alice, "nights/n1"), recursive=True, user=alice, progress=lambda d, t, m: named.append(m)
    )
    assert summary.files == 5 and HeaderEntry.objects.count() == 5
    assert not [m for m in named if "secret" in m]


def test_the_command_indexes_the_whole_data_root(make_user, night, capsys):
    make_user("root", admin=True)
    call_command("toyz_index")
    assert HeaderEntry.objects.count() == 6
    out = capsys.readouterr().out
    assert "(data root): 6 files, 6 read" in out and "broken.fits" in out
    call_command("toyz_index", str(Path(night)), "--no-recursive")
    assert "nights/n1: 5 files, 0 read, 5 unchanged" in capsys.readouterr().out
