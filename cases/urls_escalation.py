from django.urls import path

from cases import views_escalation

app_name = "escalations"
urlpatterns = [
    path("", views_escalation.inbox, name="inbox"),
    path("<int:pk>/", views_escalation.escalation_detail, name="detail"),
    path("<int:pk>/<str:action>/", views_escalation.escalation_action, name="action"),
]
