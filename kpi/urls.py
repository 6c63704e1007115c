from django.urls import path

from kpi import views

app_name = "kpi"
urlpatterns = [
    path("", views.manager_dashboard, name="dashboard"),
    path("cases/", views.measure_cases, name="cases"),
    path("escalations/", views.escalation_return_flow, name="return_flow"),
]
