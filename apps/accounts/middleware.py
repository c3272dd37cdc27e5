"""Anonymous users see the login page and nothing else; API clients get JSON instead of a redirect."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import middleware
from django.http import HttpRequest, HttpResponse, JsonResponse

_API_PREFIXES = ("/api/", "/tiles/")


class LoginRequiredMiddleware(middleware.LoginRequiredMiddleware):
    def handle_no_permission(self, request: HttpRequest, view_func: Callable[..., Any]) -> HttpResponse:
        if request.path.startswith(_API_PREFIXES):
            return JsonResponse({"error": {"code": "unauthenticated", "message": "Log in first."}}, status=401)
        return super().handle_no_permission(request, view_func)
