"""The four kinds of case of the procedure, entered in the registry
(``cases.kinds``) when the app is ready."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import CharField, F, Value
from django.utils.translation import gettext_lazy

from portal.roles import QUALITY_OFFICER, ROLES_BY_CODE

from . import kinds
from .letters.values import (
    appeal_letter_values,
    complaint_letter_values,
    mediation_letter_values,
)
from .models import Appeal, Complaint, LetterTemplate, Mediation, Signal
from .permissions import has_register_access
from .selectors import (
    appeals_visible_to,
    complaints_visible_to,
    mediations_visible_to,
    signals_visible_to,
    with_uninformed_steps,
)
from .transitions import (
    APPEAL_OPENING,
    APPEAL_TRANSITIONS,
    COMPLAINT_OPENING,
    COMPLAINT_TRANSITIONS,
    MEDIATION_OPENING,
    MEDIATION_TRANSITIONS,
    SIGNAL_OPENING,
    SIGNAL_TRANSITIONS,
)
from .transitions.appeals import APPEAL_EVENTS
from .transitions.client_signals import SIGNAL_EVENTS
from .transitions.complaints import COMPLAINT_EVENTS
from .transitions.mediations import MEDIATION_EVENTS

Letter = LetterTemplate.Kind


def _quality_officers(case) -> list:
    # S3: the quality officer qualifies the signal.
    return list(
        get_user_model().objects.filter(
            groups__name=ROLES_BY_CODE[QUALITY_OFFICER].name, is_active=True
        )
    )


def _register_keepers() -> list:
    return [
        u
        for u in get_user_model().objects.filter(is_active=True).exclude(email="")
        if has_register_access(u)
    ]


def _decider_or_register(appeal) -> list:
    # A7/A8: the assigned decider; until there is one, those who assign.
    return [appeal.decider] if appeal.decider else _register_keepers()


def _handler_or_register(complaint) -> list:
    # C6: the handler; while there is none, those who must appoint one.
    return [complaint.handler] if complaint.handler else _register_keepers()


def _mediation_register_columns(qs):
    """The register's columns of a mediation: its notary as the one handling it,
    and the steps the claimant was not informed of (E6)."""
    return with_uninformed_steps(qs), {
        "row_resp_first": F("notary__name"),
        "row_resp_last": Value("", output_field=CharField()),
        "row_resp_username": Value("", output_field=CharField()),
    }


SIGNAL = kinds.register(
    kinds.CaseKind(
        key="signal",
        model=Signal,
        transitions=SIGNAL_TRANSITIONS,
        opening=SIGNAL_OPENING,
        event_labels=SIGNAL_EVENTS,
        selector=signals_visible_to,
        route="cases:signal",
        client_field="client",
        date_field="received_at",
        deadline_field="decide_by",
        deadline_states=(Signal.State.RECEIVED,),
        responsible=_quality_officers,
        related=("client",),
        label=gettext_lazy("klantsignaal"),
        title=gettext_lazy("Signaal"),
        search_key="signaal",
        search_rank=4,
        plural=gettext_lazy("klantsignalen"),
        extra={"search_words": (gettext_lazy("signaal"), gettext_lazy("signalen"))},
    )
)
COMPLAINT = kinds.register(
    kinds.CaseKind(
        key="complaint",
        model=Complaint,
        transitions=COMPLAINT_TRANSITIONS,
        opening=COMPLAINT_OPENING,
        event_labels=COMPLAINT_EVENTS,
        selector=complaints_visible_to,
        route="cases_admin:complaint",
        client_field="client",
        date_field="received_at",
        deadline_field="handle_by",
        deadline_states=(Complaint.State.REGISTERED, Complaint.State.IN_PROGRESS),
        responsible=_handler_or_register,
        related=("handler", "client"),
        letter_kinds=(Letter.COMPLAINT_ACK, Letter.COMPLAINT_OUTCOME),
        letter_values=complaint_letter_values,
        responsible_field="handler",
        label=gettext_lazy("klacht"),
        title=gettext_lazy("Klacht"),
        search_key="klacht",
        search_rank=1,
        plural=gettext_lazy("klachten"),
        # C11: what the core-group meeting reads of a complaint (C5: the
        # anonymised summary where the quality officer decided so).
        extra={
            "agenda": {
                "summary": "description",
                "outcome": "solution",
                "measures": "measures",
                "lessons": "lessons_learned",
                "anonymised": "discuss_anonymised",
                "anonymised_summary": "anonymised_summary",
            }
        },
    )
)
APPEAL = kinds.register(
    kinds.CaseKind(
        key="appeal",
        model=Appeal,
        transitions=APPEAL_TRANSITIONS,
        opening=APPEAL_OPENING,
        event_labels=APPEAL_EVENTS,
        selector=appeals_visible_to,
        route="cases_admin:appeal",
        client_field="appellant",
        date_field="received_at",
        deadline_field="decide_by",
        deadline_states=(
            Appeal.State.RECEIVED,
            Appeal.State.ACKNOWLEDGED,
            Appeal.State.ASSIGNED,
        ),
        responsible=_decider_or_register,
        related=("decider", "appellant"),
        letter_kinds=(
            Letter.APPEAL_ACK,
            Letter.APPEAL_OUTCOME,
            Letter.APPEAL_INADMISSIBLE,
        ),
        letter_values=appeal_letter_values,
        responsible_field="decider",
        label=gettext_lazy("beroep"),
        title=gettext_lazy("Beroep"),
        search_key="beroep",
        search_rank=2,
        plural=gettext_lazy("beroepen"),
        extra={
            "agenda": {"summary": "motivation", "outcome": "outcome_motivation"},
        },
    )
)
MEDIATION = kinds.register(
    kinds.CaseKind(
        key="mediation",
        model=Mediation,
        transitions=MEDIATION_TRANSITIONS,
        opening=MEDIATION_OPENING,
        event_labels=MEDIATION_EVENTS,
        selector=mediations_visible_to,
        route="cases_admin:mediation",
        client_field="claimant",
        date_field="registered_at",
        related=("claimant",),
        letter_kinds=(Letter.MEDIATION_PROPOSAL, Letter.MEDIATION_STEP),
        letter_values=mediation_letter_values,
        # The external mediator is a notary, shown by name; E6 is watched instead
        # of a deadline: the steps the claimant was not informed of.
        responsible_format=gettext_lazy("%(name)s (notaris)"),
        register_annotate=_mediation_register_columns,
        label=gettext_lazy("mediation"),
        title=gettext_lazy("Mediation"),
        search_key="mediation",
        search_rank=3,
        plural=gettext_lazy("mediations"),
        extra={
            "search_words": (gettext_lazy("bemiddeling"),),
            "agenda": {
                "summary": "reason",
                "outcome": "outcome",
                "measures": "actions",
                "lessons": "evaluation",
            },
        },
    )
)
