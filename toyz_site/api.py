"""The site's one REST API (django-ninja): the apps' routers, session auth and one error renderer.

Wiring only. The schema is at /api/openapi.json, the interactive docs at /api/docs (logged-in
users; ``apps.accounts.middleware`` sends others to the login page).
"""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.security import django_auth

from apps import http
from apps.analysis.api import router as analysis_router
from apps.files.api import router as files_router
from apps.headers.api import router as headers_router
from apps.imaging.api import router as imaging_router
from apps.imaging.api import tiles_router
from apps.jobs.api import router as jobs_router
from apps.sources.api import router as sources_router
from apps.workspaces.api import router as workspaces_router

api = NinjaAPI(
    title="Toyz",
    version="1",
    description='Browse and view astronomical images and tables. Every error answers `{"error": {"code", "message"}}`.',
    urls_namespace="api",
    # The session cookie of the login page; the schema declares it as the API's security scheme.
    auth=django_auth,
    openapi_url="/api/openapi.json",
    docs_url="/api/docs",
)

# Each app's router, at the URL its endpoints have always had.
api.add_router("/api/analysis/", analysis_router)
api.add_router("/api/files/", files_router)
api.add_router("/api/headers/", headers_router)
api.add_router("/api/imaging/", imaging_router)
api.add_router("/api/jobs", jobs_router)
api.add_router("/api/sources/", sources_router)
api.add_router("/tiles/", tiles_router)
api.add_router("/api/workspaces", workspaces_router)

for kind in http.HANDLED:
    api.add_exception_handler(kind, http.on_exception)
