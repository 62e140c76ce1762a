"""Person choosers: every form of the register that names a person offers only
those the rule allows, shows each person's role next to the name, and says in one
help line who is left out and why.

A form offers with `PersonChoiceField.offer` (or the multiple variant): the pool
of candidates (already filtered on the role the rule asks for) and a function
that says why one of them may not be chosen here. The services keep refusing on
their own (A7, C2): this is what the user sees before choosing, and a forged post
of someone left out gets the same reason as a form error."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.roles import (
    ASSESSOR,
    CERTIFICATION_DECIDER,
    CORE_GROUP,
    EXTERNAL_MEDIATOR,
    QUALITY_OFFICER,
    ROLES_BY_CODE,
    ROLES_BY_NAME,
)

Refusal = Callable[[object], str]

INVALID_PERSON = gettext_lazy("Kies een persoon uit de lijst.")


def role_names(user) -> list[str]:
    """The Dutch names of ``user``'s roles, from the prefetched groups (one query
    for a whole list, see `people`)."""
    return sorted(g.name for g in user.groups.all() if g.name in ROLES_BY_NAME)


def person_label(user) -> str:
    roles = role_names(user)
    return f"{user} ({', '.join(roles)})" if roles else str(user)


def people(*role_codes: str, keeping: Iterable[int] = ()) -> QuerySet:
    """Active accounts holding one of ``role_codes`` (every account with a role
    when none is given), with their groups for the role labels. ``keeping``: the
    keys of people already recorded on the object, kept on offer so that saving
    it again does not silently drop them."""
    if role_codes:
        held = Q(groups__name__in=[ROLES_BY_CODE[c].name for c in role_codes])
    else:
        held = Q(groups__isnull=False)
    kept = [pk for pk in keeping if pk is not None]
    if kept:
        held |= Q(pk__in=kept)
    return (
        get_user_model()
        .objects.filter(held, is_active=True)
        .distinct()
        .prefetch_related("groups")
        .order_by("last_name", "first_name")
    )


def _key(value) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


class _PersonMixin:
    """What the single and the multiple person field share: the labels, the rule
    line, and the people left out with their reason."""

    def _init_person(self, rule) -> None:
        self.rule = rule or self.help_text
        self.excluded: dict[int, tuple[object, str]] = {}
        self.help_text = self.rule
        self.error_messages["invalid_choice"] = INVALID_PERSON
        self.error_messages["invalid_pk_value"] = INVALID_PERSON

    def label_from_instance(self, obj):
        return person_label(obj)

    def offer(self, candidates: QuerySet, refusal: Refusal | None = None) -> None:
        """Offer ``candidates`` minus those ``refusal`` gives a reason for; name the
        latter, with their reason, in the help line."""
        candidates = candidates.prefetch_related("groups")
        self.excluded = {}
        if refusal is not None:
            for person in candidates:
                reason = refusal(person)
                if reason:
                    self.excluded[person.pk] = (person, reason)
        self.queryset = candidates.exclude(pk__in=list(self.excluded))
        self.help_text = self.help_line()

    def help_line(self) -> str:
        if not self.excluded:
            return str(self.rule)
        left_out = "; ".join(
            f"{person} \u2014 {reason}" for person, reason in self.excluded.values()
        )
        return " ".join(
            filter(None, [str(self.rule), _("Niet beschikbaar: %s.") % left_out])
        )

    def refusal_for(self, value) -> ValidationError | None:
        """The reason why the posted ``value`` is not offered, if it is someone
        left out (a forged or outdated post)."""
        entry = self.excluded.get(_key(value))
        if entry is None:
            return None
        person, reason = entry
        return ValidationError(
            _(
                "%(name)s kan hier niet worden gekozen: %(reason)s. Kies iemand "
                "uit de lijst."
            )
            % {"name": person, "reason": reason},
            code="excluded",
        )


class PersonChoiceField(_PersonMixin, forms.ModelChoiceField):
    def __init__(self, *args, rule="", **kwargs):
        kwargs.setdefault("queryset", get_user_model().objects.none())
        super().__init__(*args, **kwargs)
        self._init_person(rule)

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            refused = self.refusal_for(value)
            if refused is not None:
                raise refused from None
            raise


class PersonMultipleChoiceField(_PersonMixin, forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, *args, rule="", **kwargs):
        kwargs.setdefault("queryset", get_user_model().objects.none())
        super().__init__(*args, **kwargs)
        self._init_person(rule)

    def _check_values(self, value):
        for item in value if isinstance(value, Iterable) else ():
            refused = self.refusal_for(item)
            if refused is not None:
                raise refused
        return super()._check_values(value)


# -- the rules: who is in the pool, who is left out and why --------------------


def deciders_pool() -> QuerySet:
    return people(CERTIFICATION_DECIDER)


def auditors_pool() -> QuerySet:
    """Who leads or performs an audit: assessors and the senior staff of the core
    group (the demo's initial audit is led by a core-group member)."""
    return people(ASSESSOR, CORE_GROUP)


def staff_pool() -> QuerySet:
    return people()


def audit_participation(audit) -> Refusal:
    """Whoever evaluated may not decide on the audit (the scheme's impartiality,
    the spirit of A7)."""
    if audit is None or audit.pk is None:
        return lambda person: ""
    leader = audit.team_leader_id
    assessors = set(audit.assessors.values_list("pk", flat=True))

    def refusal(person) -> str:
        if person.pk == leader:
            return _("was teamleider bij het onderzoek")
        if person.pk in assessors:
            return _("was beoordelaar bij het onderzoek")
        return ""

    return refusal


def appeal_independence(appeal) -> Refusal:
    """A7: not the original decider, not the audit's team leader or assessors."""
    decision = appeal.decision
    by_audit = audit_participation(decision.audit)

    def refusal(person) -> str:
        if person.pk == decision.decider_id:
            return _("nam de bestreden beslissing")
        return by_audit(person)

    return refusal


def deciders_on_audit(audit) -> Refusal:
    """Whoever decided on an audit may not (afterwards) have evaluated it."""
    if audit is None or audit.pk is None:
        return lambda person: ""
    deciders = set(audit.decisions.values_list("decider_id", flat=True))

    def refusal(person) -> str:
        if person.pk in deciders:
            return _("nam een beslissing over dit onderzoek")
        return ""

    return refusal


def complaint_involvement(complaint) -> Refusal:
    """C2: a core-group member directly involved may not handle the complaint."""
    involved = (
        set(complaint.involved_staff.values_list("pk", flat=True))
        if complaint is not None and complaint.pk
        else set()
    )

    def refusal(person) -> str:
        if person.pk in involved:
            return _("is direct betrokken bij de klachtsituatie")
        return ""

    return refusal


def not_involvable(complaint=None) -> Refusal:
    """Who is never "directly involved" in a complaint situation: the external
    notary is not staff (E4); the quality officer registers and monitors every
    complaint (C2) unless she also works in another role; the handler cannot be
    involved in the complaint he handles (C2)."""
    handler_id = getattr(complaint, "handler_id", None)
    notary = ROLES_BY_CODE[EXTERNAL_MEDIATOR].name
    quality = ROLES_BY_CODE[QUALITY_OFFICER].name

    def refusal(person) -> str:
        own = {g.name for g in person.groups.all()} & set(ROLES_BY_NAME)
        if person.pk is not None and person.pk == handler_id:
            return _("behandelt de klacht")
        if own and own <= {notary}:
            return _("externe mediation-notaris, geen medewerker")
        if own and own <= {quality, notary}:
            return _("registreert en bewaakt de klacht")
        return ""

    return refusal


def either(*refusals: Refusal) -> Refusal:
    def refusal(person) -> str:
        return next((r for f in refusals if (r := f(person))), "")

    return refusal


__all__ = [
    "PersonChoiceField",
    "PersonMultipleChoiceField",
    "appeal_independence",
    "audit_participation",
    "auditors_pool",
    "complaint_involvement",
    "deciders_on_audit",
    "deciders_pool",
    "either",
    "not_involvable",
    "people",
    "person_label",
    "role_names",
    "staff_pool",
]
