from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "apps.analysis"
    verbose_name = "Analysis tools"

    def ready(self) -> None:
        from apps.analysis import jobs  # noqa: F401  (registers the analysis jobs)
