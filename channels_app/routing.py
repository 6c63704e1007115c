from django.urls import path

from channels_app.consumers import CaseFeedConsumer

websocket_urlpatterns = [
    path("ws/cases/", CaseFeedConsumer.as_asgi()),
]
