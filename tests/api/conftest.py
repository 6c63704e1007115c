import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api_for():
    def make(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def agent_api(api_for, agent):
    return api_for(agent)
