from django.urls import path, register_converter

from apps.imaging import api


class FormatConverter:
    regex = "png|jpg|webp|raw"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "tilefmt")

urlpatterns = [
    path("<int:level>/<int:x>/<int:y>.<tilefmt:fmt>", api.tile, name="tile"),
]
