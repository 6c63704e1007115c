"""Live updates to the agents' screens: a case changed → every screen that may see it refreshes.

Groups follow the visibility rule of `cases.selectors.cases_visible_to`: the contact centre and
managers listen to `cases.all`, department staff to their own department's group.
"""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

ALL_CASES_GROUP = "cases.all"


def department_group(department_id: int) -> str:
    return f"cases.department.{department_id}"


def broadcast_case_change(
    sender: object, *, reference: str, event: str, department_id: int | None, **_: object
) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    message = {"type": "case.changed", "reference": reference, "event": event}
    groups = [ALL_CASES_GROUP]
    if department_id is not None:
        groups.append(department_group(department_id))
    for group in groups:
        try:
            async_to_sync(layer.group_send)(group, message)
        except Exception:  # a missing live update must never break the write that caused it
            logger.exception("live update for %s to %s failed", reference, group)
