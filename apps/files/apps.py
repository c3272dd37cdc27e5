from django.apps import AppConfig


class FilesConfig(AppConfig):
    name = "apps.files"
    verbose_name = "Files"

    def ready(self) -> None:
        from apps.files import jobs, signals  # noqa: F401  (registers the file jobs and the grants' signals)
