from typing import Any

from django.apps import AppConfig

#: How long a file's layout stays in the shared cache unused; a changed file gets a new identity anyway.
DESCRIPTION_SECONDS = 7 * 24 * 3600


class _CacheStore:
    """The Django cache (Redis in the distributed mode) as the imaging core's store of file layouts."""

    def get(self, key: str) -> Any:
        from django.core.cache import cache

        return cache.get(key)

    def set(self, key: str, value: Any) -> None:
        from django.core.cache import cache

        cache.set(key, value, timeout=DESCRIPTION_SECONDS)


class ImagingConfig(AppConfig):
    name = "apps.imaging"
    verbose_name = "Imaging"

    def ready(self) -> None:
        from apps.imaging import jobs  # noqa: F401  (registers the imaging jobs)
        from workers.imaging.shared import share_descriptions

        # A process that has not opened a file yet takes its layout from the one that did (no headers parsed).
        share_descriptions(_CacheStore())
