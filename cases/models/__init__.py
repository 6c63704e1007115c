from cases.models.attachment import Attachment
from cases.models.case import (
    Case,
    CaseStatus,
    Channel,
    Contact,
    Direction,
    ReferenceCounter,
    RosaLevel,
)
from cases.models.citizen import Citizen
from cases.models.escalation import (
    OPEN_ESCALATION_STATUSES,
    Escalation,
    EscalationStatus,
    Priority,
    ReminderDigest,
    Unit,
)
from cases.models.facts import CaseFacts
from cases.models.organisation import Department, Service, StaffProfile, SubjectArea
from cases.models.survey import SurveyAnswer, SurveyQuestion

__all__ = [
    "Attachment",
    "Case",
    "CaseFacts",
    "CaseStatus",
    "Channel",
    "Citizen",
    "Contact",
    "Department",
    "Direction",
    "Escalation",
    "EscalationStatus",
    "OPEN_ESCALATION_STATUSES",
    "Priority",
    "ReminderDigest",
    "ReferenceCounter",
    "RosaLevel",
    "Service",
    "StaffProfile",
    "SubjectArea",
    "SurveyAnswer",
    "SurveyQuestion",
    "Unit",
]
