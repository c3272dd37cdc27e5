from django.urls import path

from apps.files import api

urlpatterns = [path("list", api.listing, name="files-list")]
