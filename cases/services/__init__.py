"""Writes of the case register and the client dossier. Every write re-checks
permission and the rule it implements, runs atomically and logs to Wagtail's audit
log. Admin views, front-end views, commands and tests all call these."""

from .appeals import (
    appeal_acknowledge,
    appeal_admissibility,
    appeal_assign_decider,
    appeal_decide,
    appeal_lodge,
    appeal_send_inadmissibility,
    appeal_send_outcome,
)
from .dossier import (
    certificate_adjust,
    certificate_issue,
    decision_mark_emailed,
    decision_record,
    decision_supersede,
    decision_update,
)
from .evidence import (
    evidence_delete,
    evidence_extract_text,
    evidence_upload,
    evidence_verify,
)
from .grants import (
    audit_access_grant,
    audit_access_revoke,
    dossier_access_grant,
    dossier_access_revoke,
    grants_expire,
)
from .signals import signal_qualify, signal_record

__all__ = [
    "appeal_acknowledge",
    "appeal_admissibility",
    "appeal_assign_decider",
    "appeal_decide",
    "appeal_lodge",
    "appeal_send_inadmissibility",
    "appeal_send_outcome",
    "audit_access_grant",
    "audit_access_revoke",
    "certificate_adjust",
    "certificate_issue",
    "decision_mark_emailed",
    "decision_record",
    "decision_supersede",
    "decision_update",
    "dossier_access_grant",
    "dossier_access_revoke",
    "evidence_delete",
    "evidence_extract_text",
    "evidence_upload",
    "evidence_verify",
    "grants_expire",
    "signal_qualify",
    "signal_record",
]
