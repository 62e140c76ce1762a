"""Complaints about certificate holders (C9): management informs the holder
and the team leader, and decides on a special audit."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Audit, Complaint
from ..selectors import latest_team_leader
from ..transitions import transition_apply
from .dates import not_before_day, plausible_date


def complaint_inform_parties(
    *,
    complaint: Complaint,
    by,
    holder_informed_at: datetime.datetime | None,
    team_leader_informed_at: datetime.datetime | None,
) -> Complaint:
    """C9: management informs both the certified client and the team leader.
    Raises ValidationError without both dates, or for a date in the future or
    before the complaint was received."""

    def effect(locked):
        if holder_informed_at is None or team_leader_informed_at is None:
            raise ValidationError(
                _(
                    "Directie informeert zowel de certificaathouder als de teamleider"
                    "; vul beide data in."
                )
            )
        received = ((locked.received_at, _("de ontvangst van de klacht")),)
        plausible_date(
            "holder_informed_at",
            holder_informed_at,
            label=_("De datum waarop de certificaathouder is geïnformeerd"),
            after=received,
        )
        plausible_date(
            "team_leader_informed_at",
            team_leader_informed_at,
            label=_("De datum waarop de teamleider is geïnformeerd"),
            after=received,
        )
        locked.holder_informed_at = holder_informed_at
        locked.team_leader_informed_at = team_leader_informed_at

    return transition_apply(
        case=complaint, action="inform_parties", by=by, effect=effect
    )


def complaint_decide_follow_up(
    *,
    complaint: Complaint,
    by,
    follow_up: str,
    motivation: str,
    special_audit_start: datetime.date | None = None,
    team_leader=None,
) -> Complaint:
    """C9: management decides whether a special audit is needed or the complaint is
    taken along in the next regular audit. A special audit is created in the
    client's dossier (kind "Speciaal Onderzoek")."""

    def effect(locked):
        if follow_up not in Complaint.FollowUp.values:
            raise ValidationError(
                {"follow_up": _("Kies: Speciaal Onderzoek of volgend onderzoek.")}
            )
        if not motivation.strip():
            raise ValidationError({"motivation": _("Motiveer het besluit.")})
        data = {"follow_up": follow_up}
        if follow_up == Complaint.FollowUp.SPECIAL_AUDIT:
            if special_audit_start is None:
                raise ValidationError(
                    {
                        "special_audit_start": _(
                            "Geef de (geplande) begindatum van het Speciaal Onderzoek."
                        )
                    }
                )
            # Planned, so it may lie in the future; not before the complaint.
            not_before_day(
                "special_audit_start",
                special_audit_start,
                label=_("De begindatum van het Speciaal Onderzoek"),
                earliest=locked.received_at,
                earliest_label=_("de ontvangst van de klacht"),
            )
            leader = team_leader or latest_team_leader(locked.client)
            if leader is None:
                raise ValidationError(
                    {"team_leader": _("Kies de teamleider van het Speciaal Onderzoek.")}
                )
            audit = Audit.objects.create(
                client=locked.client,
                kind=Audit.Kind.SPECIAL,
                start_date=special_audit_start,
                team_leader=leader,
                notes=_("Naar aanleiding van klacht %(n)s.") % {"n": locked.number},
            )
            locked.special_audit = audit
            data["audit"] = audit.pk
        locked.follow_up = follow_up
        locked.follow_up_decided_at = timezone.now()
        return data

    return transition_apply(
        case=complaint,
        action="decide_follow_up",
        by=by,
        effect=effect,
        note=motivation,
    )
