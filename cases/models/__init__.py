from .dossier import Audit, Certificate, CertificationDecision, Client, Province
from .evidence import EvidenceFile
from .grants import (
    AuditGroupObjectPermission,
    AuditUserObjectPermission,
    ClientGroupObjectPermission,
    ClientUserObjectPermission,
)
from .register import Appeal, CaseEvent, CaseNumberCounter, ReminderSent, Signal

__all__ = [
    "Appeal",
    "Audit",
    "AuditGroupObjectPermission",
    "AuditUserObjectPermission",
    "CaseEvent",
    "CaseNumberCounter",
    "Certificate",
    "CertificationDecision",
    "Client",
    "ClientGroupObjectPermission",
    "ClientUserObjectPermission",
    "EvidenceFile",
    "Province",
    "ReminderSent",
    "Signal",
]
