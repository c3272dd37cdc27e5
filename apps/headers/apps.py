from django.apps import AppConfig


class HeadersConfig(AppConfig):
    name = "apps.headers"
    verbose_name = "Header index"

    def ready(self) -> None:
        from apps.headers import jobs, signals  # noqa: F401  (registers the index job; follows folder changes)
        from apps.headers.services import folder_table
        from apps.sources.services import register_headers

        # A folder's header index is a data source (kind "headers") with the default keywords.
        register_headers(lambda user, folder: folder_table(user, folder, None))
