from django.urls import path

from apps.workspaces import views

urlpatterns = [
    path("", views.home, name="home"),
    path("workspaces/", views.workspace_list, name="workspace-list"),
    path("workspaces/new/", views.create, name="workspace-create"),
    path("workspaces/<int:workspace_id>/", views.workspace_page, name="workspace"),
]
