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
from cases.models.organisation import Department, Service, StaffProfile, SubjectArea

__all__ = [
    "Case",
    "CaseStatus",
    "Channel",
    "Citizen",
    "Contact",
    "Department",
    "Direction",
    "ReferenceCounter",
    "RosaLevel",
    "Service",
    "StaffProfile",
    "SubjectArea",
]
