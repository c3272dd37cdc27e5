from django.apps import AppConfig


class SourcesConfig(AppConfig):
    name = "apps.sources"
    verbose_name = "Data sources"

    def ready(self) -> None:
        from apps.sources import jobs  # noqa: F401  (registers the sources jobs)
