from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from checklists import views as checklist_views
from kpi import api as kpi_api
from kundtjanst import views

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="registration/login.html"),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("cases/", include("cases.urls")),
    path("escalations/", include("cases.urls_escalation")),
    path("kpi/", include("kpi.urls")),
    path("kanaler/", include("channels_app.urls")),
    path("checklists/manage/", include("checklists.urls_manage")),
    path("checklists/", include("checklists.urls")),
    path("fragor-och-svar/", checklist_views.public_faq, name="public_faq"),
    path("fragor-och-svar/<int:version_id>/", checklist_views.public_answer, name="public_answer"),
    path("", include("channels_app.web.urls")),
    path("api/v1/kpi/kkik", kpi_api.KkikReportApi.as_view(), name="api-kkik"),
    path("api/v1/", include("cases.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]
