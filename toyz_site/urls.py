"""HTTP routes."""

from django.contrib import admin
from django.urls import include, path

from apps.monitoring.views import healthz, metrics
from apps.workspaces.views import favicon
from toyz_site.api import api

urlpatterns = [
    path("favicon.ico", favicon),
    # For load balancers and Prometheus: anonymous, no trailing slash (probes are configured by hand).
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("accounts/", include("apps.accounts.urls")),
    path("", include("apps.workspaces.urls")),
    # The API (/api/..., /tiles/...) after the pages: ninja adds a root pattern of its own that
    # would otherwise shadow the home page.
    path("", api.urls),
]
