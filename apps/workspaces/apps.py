from django.apps import AppConfig


class WorkspacesConfig(AppConfig):
    name = "apps.workspaces"
    verbose_name = "Workspaces"

    def ready(self) -> None:
        from apps.workspaces import signals  # noqa: F401  (connects the access re-check signals)
