"""The forms of the register and the dossier, one module per kind of case (and
the dossier's), on the shared fields of ``fields``."""

from .appeals import AppealAssignForm, AppealDecideForm, AppealLodgeForm
from .client_signals import SignalForm, SignalQualifyForm
from .complaints import (
    AnonymisedForm,
    CloseForm,
    ComplaintRegisterForm,
    EscalateForm,
    FollowUpForm,
    HandlerForm,
    HandlingForm,
    InformPartiesForm,
    SatisfactionForm,
)
from .dossier import (
    DecisionSupersedeForm,
    EvidenceDeleteForm,
    EvidenceUploadForm,
    TimelineFilterForm,
)
from .fields import DATETIME_INVALID
from .mediations import (
    ChooseForm,
    ConsentForm,
    EvaluateForm,
    InformClaimantForm,
    MediationCloseForm,
    MediationOpenForm,
    ProposeForm,
    SessionForm,
    WithdrawForm,
)

__all__ = [
    "DATETIME_INVALID",
    "AnonymisedForm",
    "AppealAssignForm",
    "AppealDecideForm",
    "AppealLodgeForm",
    "ChooseForm",
    "CloseForm",
    "ComplaintRegisterForm",
    "ConsentForm",
    "DecisionSupersedeForm",
    "EscalateForm",
    "EvaluateForm",
    "EvidenceDeleteForm",
    "EvidenceUploadForm",
    "FollowUpForm",
    "HandlerForm",
    "HandlingForm",
    "InformClaimantForm",
    "InformPartiesForm",
    "MediationCloseForm",
    "MediationOpenForm",
    "ProposeForm",
    "SatisfactionForm",
    "SessionForm",
    "SignalForm",
    "SignalQualifyForm",
    "TimelineFilterForm",
    "WithdrawForm",
]
