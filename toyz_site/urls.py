"""HTTP routes."""

from django.contrib import admin
from django.urls import include, path

from apps.workspaces.views import favicon
from toyz_site.api import api

urlpatterns = [
    path("favicon.ico", favicon),
    path("admin/", admin.site.urls),
    path("accounts/", include("apps.accounts.urls")),
    path("", include("apps.workspaces.urls")),
    # The API (/api/..., /tiles/...) after the pages: ninja adds a root pattern of its own that
    # would otherwise shadow the home page.
    path("", api.urls),
]
