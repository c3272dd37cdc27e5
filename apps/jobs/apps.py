from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "apps.jobs"
    verbose_name = "Jobs"

    def ready(self) -> None:
        from apps.jobs import checks, signals  # noqa: F401  (module decisions follow grants; the settings' checks)
