"""Signals other apps may listen to (e.g. channels_app pushes live updates to agents).

They are sent only after the transaction that made the change has committed.
"""

from django.dispatch import Signal

# kwargs: reference (str), event (str: "created", "updated", "contact_added", "status_changed"),
#         department_id (int | None)
case_changed = Signal()
