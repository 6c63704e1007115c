from django.urls import path

app_name = "checklists_manage"
urlpatterns: list = []
