from django.urls import path

from kpi import views

app_name = "kpi"
urlpatterns = [
    path("escalations/", views.escalation_return_flow, name="return_flow"),
]
