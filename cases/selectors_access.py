"""Who sees a client dossier, and why: the "Toegang" panel of the dossier page.

Read from the client's side with the very relations and grant tables the scoping
selectors read from the person's side (`cases.selectors`: ``DOSSIER_RELATIONS``,
``AUDIT_RELATIONS``, ``DOSSIER_GRANTS``, ``AUDIT_GRANTS``, `open_mediations`, the
register permission), so the panel cannot say otherwise than the selectors
enforce; `tests/cases/test_access_panel.py` compares the two for every subject of
the permission matrices.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import QuerySet, prefetch_related_objects
from django.utils import timezone
from wagtail.models import ModelLogEntry

from portal.roles import EXTERNAL_MEDIATOR, REGISTER_PERMISSION, ROLES, ROLES_BY_NAME

from .models import Client, Signal
from .selectors import (
    AUDIT_GRANTS,
    AUDIT_RELATIONS,
    DOSSIER_GRANTS,
    DOSSIER_RELATIONS,
    is_unexpired,
    open_mediations,
)

_RULE_IDS = re.compile(r"\s*\((?:[SCEA]\d+(?:[,/ ]+)?)+\)")


def plain_reason(text: str) -> str:
    """A stored reason as the screen shows it: without rule ids ("(E4)"), which
    the portal writes into the reasons it gives itself."""
    return _RULE_IDS.sub("", text or "").strip()


@dataclass
class AccessReason:
    """One reason why a person sees (part of) the dossier.

    ``kind``: register, team_leader, assessor, decision_decider, audit_grant,
    complaint_handler, appeal_decider, mediation_notary, signal_reporter,
    dossier_grant. ``source``: the audit, decision, case or grant it comes from.
    ``active``: False for a grant whose time is up (it gives nothing)."""

    kind: str
    source: object = None
    until: datetime.datetime | None = None
    active: bool = True
    granted_by: object = None
    group: object = None
    note: str = ""
    revocable: bool = False
    whole: bool = False  # opens the whole dossier, not just a part

    @property
    def whole_dossier(self) -> bool:
        return self.whole


@dataclass
class AccessEntry:
    """A person and every reason they see (part of) the dossier."""

    user: object
    reasons: list[AccessReason] = field(default_factory=list)

    @property
    def active(self) -> bool:
        """Sees something now: an active account with at least one live reason."""
        return bool(self.user.is_active and any(r.active for r in self.reasons))

    @property
    def roles(self) -> list[str]:
        names = [g.name for g in self.user.groups.all()]
        roles = [n for n in names if n in ROLES_BY_NAME]
        if self.user.is_superuser:
            roles.insert(0, "beheerder")
        return roles

    @property
    def revocable(self) -> bool:
        return any(r.revocable for r in self.reasons)


def _register_users() -> QuerySet:
    # `has_register_access` is `user.has_perm(REGISTER_PERMISSION)`; of the
    # authentication backends only ModelBackend answers a permission without an
    # object, and this is its own query for "who has it".
    return get_user_model().objects.with_perm(
        REGISTER_PERMISSION,
        is_active=True,
        include_superusers=True,
        backend="django.contrib.auth.backends.ModelBackend",
    )


def _persons(row, relation) -> list:
    value = getattr(row, relation.person)
    if relation.model._meta.get_field(relation.person).many_to_many:
        return list(value.all())
    return [value] if value is not None else []


def _fetch(relation, client):
    field_ = relation.model._meta.get_field(relation.person)
    rows = relation.rows_about(client)
    if field_.many_to_many:
        return rows.prefetch_related(relation.person)
    related = [relation.person]
    if relation.audit.endswith("_id"):  # a decision: show its audit
        related.append(relation.audit.removesuffix("_id"))
    return rows.select_related(*related)


def _grants(tables, client):
    """(reason kind, [(user, grant, group)]) of the user and group grants on
    ``client`` (or on its audits), expired ones included."""
    user_model, group_model, codename, client_path = tables
    rows = []
    by_user = (
        user_model.objects.filter(
            permission__codename=codename, **{client_path: client.pk}
        )
        .select_related("user", "granted_by", "content_object")
        .order_by("pk")
    )
    rows.extend((g.user, g, None) for g in by_user)
    by_group = (
        group_model.objects.filter(
            permission__codename=codename, **{client_path: client.pk}
        )
        .select_related("group", "granted_by", "content_object")
        .prefetch_related("group__user_set")
        .order_by("pk")
    )
    for grant in by_group:
        rows.extend((u, grant, grant.group) for u in grant.group.user_set.all())
    return rows


def dossier_access(
    client: Client, *, now: datetime.datetime | None = None
) -> list[AccessEntry]:
    """Everyone who sees ``client``'s dossier or a part of it, each with why;
    grants whose time is up are listed too, as not giving access. People with a
    live reason first, then by name. A fixed number of queries (about fifteen),
    whatever the number of people, audits, cases and grants."""
    now = now or timezone.now()
    entries: dict[int, AccessEntry] = {}

    def add(user, reason: AccessReason) -> None:
        entries.setdefault(user.pk, AccessEntry(user)).reasons.append(reason)

    for user in _register_users():
        add(user, AccessReason("register", whole=True))
    for relation in (*DOSSIER_RELATIONS, *AUDIT_RELATIONS):
        whole = relation in DOSSIER_RELATIONS
        for row in _fetch(relation, client):
            for person in _persons(row, relation):
                add(person, AccessReason(relation.key, source=row, whole=whole))
    notaries: dict[int, AccessReason] = {}
    for mediation in (
        open_mediations(now)
        .filter(claimant=client, notary__user__isnull=False)
        .select_related("notary__user")
    ):
        reason = AccessReason(
            "mediation_notary", source=mediation, until=mediation.access_until
        )
        notaries[mediation.notary.user_id] = reason
        add(mediation.notary.user, reason)
    for signal in Signal.objects.filter(client=client).select_related("reported_by"):
        add(signal.reported_by, AccessReason("signal_reporter", source=signal))
    for kind, tables in (
        ("dossier_grant", DOSSIER_GRANTS),
        ("audit_grant", AUDIT_GRANTS),
    ):
        for user, grant, group in _grants(tables, client):
            active = is_unexpired(grant.expires_at, now)
            if (
                kind == "dossier_grant"
                and grant.granted_by_id is None
                and active
                and user.pk in notaries
            ):
                # The mediation's own grant (E4): shown as the mediation, which
                # thereby opens the whole dossier.
                notaries[user.pk].whole = True
                continue
            add(
                user,
                AccessReason(
                    kind,
                    source=grant,
                    until=grant.expires_at,
                    active=active,
                    granted_by=grant.granted_by,
                    group=group,
                    note=plain_reason(grant.reason),
                    revocable=(
                        kind == "dossier_grant"
                        and group is None
                        and grant.granted_by_id is not None
                    ),
                    whole=kind == "dossier_grant",
                ),
            )
    result = list(entries.values())
    prefetch_related_objects([e.user for e in result], "groups")
    for entry in result:
        entry.reasons.sort(key=lambda r: (not r.active, not r.whole_dossier))
    result.sort(
        key=lambda e: (
            not e.active,
            e.user.last_name.lower(),
            e.user.first_name.lower(),
            e.user.username,
        )
    )
    return result


def access_history(client: Client, *, limit: int = 20) -> QuerySet:
    """The dossier's history of access: grants, revocations and expiries, newest
    first (Wagtail's audit log of the client)."""
    return (
        ModelLogEntry.objects.for_instance(client)
        .filter(action__in=["portal.grant", "portal.revoke", "portal.grant_expired"])
        .select_related("user")
        .order_by("-timestamp", "-pk")[:limit]
    )


def colleagues_for_access() -> QuerySet:
    """Who may be given access to a dossier (C4: a colleague the quality officer
    consults): active staff, not the external notary (her access comes with a
    mediation, E4), and not those who already see the whole register."""
    staff_roles = [role.name for role in ROLES if role.code != EXTERNAL_MEDIATOR]
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=staff_roles)
        .exclude(pk__in=_register_users().values("pk"))
        .distinct()
        .prefetch_related("groups")
        .order_by("last_name", "first_name", "username")
    )
