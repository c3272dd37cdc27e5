"""HTTP routes."""

from django.contrib import admin
from django.urls import include, path

from apps.workspaces.views import favicon
from toyz_site.api import api

urlpatterns = [
    path("favicon.ico", favicon),
    path("admin/", admin.site.urls),
    path("accounts/", include("apps.accounts.urls")),
    path("api/", api.urls),
    path("api/files/", include("apps.files.urls")),
    path("api/imaging/", include("apps.imaging.urls")),
    path("tiles/", include("apps.imaging.tile_urls")),
    path("", include("apps.workspaces.urls")),
]
