from django.apps import AppConfig


class HeadersConfig(AppConfig):
    name = "apps.headers"
    verbose_name = "Header index"

    def ready(self) -> None:
        from apps.headers import jobs, signals  # noqa: F401  (registers the index job; follows folder changes)
