from .base import Case, RegisteredCase
from .complaints import Complaint, Mediation, Notary
from .dossier import Audit, Certificate, CertificationDecision, Client, Province
from .evidence import EvidenceFile
from .grants import (
    AuditGroupObjectPermission,
    AuditUserObjectPermission,
    ClientGroupObjectPermission,
    ClientUserObjectPermission,
)
from .letters import LetterTemplate
from .register import Appeal, CaseEvent, CaseNumberCounter, ReminderSent, Signal

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
    "LetterTemplate",
    "Mediation",
    "Notary",
    "Province",
    "RegisteredCase",
    "ReminderSent",
    "Signal",
]
