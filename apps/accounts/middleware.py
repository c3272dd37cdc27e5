"""Anonymous users see the login page and nothing else; API clients get JSON instead of a redirect."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import middleware
from django.http import HttpRequest, HttpResponseBase, JsonResponse

_API_PREFIXES = ("/api/", "/tiles/")


class LoginRequiredMiddleware(middleware.LoginRequiredMiddleware):
    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        anonymous = not request.user.is_authenticated
        if anonymous and request.path.startswith(_API_PREFIXES) and getattr(view_func, "login_required", True):
            return JsonResponse({"error": {"code": "unauthenticated", "message": "Log in first."}}, status=401)
        return super().process_view(request, view_func, view_args, view_kwargs)
