from django.urls import path

from checklists import views_manage as views

app_name = "checklists_manage"
urlpatterns = [
    path("", views.checklist_index, name="index"),
    path("new/", views.checklist_create, name="create"),
    path("<int:version_id>/", views.checklist_version, name="version"),
    path("<int:version_id>/edit/", views.checklist_edit, name="edit"),
    path("<int:version_id>/approve/", views.checklist_approve, name="approve"),
    path("<int:version_id>/new-version/", views.checklist_new_version, name="new_version"),
    path("<int:version_id>/<str:action>/", views.checklist_action, name="action"),
]
