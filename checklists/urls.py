from django.urls import path

from checklists import views, views_followup

app_name = "checklists"
urlpatterns = [
    path("search/", views.checklist_search, name="search"),
    path("follow-up/", views_followup.follow_up, name="follow_up"),
    path(
        "feedback/<int:feedback_id>/resolve/",
        views_followup.feedback_resolve,
        name="feedback_resolve",
    ),
    path("<int:version_id>/", views.checklist_detail, name="detail"),
    path("<int:version_id>/use/<str:reference>/", views.case_checklist_use, name="use_on_case"),
    path(
        "<int:version_id>/feedback/<str:reference>/",
        views.case_checklist_feedback,
        name="feedback_on_case",
    ),
]
