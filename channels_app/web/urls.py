"""Swedish addresses for the citizen's pages; the agent's page sits under /kanaler/."""

from django.urls import path

from channels_app.web import views

app_name = "web"
urlpatterns = [
    path("kontakt/", views.contact_form, name="contact"),
    path("kontakt/kvitto/", views.contact_receipt, name="receipt"),
    path("arende/<str:token>/", views.case_status, name="status"),
    path("enkat/tack/", views.survey_done, name="survey_done"),
    path("enkat/<str:token>/", views.survey, name="survey"),
    path("kanaler/kontakter/<int:contact_id>/enkat/", views.agent_survey, name="agent_survey"),
]
