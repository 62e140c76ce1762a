from .dossier import Audit, Certificate, CertificationDecision, Client, Province
from .evidence import EvidenceFile
from .grants import (
    AuditGroupObjectPermission,
    AuditUserObjectPermission,
    ClientGroupObjectPermission,
    ClientUserObjectPermission,
)

__all__ = [
    "Audit",
    "AuditGroupObjectPermission",
    "AuditUserObjectPermission",
    "Certificate",
    "CertificationDecision",
    "Client",
    "ClientGroupObjectPermission",
    "ClientUserObjectPermission",
    "EvidenceFile",
    "Province",
]
