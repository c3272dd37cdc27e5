from django.urls import path

from apps.imaging import api

urlpatterns = [
    path("describe", api.describe, name="imaging-describe"),
    path("pixel", api.pixel, name="imaging-pixel"),
    path("colormap", api.colormap, name="imaging-colormap"),
    path("colormaps", api.colormaps, name="imaging-colormaps"),
]
