"""The watcher in the embedded mode: settled, whole files are pre-rendered once per identity, across
restarts; changed files again; incomplete, refused and cached files are recorded and left alone."""

from __future__ import annotations

import logging
import os
import struct
from pathlib import Path

import numpy as np
import pytest
from astropy.io import fits

from apps.files.grants import grant
from apps.files.services import Right, resolve
from apps.headers.models import HeaderEntry
from apps.headers.services import index_folder
from apps.jobs.models import Job
from apps.watch import services
from apps.watch.models import WatchedFile
from workers.imaging import file_identity, is_prerendered, prerender
from workers.imaging.completeness import check_complete
from workers.imaging.synthetic import write_decam_like

pytestmark = pytest.mark.django_db(transaction=True)

Outcome = WatchedFile.Outcome


@pytest.fixture
def admin(make_user):
    return make_user("root", admin=True)


def prerender_jobs(path: str) -> list[Job]:
    """The file's own pre-render jobs (HDU jobs are only queued in the distributed mode)."""
    return [job for job in Job.objects.filter(fn="imaging.prerender") if job.params["path"] == path]


def test_a_new_file_is_pre_rendered_once_it_has_settled(
    admin, night, exposure, make_watcher, settle_and_poll, wait_for_jobs, cache_dir, clock, caplog
):
    watcher = make_watcher(admin)
    image = exposure("e1.fits")
    caplog.set_level(logging.INFO, logger="apps.watch")
    first = watcher.poll()
    assert (first.files, first.settling, first.taken) == (1, 1, 0)
    assert not Job.objects.exists()  # not taken before it has settled
    clock.now += 9
    assert watcher.poll().taken == 0
    clock.now += 1
    summary = watcher.poll()
    assert (summary.taken, summary.queued) == (1, 1)
    [job] = prerender_jobs("nights/n1/e1.fits")
    assert job.user == admin and job.params == {"path": "nights/n1/e1.fits", "hdu": None}
    assert wait_for_jobs(watcher).finished == 1
    row = WatchedFile.objects.get()
    assert (row.path, row.identity, row.outcome, str(row.job_id)) == (
        "nights/n1/e1.fits",
        file_identity(image),
        Outcome.BUILT,
        str(job.pk),
    )
    assert is_prerendered(cache_dir, file_identity(image), None)
    assert "Queued: nights/n1/e1.fits" in caplog.text and "Pre-rendered: nights/n1/e1.fits (" in caplog.text
    # Polls go on: nothing more is taken.
    clock.now += 100
    assert settle_and_poll(watcher).taken == 0
    assert Job.objects.count() == 1


def test_a_restarted_watcher_takes_nothing_twice_and_catches_up_on_what_landed_meanwhile(
    admin, exposure, make_watcher, settle_and_poll, wait_for_jobs
):
    watcher = make_watcher(admin)
    exposure("e1.fits")
    settle_and_poll(watcher)
    wait_for_jobs(watcher)
    del watcher
    exposure("e2.fits", seed=2)  # landed while no watcher ran
    again = make_watcher(admin)
    assert set(again.handled) == {"nights/n1/e1.fits"}
    summary = settle_and_poll(again)
    assert (summary.taken, summary.queued) == (1, 1)
    wait_for_jobs(again)
    assert [len(prerender_jobs(f"nights/n1/e{n}.fits")) for n in (1, 2)] == [1, 1]


def test_a_changed_file_is_pre_rendered_again(admin, exposure, make_watcher, settle_and_poll, wait_for_jobs, cache_dir):
    watcher = make_watcher(admin)
    image = exposure("e1.fits")
    settle_and_poll(watcher)
    wait_for_jobs(watcher)
    before = file_identity(image)
    exposure("e1.fits", seed=5)
    os.utime(image, ns=(image.stat().st_atime_ns, image.stat().st_mtime_ns + 10**9))  # a coarse clock's mtime
    after = file_identity(image)
    assert after != before
    assert settle_and_poll(watcher).queued == 1
    wait_for_jobs(watcher)
    assert len(prerender_jobs("nights/n1/e1.fits")) == 2
    assert WatchedFile.objects.get().identity == after
    assert is_prerendered(cache_dir, after, None)


def test_a_file_complete_in_the_cache_is_skipped(admin, exposure, make_watcher, settle_and_poll, cache_dir):
    image = exposure("e1.fits")
    prerender(image, hdu=None, cache_dir=cache_dir, longest_task_seconds=60)
    summary = settle_and_poll(make_watcher(admin))
    assert (summary.taken, summary.skipped) == (1, 1)
    assert not Job.objects.exists()
    assert WatchedFile.objects.get().outcome == Outcome.SKIPPED


def test_an_incomplete_file_is_reported_once_and_taken_when_it_is_whole(
    admin, night, exposure, make_watcher, settle_and_poll, wait_for_jobs, clock, caplog
):
    whole = exposure("whole.fits").read_bytes()
    (night / "whole.fits").unlink()
    partial = night / "e1.fits"
    cut = len(whole) // 2 // 2880 * 2880  # whole blocks: only the structure tells
    partial.write_bytes(whole[:cut])
    watcher = make_watcher(admin)
    caplog.set_level(logging.INFO, logger="apps.watch")
    summary = settle_and_poll(watcher)
    assert (summary.taken, summary.incomplete) == (1, 1)
    for _ in range(3):
        clock.now += 20
        assert watcher.poll().taken == 0  # not retried while it stays as it is
    assert caplog.text.count("Incomplete: nights/n1/e1.fits") == 1
    assert "ends inside the data of HDU 1" in caplog.text
    # Nor after a restart.
    assert settle_and_poll(make_watcher(admin)).taken == 0
    assert caplog.text.count("Incomplete:") == 1
    assert not Job.objects.exists()
    row = WatchedFile.objects.get()
    assert row.outcome == Outcome.INCOMPLETE and "ends inside the data of HDU 1" in row.detail
    # The writer comes back and finishes it.
    with partial.open("ab") as fh:
        fh.write(whole[cut:])
    assert settle_and_poll(watcher).queued == 1
    wait_for_jobs(watcher)
    assert WatchedFile.objects.get().outcome == Outcome.BUILT


def test_a_file_written_to_while_it_is_checked_settles_again(
    admin, night, exposure, make_watcher, settle_and_poll, monkeypatch
):
    image = exposure("e1.fits")
    real_check = check_complete

    def check_while_written(path: Path) -> object:
        found = real_check(path)
        with path.open("ab") as fh:
            fh.write(b"\0" * 2880)
        return found

    monkeypatch.setattr(services, "check_complete", check_while_written)
    watcher = make_watcher(admin)
    assert settle_and_poll(watcher).taken == 0
    assert not WatchedFile.objects.exists() and not Job.objects.exists()
    monkeypatch.setattr(services, "check_complete", real_check)
    # It has grown by a block of zeros: whole no more (its writer's business), and reported as such.
    assert settle_and_poll(watcher).incomplete == 1
    assert image.stat().st_size % 2880 == 0


def test_files_the_watch_user_may_not_read_are_refused_once(
    make_user, night, exposure, make_watcher, settle_and_poll, caplog
):
    alice = make_user("alice")
    (night / "private").mkdir()
    grant("nights", alice, [Right.READ])
    grant("nights/n1/private", alice, [])
    exposure("private/p.fits")
    exposure("e1.fits")
    watcher = make_watcher(alice)
    caplog.set_level(logging.WARNING, logger="apps.watch")
    summary = settle_and_poll(watcher)
    assert (summary.taken, summary.queued, summary.refused) == (2, 1, 1)
    assert WatchedFile.objects.get(path="nights/n1/private/p.fits").outcome == Outcome.REFUSED
    assert [job.params["path"] for job in Job.objects.all()] == ["nights/n1/e1.fits"]
    assert Job.objects.get().user == alice
    assert caplog.text.count("Not taken: nights/n1/private/p.fits") == 1


def test_symlinks_out_of_the_root_are_never_taken(
    admin, night, exposure, make_watcher, settle_and_poll, tmp_path, caplog
):
    outside = tmp_path / "outside"
    outside.mkdir()
    write_decam_like(outside / "secret.fits", n_ccds=2, ccd_shape=(64, 64), seed=3)
    (night / "link.fits").symlink_to(outside / "secret.fits")
    watcher = make_watcher(admin)
    caplog.set_level(logging.WARNING, logger="apps.watch")
    assert settle_and_poll(watcher).taken == 0
    settle_and_poll(watcher)
    assert not Job.objects.exists() and not WatchedFile.objects.exists()
    assert caplog.text.count("symlink out of the data root") == 1


def test_new_files_join_the_header_index_of_an_indexed_folder(
    admin, night, exposure, make_watcher, settle_and_poll, data_root
):
    exposure("e1.fits")
    index_folder(resolve(admin, "nights", Right.LIST), recursive=True)
    exposure("e2.fits", seed=2)
    (data_root / "other").mkdir()
    write_decam_like(data_root / "other" / "o.fits", n_ccds=2, ccd_shape=(64, 64))
    watcher = make_watcher(admin, "nights", "other")
    settle_and_poll(watcher)
    # "other" has no index: its file is pre-rendered, not indexed.
    assert set(HeaderEntry.objects.values_list("path", flat=True)) == {"nights/n1/e1.fits", "nights/n1/e2.fits"}
    entry = HeaderEntry.objects.get(path="nights/n1/e2.fits")
    assert entry.header["INSTRUME"] == "DECam-like" and entry.size == (night / "e2.fits").stat().st_size
    assert WatchedFile.objects.get(path="nights/n1/e2.fits").indexed
    # A changed file's entry is brought up to date; a file gone loses its entry and its row.
    exposure("e2.fits", seed=9)
    settle_and_poll(watcher)
    assert HeaderEntry.objects.get(path="nights/n1/e2.fits").mtime_ns == (night / "e2.fits").stat().st_mtime_ns
    (night / "e2.fits").unlink()
    watcher.poll()
    assert not HeaderEntry.objects.filter(path="nights/n1/e2.fits").exists()
    assert not WatchedFile.objects.filter(path="nights/n1/e2.fits").exists()


@pytest.mark.parametrize(("mode", "indexed"), [("YES", True), ("NO", False)])
def test_the_setting_can_index_always_or_never(admin, exposure, make_watcher, settle_and_poll, mode, indexed):
    exposure("e1.fits")
    settle_and_poll(make_watcher(admin, index=mode))
    assert HeaderEntry.objects.filter(path="nights/n1/e1.fits").exists() is indexed


def test_an_embedded_watcher_that_stopped_mid_render_takes_those_files_again(
    admin, exposure, make_watcher, settle_and_poll, wait_for_jobs
):
    image = exposure("e1.fits")
    job = Job.objects.create(
        user=admin, fn="imaging.prerender", params={"path": "nights/n1/e1.fits", "hdu": None}, status=Job.Status.RUNNING
    )
    WatchedFile.objects.create(
        path="nights/n1/e1.fits",
        identity=file_identity(image),
        size=image.stat().st_size,
        mtime_ns=image.stat().st_mtime_ns,
        outcome=Outcome.QUEUED,
        job_id=job.pk,
    )
    watcher = make_watcher(admin)
    assert watcher.handled == {}
    assert settle_and_poll(watcher).queued == 1
    wait_for_jobs(watcher)
    assert WatchedFile.objects.get().outcome == Outcome.BUILT
    assert Job.objects.get(pk=job.pk).status == Job.Status.RUNNING  # left as the lost pool left it
    Job.objects.filter(pk=job.pk).update(status=Job.Status.CANCELLED)  # no pool will ever finish it


def test_an_embedded_watcher_that_stops_cancels_its_unfinished_jobs_and_marks_their_files(
    admin, exposure, make_watcher
):
    image = exposure("e1.fits")
    job = Job.objects.create(user=admin, fn="imaging.prerender", params={"path": "nights/n1/e1.fits", "hdu": None})
    WatchedFile.objects.create(
        path="nights/n1/e1.fits",
        identity=file_identity(image),
        size=image.stat().st_size,
        mtime_ns=image.stat().st_mtime_ns,
        outcome=Outcome.QUEUED,
        job_id=job.pk,
    )
    watcher = make_watcher(admin)
    watcher.following[str(job.pk)] = "nights/n1/e1.fits"  # as if this watcher had queued it
    watcher.stop()
    assert WatchedFile.objects.get().outcome == Outcome.INTERRUPTED
    assert Job.objects.get().status == Job.Status.CANCELLED
    assert make_watcher(admin).handled == {}  # taken again at the next start


def test_a_row_of_another_identity_is_not_taken_for_the_file(admin, exposure, make_watcher):
    """Rows keep the cache's identity: a data root moved elsewhere makes every file new to the cache."""
    image = exposure("e1.fits")
    st = image.stat()
    fields = {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "outcome": Outcome.BUILT}
    WatchedFile.objects.create(path="nights/n1/e1.fits", identity=file_identity(image), **fields)
    assert make_watcher(admin).handled == {"nights/n1/e1.fits": (st.st_size, st.st_mtime_ns)}
    WatchedFile.objects.update(identity="0" * 32)
    assert make_watcher(admin).handled == {}


def test_a_file_that_trips_the_check_is_refused_once_and_the_polls_go_on(
    admin, exposure, make_watcher, settle_and_poll, monkeypatch, caplog
):
    exposure("e1.fits")

    def broken(path: Path) -> object:
        raise struct.error("unpack requires a buffer of 4 bytes")

    monkeypatch.setattr(services, "check_complete", broken)
    watcher = make_watcher(admin)
    caplog.set_level(logging.WARNING, logger="apps.watch")
    assert settle_and_poll(watcher).refused == 1
    assert settle_and_poll(watcher).taken == 0
    assert caplog.text.count("Checking nights/n1/e1.fits failed") == 1
    assert WatchedFile.objects.get().detail == "its check failed unexpectedly (it is in the watcher's log)"


def test_a_catalogue_is_indexed_but_not_pre_rendered(admin, night, make_watcher, settle_and_poll):
    table = fits.BinTableHDU.from_columns([fits.Column("mag", "D", array=np.arange(5.0))])
    fits.HDUList([fits.PrimaryHDU(), table]).writeto(night / "cat.fits")
    summary = settle_and_poll(make_watcher(admin, index="YES"))
    assert (summary.taken, summary.skipped) == (1, 1)
    assert not Job.objects.exists()
    row = WatchedFile.objects.get()
    assert row.detail == "No HDU that can be shown as an image." and row.indexed
    assert HeaderEntry.objects.filter(path="nights/n1/cat.fits").exists()
