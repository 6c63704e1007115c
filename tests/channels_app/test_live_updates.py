"""Live case updates over websockets, on the in-memory layer and on real Redis."""

import os

import pytest
from asgiref.sync import async_to_sync
from channels.layers import channel_layers
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.test import override_settings

from cases import services
from channels_app.routing import websocket_urlpatterns

pytestmark = pytest.mark.django_db(transaction=True)

REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/0")
LAYERS = {
    "memory": {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}},
    "redis": {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    },
}


def _redis_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.exceptions.ConnectionError:
        return False


@pytest.fixture(params=["memory", "redis"])
def layer(request):
    if request.param == "redis" and not _redis_up():
        pytest.fail(f"Redis is not reachable at {REDIS_URL} (CI starts it in .ci/run)")
    with override_settings(CHANNEL_LAYERS=LAYERS[request.param]):
        channel_layers.backends.clear()
        yield request.param
        channel_layers.backends.clear()


def connect(user):
    app = URLRouter(websocket_urlpatterns)
    communicator = WebsocketCommunicator(app, "/ws/cases/")
    communicator.scope["user"] = user
    return communicator


def receive_after_write(user, write):
    async def run():
        communicator = connect(user)
        connected, _ = await communicator.connect()
        if not connected:
            return connected, None
        from asgiref.sync import sync_to_async

        await sync_to_async(write)()
        message = None
        if not await communicator.receive_nothing(timeout=1.5):
            message = await communicator.receive_json_from(timeout=1)
        await communicator.disconnect()
        return connected, message

    return async_to_sync(run)()


def test_agent_screen_hears_about_a_new_case(layer, agent, service):
    created = {}

    def write():
        created["case"] = services.case_create(
            channel="phone", summary="Live", by=agent, service=service
        )

    connected, message = receive_after_write(agent, write)
    assert connected
    assert message == {"reference": created["case"].reference, "event": "created"}


def test_department_screen_hears_only_its_own_department(
    layer, agent, dept_user, service, other_service
):
    def write_other():
        services.case_create(channel="phone", summary="Skola", by=agent, service=other_service)

    connected, message = receive_after_write(dept_user, write_other)
    assert connected and message is None

    made = {}

    def write_own():
        made["case"] = services.case_create(
            channel="phone", summary="Bygg", by=agent, service=service
        )

    connected, message = receive_after_write(dept_user, write_own)
    assert message == {"reference": made["case"].reference, "event": "created"}


def test_outsider_and_anonymous_are_refused(layer, outsider):
    from django.contrib.auth.models import AnonymousUser

    for user in (outsider, AnonymousUser()):
        connected, _ = receive_after_write(user, lambda: None)
        assert not connected


def test_rolled_back_change_is_never_announced(layer, agent, service):
    from django.db import transaction

    def write():
        try:
            with transaction.atomic():
                services.case_create(channel="phone", summary="Ångras", by=agent, service=service)
                raise RuntimeError("rollback")
        except RuntimeError:
            pass

    connected, message = receive_after_write(agent, write)
    assert connected and message is None
