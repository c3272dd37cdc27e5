"""/healthz for load balancers and /metrics for Prometheus: anonymous, so outside the login rules."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import CONTENT_TYPE_PLAIN_0_0_4

from apps.http import error_response
from apps.monitoring import health, nginx_tiles
from apps.monitoring.metrics import exposition
from workers.errors import ToyzError

_NOT_ALLOWED = ToyzError("forbidden", "Metrics are served only to the addresses in TOYZ_METRICS_ALLOW.")


@login_not_required
@never_cache
@require_safe
async def healthz(request: HttpRequest) -> JsonResponse:
    """200 when every check passes, 503 when one fails; the body says which (see `apps.monitoring.health`)."""
    report = await health.run_checks()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)


def client_allowed(address: str | None) -> bool:
    """Whether `address` (the peer as the ASGI server saw it: nginx's client, never a header) is allowed."""
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip in network for network in settings.TOYZ_METRICS_ALLOW)


@login_not_required
@never_cache
@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    """The Prometheus text format, to the addresses of TOYZ_METRICS_ALLOW only (403 for any other)."""
    if not client_allowed(request.META.get("REMOTE_ADDR")):
        return error_response(_NOT_ALLOWED)
    # The tiles nginx sent since the last scrape join this node's counters first.
    nginx_tiles.catch_up()
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_PLAIN_0_0_4)
