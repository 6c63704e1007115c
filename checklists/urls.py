from django.urls import path

from checklists import views

app_name = "checklists"
urlpatterns = [
    path("search/", views.checklist_search, name="search"),
    path("<int:version_id>/", views.checklist_detail, name="detail"),
    path("<int:version_id>/use/<str:reference>/", views.case_checklist_use, name="use_on_case"),
    path(
        "<int:version_id>/feedback/<str:reference>/",
        views.case_checklist_feedback,
        name="feedback_on_case",
    ),
]
