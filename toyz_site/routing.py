"""WebSocket routes."""

from django.urls import path

from apps.workspaces.consumers import WorkspaceConsumer

websocket_urlpatterns = [
    path("ws/workspaces/<int:workspace_id>/", WorkspaceConsumer.as_asgi()),
]
