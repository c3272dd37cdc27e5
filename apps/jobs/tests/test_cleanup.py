from __future__ import annotations

import os
import time
from datetime import timedelta
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.utils import timezone

from apps.jobs.models import Job
from workers.imaging.cache import LAST_USED


def test_cleanup_forgets_old_finished_jobs_and_keeps_the_rest(make_user):
    alice = make_user()
    old = timezone.now() - timedelta(days=40)
    Job.objects.create(user=alice, fn="files.list", status=Job.Status.DONE, finished=old)
    Job.objects.create(user=alice, fn="files.list", status=Job.Status.ERROR, finished=old)
    kept_recent = Job.objects.create(user=alice, fn="files.list", status=Job.Status.DONE, finished=timezone.now())
    kept_running = Job.objects.create(user=alice, fn="imaging.prerender", status=Job.Status.RUNNING)
    out = StringIO()
    call_command("toyz_cleanup", "--days", "30", stdout=out)
    assert set(Job.objects.values_list("pk", flat=True)) == {kept_recent.pk, kept_running.pk}
    assert "Deleted 2 finished jobs" in out.getvalue()


def test_cleanup_shrinks_the_cache_to_its_limit_least_recently_used_first(db, settings, cache_dir: Path):
    hour = 3600
    identities = {}
    for hours in (3, 2, 1):
        folder = cache_dir / f"{hours:032x}"
        (folder / "hdu0-p0").mkdir(parents=True)
        (folder / "hdu0-p0" / "L1.npy").write_bytes(b"\0" * 1000)
        (folder / LAST_USED).touch()
        stamp = time.time() - hours * hour
        os.utime(folder / LAST_USED, (stamp, stamp))
        identities[hours] = folder.name
    settings.TOYZ_CACHE_MAX_BYTES = 1500
    out = StringIO()
    call_command("toyz_cleanup", stdout=out)
    assert sorted(p.name for p in cache_dir.iterdir()) == [identities[1]]
    assert "2 files' pyramids removed" in out.getvalue()
