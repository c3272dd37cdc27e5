"""The site's REST API (django-ninja): every app's router, and the one renderer of ToyzError."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from apps.jobs.api import router as jobs_router
from workers.errors import ToyzError

api = NinjaAPI(title="Toyz", version="1", urls_namespace="api")
api.add_router("/jobs", jobs_router)


@api.exception_handler(ToyzError)
def toyz_error(request: HttpRequest, exc: ToyzError) -> HttpResponse:
    return api.create_response(request, {"error": exc.as_dict()}, status=exc.status)
