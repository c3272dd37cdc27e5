"""Anonymous users see the login page and nothing else; API clients get JSON instead of a redirect."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import middleware
from django.http import HttpRequest, HttpResponseBase

from apps.http import UNAUTHENTICATED, error_response

_API_PREFIXES = ("/api/", "/tiles/")
#: Pages under /api/ (the API's interactive docs): an anonymous visitor is sent to log in, as on any page.
_PAGES = frozenset({"api:openapi-view"})


class LoginRequiredMiddleware(middleware.LoginRequiredMiddleware):
    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        anonymous = not request.user.is_authenticated
        match = request.resolver_match
        is_api = request.path.startswith(_API_PREFIXES) and (match is None or match.view_name not in _PAGES)
        if anonymous and is_api and getattr(view_func, "login_required", True):
            return error_response(UNAUTHENTICATED)
        return super().process_view(request, view_func, view_args, view_kwargs)
