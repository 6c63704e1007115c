from django.urls import path

from channels_app.mail import views as mail_views

app_name = "channels"
urlpatterns = [
    path("arenden/<str:reference>/svar/", mail_views.case_reply, name="case_reply"),
    path("e-post/", mail_views.mail_status, name="mail_status"),
]
