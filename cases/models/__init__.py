from .appeals import Appeal
from .base import Case, RegisteredCase
from .client_signals import Signal
from .complaints import Complaint
from .dossier import Audit, Certificate, CertificationDecision, Client, Province
from .evidence import EvidenceFile
from .grants import (
    AuditGroupObjectPermission,
    AuditUserObjectPermission,
    ClientGroupObjectPermission,
    ClientUserObjectPermission,
)
from .letters import LetterDraft, LetterTemplate
from .mediations import Mediation, Notary
from .register import CaseEvent, CaseNumberCounter, ReminderSent

__all__ = [
    "Appeal",
    "Audit",
    "AuditGroupObjectPermission",
    "AuditUserObjectPermission",
    "Case",
    "CaseEvent",
    "CaseNumberCounter",
    "Certificate",
    "CertificationDecision",
    "Client",
    "ClientGroupObjectPermission",
    "ClientUserObjectPermission",
    "Complaint",
    "EvidenceFile",
    "LetterDraft",
    "LetterTemplate",
    "Mediation",
    "Notary",
    "Province",
    "RegisteredCase",
    "ReminderSent",
    "Signal",
]
