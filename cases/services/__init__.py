"""Every change to cases, contacts, citizens and escalations goes through these functions.

Split along the domain: `case` (cases, contacts, citizens), `escalation` (hand-over to a
department unit, the department's actions, reminders), `survey`, and `facts` (the per-case
figures the KKiK measures read, kept by the others in their transaction).
"""

from cases.services.case import *  # noqa: F403
from cases.services.case import __all__ as _case_all
from cases.services.escalation import *  # noqa: F403
from cases.services.escalation import __all__ as _escalation_all
from cases.services.facts import *  # noqa: F403
from cases.services.facts import __all__ as _facts_all
from cases.services.survey import *  # noqa: F403
from cases.services.survey import __all__ as _survey_all

__all__ = [*_case_all, *_escalation_all, *_facts_all, *_survey_all]
