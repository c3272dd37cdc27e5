from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from apps.workspaces.models import Workspace


@admin.register(Workspace)
class WorkspaceAdmin(GuardedModelAdmin):
    list_display = ("name", "owner", "updated")
    search_fields = ("name", "owner__username")
