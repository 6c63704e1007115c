"""REST API v1, included under /api/v1/ by kundtjanst/urls.py. Cases are addressed by their
reference (KT-2026-000001), the organisation by its codes."""

from django.urls import path

from cases.api import escalations, views

app_name = "api"

urlpatterns = [
    path("departments/", views.DepartmentListApi.as_view(), name="department-list"),
    path("departments/<str:code>/", views.DepartmentDetailApi.as_view(), name="department-detail"),
    path("subject-areas/", views.SubjectAreaListApi.as_view(), name="subject-area-list"),
    path(
        "subject-areas/<str:code>/",
        views.SubjectAreaDetailApi.as_view(),
        name="subject-area-detail",
    ),
    path("services/", views.ServiceListApi.as_view(), name="service-list"),
    path("services/<str:code>/", views.ServiceDetailApi.as_view(), name="service-detail"),
    path("cases/", views.CaseListCreateApi.as_view(), name="case-list"),
    path("cases/<str:reference>/", views.CaseDetailApi.as_view(), name="case-detail"),
    path("cases/<str:reference>/resolve/", views.CaseResolveApi.as_view(), name="case-resolve"),
    path("cases/<str:reference>/close/", views.CaseCloseApi.as_view(), name="case-close"),
    path("cases/<str:reference>/reopen/", views.CaseReopenApi.as_view(), name="case-reopen"),
    path(
        "cases/<str:reference>/checklist-uses/",
        views.CaseChecklistUseApi.as_view(),
        name="case-checklist-use",
    ),
    path(
        "cases/<str:reference>/escalate/",
        escalations.CaseEscalateApi.as_view(),
        name="case-escalate",
    ),
    path(
        "cases/<str:reference>/contacts/",
        views.CaseContactListCreateApi.as_view(),
        name="case-contacts",
    ),
    path("contacts/", views.ContactListApi.as_view(), name="contact-list"),
    path("units/", escalations.UnitListApi.as_view(), name="unit-list"),
    path("escalations/", escalations.EscalationListApi.as_view(), name="escalation-list"),
    path(
        "escalations/<int:pk>/",
        escalations.EscalationDetailApi.as_view(),
        name="escalation-detail",
    ),
    *(
        path(
            f"escalations/<int:pk>/{action}/",
            view.as_view(),
            name=f"escalation-{action}",
        )
        for action, view in (
            ("accept", escalations.EscalationAcceptApi),
            ("reassign", escalations.EscalationReassignApi),
            ("contact", escalations.EscalationContactApi),
            ("return", escalations.EscalationReturnApi),
            ("decision", escalations.EscalationDecisionApi),
            ("close", escalations.EscalationCloseApi),
        )
    ),
]
