from __future__ import annotations

from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from apps.jobs.models import Job


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
    assert "Deleted 2 finished jobs" in out.getvalue() and "Cache:" in out.getvalue()
