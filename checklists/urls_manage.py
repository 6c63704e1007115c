from django.urls import path

from checklists import views_manage as views
from checklists import views_suggestions, views_thesaurus

app_name = "checklists_manage"
urlpatterns = [
    path("", views.checklist_index, name="index"),
    path("new/", views.checklist_create, name="create"),
    path("synonymer/", views_thesaurus.thesaurus_index, name="thesaurus"),
    path("synonymer/ny/", views_thesaurus.thesaurus_create, name="thesaurus_create"),
    path("synonymer/<int:pk>/", views_thesaurus.thesaurus_edit, name="thesaurus_edit"),
    path("synonymer/<int:pk>/ta-bort/", views_thesaurus.thesaurus_delete, name="thesaurus_delete"),
    path(
        "synonymer/<int:pk>/historik/", views_thesaurus.thesaurus_history, name="thesaurus_history"
    ),
    path("synonymer/forslag/", views_suggestions.synonym_suggestions, name="thesaurus_suggestions"),
    path("synonymer/importera/", views_thesaurus.thesaurus_import, name="thesaurus_import"),
    path("synonymer/exportera/", views_thesaurus.thesaurus_export, name="thesaurus_export"),
    path("<int:version_id>/", views.checklist_version, name="version"),
    path("<int:version_id>/edit/", views.checklist_edit, name="edit"),
    path("<int:version_id>/approve/", views.checklist_approve, name="approve"),
    path("<int:version_id>/new-version/", views.checklist_new_version, name="new_version"),
    path("<int:version_id>/<str:action>/", views.checklist_action, name="action"),
]
