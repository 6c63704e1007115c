from django.urls import path

from kpi import views

app_name = "kpi"
urlpatterns = [
    path("", views.manager_dashboard, name="dashboard"),
    path("cases/", views.measure_cases, name="cases"),
    path("times/", views.dashboard_times, name="times"),
    path("escalations/", views.escalation_return_flow, name="return_flow"),
]
