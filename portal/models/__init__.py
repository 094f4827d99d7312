"""Database models. Each module holds one area; importing this package registers them all."""

from .audit import (
    Action,
    ActionUpdate,
    CaseOrganisation,
    Escalation,
    Meeting,
    MeetingOrganisation,
    MeetingPrinciple,
    Organisation,
    OrganisationDomain,
    ReturnPractitioner,
    ReturnPrinciple,
    ReturnRequest,
)
from .base import utcnow
from .cases import AuditCase, Participant
from .events import AuditEvent
from .journey import Answer, ConsentRecord, Invitation, Response, SavedPage
from .outbox import InvitationCode, OutboxMessage
from .reports import TextCheck
from .staff import SafeguardingConcern, SignInThrottle, StaffSession, StaffUser

__all__ = [
    "Action",
    "ActionUpdate",
    "Answer",
    "AuditCase",
    "AuditEvent",
    "CaseOrganisation",
    "ConsentRecord",
    "Escalation",
    "Invitation",
    "InvitationCode",
    "Meeting",
    "MeetingOrganisation",
    "MeetingPrinciple",
    "Organisation",
    "OrganisationDomain",
    "OutboxMessage",
    "Participant",
    "Response",
    "ReturnPractitioner",
    "ReturnPrinciple",
    "ReturnRequest",
    "SafeguardingConcern",
    "SavedPage",
    "SignInThrottle",
    "StaffSession",
    "StaffUser",
    "TextCheck",
    "utcnow",
]
