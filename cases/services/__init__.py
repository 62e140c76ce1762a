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
from .client_signals import signal_qualify, signal_record
from .complaint_holders import complaint_decide_follow_up, complaint_inform_parties
from .complaints import (
    complaint_acknowledge,
    complaint_assign_handler,
    complaint_close,
    complaint_decide_anonymised,
    complaint_escalate,
    complaint_record_satisfaction,
    complaint_register,
    complaint_send_outcome,
    complaint_update_handling,
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
    dossier_access_grant_to_colleague,
    dossier_access_revoke,
    dossier_access_withdraw,
    grants_expire,
)
from .mediations import (
    mediation_choose,
    mediation_close,
    mediation_consent,
    mediation_evaluate,
    mediation_inform_claimant,
    mediation_open,
    mediation_propose,
    mediation_record_session,
    mediation_withdraw,
)

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
    "complaint_acknowledge",
    "complaint_assign_handler",
    "complaint_close",
    "complaint_decide_anonymised",
    "complaint_decide_follow_up",
    "complaint_escalate",
    "complaint_inform_parties",
    "complaint_record_satisfaction",
    "complaint_register",
    "complaint_send_outcome",
    "complaint_update_handling",
    "decision_mark_emailed",
    "decision_record",
    "decision_supersede",
    "decision_update",
    "dossier_access_grant",
    "dossier_access_grant_to_colleague",
    "dossier_access_revoke",
    "dossier_access_withdraw",
    "evidence_delete",
    "evidence_extract_text",
    "evidence_upload",
    "evidence_verify",
    "grants_expire",
    "mediation_choose",
    "mediation_close",
    "mediation_consent",
    "mediation_evaluate",
    "mediation_inform_claimant",
    "mediation_open",
    "mediation_propose",
    "mediation_record_session",
    "mediation_withdraw",
    "signal_qualify",
    "signal_record",
]
