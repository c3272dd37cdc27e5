from django.apps import AppConfig


class ImagingConfig(AppConfig):
    name = "apps.imaging"
    verbose_name = "Imaging"

    def ready(self) -> None:
        from apps.imaging import jobs  # noqa: F401  (registers the imaging jobs)
