"""File browser API."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from apps.files.services import list_folder
from workers.errors import ToyzError


def error_response(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


@require_GET
def listing(request: HttpRequest) -> JsonResponse:
    try:
        return JsonResponse(list_folder(request.user, request.GET.get("path", "")))
    except ToyzError as exc:
        return error_response(exc.code, exc.message, exc.status)
