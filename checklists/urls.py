from django.urls import path

from checklists import views

app_name = "checklists"
urlpatterns = [
    path("search/", views.checklist_search, name="search"),
    path("<int:version_id>/", views.checklist_detail, name="detail"),
]
