"""ASGI entry point: Django for HTTP, Channels for the workspace WebSockets."""

import os

from django.core.asgi import get_asgi_application

from apps.monitoring.multiprocess import use_metrics_dir

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "toyz_site.settings")
# Before Django loads the metrics: the web processes of a node add up their counters in TOYZ_METRICS_DIR.
use_metrics_dir(os.environ)
# Django must be set up before the consumers (and their models) are imported.
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from apps.files.upload_guard import UploadSizeGuard  # noqa: E402
from toyz_site.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        # Uploads are refused by size before Django reads (and spools) their bodies.
        "http": UploadSizeGuard(django_asgi_app),
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
