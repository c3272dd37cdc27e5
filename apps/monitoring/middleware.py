"""Request ids and request metrics, for sync and async views alike (no thread hop on the tile path)."""

from __future__ import annotations

import itertools
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import async_to_sync, iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, HttpResponseBase
from django.urls import resolve

from apps.monitoring import context, metrics, views

HEADER = "X-Request-ID"
#: An id from the proxy (nginx's $request_id is 32 hex digits) is kept when it looks like one; anything
#: else (too long, spaces, quotes, newlines that would forge log lines) is replaced.
_VALID_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
#: The response header the tile view sets: "hit" (a file already in the cache) or "miss".
CACHE_HEADER = "X-Toyz-Cache"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_TILE_VIEWS = frozenset({"api:tile"})

GetResponse = Callable[[HttpRequest], Any]


class _Middleware:
    """Both sync and async: Django calls it the way the next layer wants, without an adapter."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> HttpResponseBase | Awaitable[HttpResponseBase]:
        if self.is_async:
            return self._acall(request)
        before = self.before(request)
        return self.after(request, self.get_response(request), before)

    async def _acall(self, request: HttpRequest) -> HttpResponseBase:
        before = self.before(request)
        response = await self.get_response(request)
        return self.after(request, response, before)

    def before(self, request: HttpRequest) -> Any:
        raise NotImplementedError

    def after(self, request: HttpRequest, response: HttpResponseBase, before: Any) -> HttpResponseBase:
        raise NotImplementedError


# A made id: this process's random prefix and a count (32 hex digits, like nginx's), without a system
# call per request as uuid4 would make.
_ID_PREFIX = secrets.token_hex(8)
_ids = itertools.count()


def request_id_of(request: HttpRequest) -> str:
    """The proxy's request id when it is a sane one, else a new one."""
    given = request.headers.get(HEADER, "")
    return given if _VALID_ID.fullmatch(given) else f"{_ID_PREFIX}{next(_ids) & 0xFFFFFFFFFFFFFFFF:016x}"


class RequestIdMiddleware(_Middleware):
    """Every log line of a request names it; the response says its id (`X-Request-ID`)."""

    def before(self, request: HttpRequest) -> Any:
        rid = request_id_of(request)
        return context.request_id.set(rid)

    def after(self, request: HttpRequest, response: HttpResponseBase, before: Any) -> HttpResponseBase:
        response[HEADER] = context.request_id.get() or ""
        # Under ASGI the id stays: Django's handler logs a 4xx or 5xx response ("Not Found: ...") after
        # the middleware returned, and each request runs in a context of its own (a task), which asgiref
        # carries into and back out of the threads of sync code. A WSGI thread serves one request after
        # another in one context, so there it goes back.
        if not isinstance(request, ASGIRequest):
            context.request_id.reset(before)
        return response


def view_label(request: HttpRequest) -> str:
    """The URL's name (a small, fixed set), never the path (which holds file names and ids)."""
    match = getattr(request, "resolver_match", None)
    return (match.view_name or "unnamed") if match is not None else "none"


class MetricsMiddleware(_Middleware):
    """Count and time every response by view, method and status; a tile by its cache answer instead of its view."""

    def before(self, request: HttpRequest) -> Any:
        return time.perf_counter()

    def after(self, request: HttpRequest, response: HttpResponseBase, before: Any) -> HttpResponseBase:
        elapsed = time.perf_counter() - before
        view = view_label(request)
        method = request.method if request.method in _METHODS else "other"
        metrics.http_requests(view, method, response.status_code).inc()
        cache = response.get(CACHE_HEADER)
        if cache is not None or view in _TILE_VIEWS:
            # The busiest path: timed in its own histogram only, not in the per-view one too.
            result = cache if cache in ("hit", "miss") else "none"
            metrics.tile_seconds(result).observe(elapsed)
            metrics.tile_cache(result).inc()
        else:
            metrics.http_seconds(view).observe(elapsed)
        return response


class ProbeMiddleware:
    """Answer /healthz and /metrics before the host check, sessions and the login rules.

    Load balancers and Prometheus address a node by its IP address, which is rarely in
    ALLOWED_HOSTS (Django would answer 400); these two answers build no URL from the Host header
    and need no session. Their URL patterns stay in the URLconf for `reverse` and the view name.
    """

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        view = _PROBES.get(request.path_info)
        if view is None:
            return self.get_response(request)
        request.resolver_match = resolve(request.path_info)
        handler = view if iscoroutinefunction(view) == self.is_async else _adapt(view)
        if self.is_async:
            return self._answer_async(handler, request)
        response = handler(request)
        response["X-Content-Type-Options"] = "nosniff"
        return response

    async def _answer_async(self, handler: Callable[..., Any], request: HttpRequest) -> HttpResponseBase:
        response: HttpResponseBase = await handler(request)
        response["X-Content-Type-Options"] = "nosniff"
        return response


def _adapt(view: Callable[..., Any]) -> Callable[..., Any]:
    return async_to_sync(view) if iscoroutinefunction(view) else sync_to_async(view)


_PROBES: dict[str, Callable[..., Any]] = {"/healthz": views.healthz, "/metrics": views.metrics}
