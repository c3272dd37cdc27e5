from django.apps import AppConfig


class WatchConfig(AppConfig):
    name = "apps.watch"
    verbose_name = "Watched folders"
