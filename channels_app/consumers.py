"""Websocket consumers."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from cases.permissions import user_department_id
from channels_app.live import ALL_CASES_GROUP, department_group
from kundtjanst import roles


def _groups_for(user: roles.UserLike) -> list[str]:
    if roles.sees_all_cases(user):
        return [ALL_CASES_GROUP]
    if roles.has_role(user, roles.DEPARTMENT):
        department_id = user_department_id(user)
        if department_id is not None:
            return [department_group(department_id)]
    return []


class CaseFeedConsumer(AsyncJsonWebsocketConsumer):
    """Tells an agent's case list that a case it may see has changed (it then reloads itself)."""

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        self.groups_joined = await database_sync_to_async(_groups_for)(user)
        if not self.groups_joined:
            await self.close(code=4403)
            return
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def case_changed(self, event: dict) -> None:
        await self.send_json({"reference": event["reference"], "event": event["event"]})
