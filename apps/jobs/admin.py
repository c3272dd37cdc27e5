from django.contrib import admin

from apps.jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin[Job]):
    list_display = ("fn", "user", "status", "done", "total", "attempts", "worker", "created", "finished")
    list_filter = ("status", "fn")
    search_fields = ("fn", "user__username")
    readonly_fields = [f.name for f in Job._meta.get_fields() if f.concrete]
