"""What a user may see. Every list, detail, API, export and websocket path starts here.

Split along the domain: `case` (cases, contacts, history), `escalation` (the department inbox).
"""

from cases.selectors.case import *  # noqa: F403
from cases.selectors.case import __all__ as _case_all
from cases.selectors.escalation import *  # noqa: F403
from cases.selectors.escalation import __all__ as _escalation_all

__all__ = [*_case_all, *_escalation_all]
