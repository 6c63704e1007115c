from django.urls import path

from cases import views, views_escalation

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.contact_new, name="contact_new"),
    path("<str:reference>/", views.case_detail, name="detail"),
    path("<str:reference>/edit/", views.case_edit, name="edit"),
    path("<str:reference>/contacts/", views.case_contact_add, name="contact_add"),
    path("<str:reference>/resolve/", views.case_resolve, name="resolve"),
    path("<str:reference>/escalate/", views_escalation.case_escalate, name="escalate"),
    path("<str:reference>/attachments/<int:pk>/", views.case_attachment, name="attachment"),
    path("<str:reference>/<str:action>/", views.case_status_action, name="status_action"),
]
