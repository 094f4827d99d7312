"""Database models. Each module holds one area; importing this package registers them all."""

from .base import utcnow
from .cases import AuditCase, Participant
from .events import AuditEvent
from .journey import Answer, ConsentRecord, Invitation, Response, SavedPage
from .outbox import InvitationCode, OutboxMessage
from .staff import SafeguardingConcern, SignInThrottle, StaffSession, StaffUser

__all__ = [
    "Answer",
    "AuditCase",
    "AuditEvent",
    "ConsentRecord",
    "Invitation",
    "InvitationCode",
    "OutboxMessage",
    "Participant",
    "Response",
    "SafeguardingConcern",
    "SavedPage",
    "SignInThrottle",
    "StaffSession",
    "StaffUser",
    "utcnow",
]
