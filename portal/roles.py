"""The portal's roles: one table that the migration, the permission sync, the README
and the tests all read, so that who-may-do-what is written down exactly once.

Roles are Django Groups (DESIGN.md, "Confidentiality model") named with the Dutch role
name that users see in the admin; code refers to them by `code`. Renaming a role
group in the admin therefore detaches it from its role: change the name here instead.
The permissions here are coarse gates only; which case or dossier a person may see is
decided per object (guardian grants, selectors).
"""

from __future__ import annotations

from dataclasses import dataclass, field

QUALITY_OFFICER = "quality_officer"
OFFICE_MANAGER = "office_manager"
MANAGEMENT = "management"
CORE_GROUP = "core_group"
ASSESSOR = "assessor"
CERTIFICATION_DECIDER = "certification_decider"
EXTERNAL_MEDIATOR = "external_mediator"

ADMIN_ACCESS = "wagtailadmin.access_admin"

# Page permissions are granted on the tree's root page, so they hold for the whole
# handbook; document permissions on the root collection.
# The model permissions below open the admin screens; what each person sees in them
# is scoped per object by cases.selectors. `view_register` is the whole register.
DOSSIER_MODELS = (
    "client",
    "audit",
    "certificationdecision",
    "certificate",
    "evidencefile",
)
DOSSIER_VIEW = tuple(f"cases.view_{m}" for m in DOSSIER_MODELS)
REGISTER = ("cases.view_register", *DOSSIER_VIEW)
DOSSIER_EDIT = (
    "cases.add_client",
    "cases.change_client",
    "cases.add_audit",
    "cases.change_audit",
    "cases.add_certificationdecision",
    "cases.change_certificationdecision",
    "cases.add_certificate",
    "cases.change_certificate",
    "cases.add_evidencefile",
    # E2: the notary register.
    "cases.view_notary",
    "cases.add_notary",
    "cases.change_notary",
)
# The quality officer drafts and submits revisions; management approves and so
# publishes them (workflow "Wijziging kwaliteitsdocument", documents/workflow.py).
# Management information (C11): the core-group meetings and the annual review.
MEETINGS_KEEP = (
    "insights.view_coregroupmeeting",
    "insights.add_coregroupmeeting",
    "insights.change_coregroupmeeting",
)
REVIEW_READ = ("insights.view_managementreview",)

PAGE_EDIT = ("add_page", "change_page", "lock_page", "unlock_page")


@dataclass(frozen=True)
class Role:
    code: str
    name: str
    summary: str
    permissions: tuple[str, ...] = ()
    page_permissions: tuple[str, ...] = ()
    collection_permissions: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def admin_access(self) -> bool:
        return ADMIN_ACCESS in self.permissions


ROLES: tuple[Role, ...] = (
    Role(
        code=QUALITY_OFFICER,
        name="Portefeuillehouder Q",
        summary=(
            "Beheert het kwaliteitssysteem en het casusregister; kwalificeert "
            "klantsignalen; stelt herziene procedures op en legt ze ter "
            "goedkeuring voor."
        ),
        permissions=(
            ADMIN_ACCESS,
            "portal.change_organisationsettings",
            *REGISTER,
            *DOSSIER_EDIT,
            "cases.delete_evidencefile",
            # Words the letters to clients (C3, C7, A3/A4, A6, A8, E2, E6).
            "cases.view_lettertemplate",
            "cases.change_lettertemplate",
            *MEETINGS_KEEP,
            *REVIEW_READ,
        ),
        page_permissions=PAGE_EDIT,
        collection_permissions=(
            "add_document",
            "change_document",
            "choose_document",
            "delete_document",
        ),
    ),
    Role(
        code=OFFICE_MANAGER,
        name="Officemanager",
        summary="Houdt het casusregister, het klantregister en de dossiers bij.",
        permissions=(
            ADMIN_ACCESS,
            *REGISTER,
            *DOSSIER_EDIT,
            *MEETINGS_KEEP,
            *REVIEW_READ,
        ),
        collection_permissions=("add_document", "change_document", "choose_document"),
    ),
    Role(
        code=MANAGEMENT,
        name="Directie",
        summary=(
            "Keurt herziene procedures goed; beslist over klachten over "
            "certificaathouders; ziet het hele register."
        ),
        permissions=(
            ADMIN_ACCESS,
            *REGISTER,
            "insights.view_coregroupmeeting",
            *REVIEW_READ,
            # Writes the reflection and approves the annual review (C11).
            "insights.change_managementreview",
        ),
        page_permissions=("change_page", "publish_page"),
        collection_permissions=("choose_document",),
    ),
    Role(
        code=CORE_GROUP,
        name="Kerngroeplid",
        summary="Behandelt klachten die hem of haar zijn toegewezen.",
        permissions=(
            ADMIN_ACCESS,
            *DOSSIER_VIEW,
            "cases.add_evidencefile",
            *MEETINGS_KEEP,
        ),
    ),
    Role(
        code=ASSESSOR,
        name="Beoordelaar",
        summary=(
            "Voert onderzoeken uit, leest de procedures en meldt klantsignalen "
            "(alleen de voorkant van het portaal)."
        ),
    ),
    Role(
        code=CERTIFICATION_DECIDER,
        name="Certificatiebeslisser",
        summary="Neemt certificatiebeslissingen en behandelt beroepen.",
        permissions=(
            ADMIN_ACCESS,
            *DOSSIER_VIEW,
            "cases.add_certificationdecision",
            "cases.change_certificationdecision",
            "cases.add_evidencefile",
        ),
    ),
    Role(
        code=EXTERNAL_MEDIATOR,
        name="Mediation-notaris (extern)",
        summary=(
            "Externe notaris bij een mediation: ziet na toestemming van beide "
            "partijen alleen dat klantdossier, tot de mediation is afgesloten."
        ),
    ),
)

ROLES_BY_CODE = {role.code: role for role in ROLES}
# Group name (Dutch, shown in the admin) -> role code.
ROLES_BY_NAME = {role.name: role.code for role in ROLES}


REGISTER_PERMISSION = "cases.view_register"


def acts_as(user, *codes: str) -> bool:
    """Whether ``user`` acts in one of the roles ``codes``; a superuser acts in
    every role. With `holds_role` the only place a role is checked: predicates
    (``cases.permissions``) build on these, nothing checks a role inline."""
    if user is None:
        return False
    if getattr(user, "is_superuser", False):
        return True
    own = getattr(user, "role_codes", ())
    return any(code in own for code in codes)


def holds_role(user, code: str) -> bool:
    """Whether ``user`` has the role ``code`` as a member of its group, superuser or
    not: for who may be *chosen* for a task (a handler, a decider), not who may act."""
    return user is not None and code in getattr(user, "role_codes", ())


def is_external_notary(user) -> bool:
    """Whether ``user`` is an external mediation notary and nothing else (E4):
    not staff, so confined to the dossier of a consented mediation and the
    procedures that apply to it. A superuser or a member of staff who also holds
    the notary role is not confined by it."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "is_superuser", False):
        return False
    own = set(getattr(user, "role_codes", ()))
    return own == {EXTERNAL_MEDIATOR}


def has_register_access(user) -> bool:
    """Whether ``user`` sees the whole case register (the register roles)."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.has_perm(REGISTER_PERMISSION)
    )


# Issue 18 (OWASP ASVS 2.x: a second factor for users of sensitive data): every
# role that sees dossiers or the register; the assessor reads procedures only.
SECOND_FACTOR_ROLES = (
    QUALITY_OFFICER,
    OFFICE_MANAGER,
    MANAGEMENT,
    CORE_GROUP,
    CERTIFICATION_DECIDER,
    EXTERNAL_MEDIATOR,
)


def needs_second_factor(user) -> bool:
    """Whether ``user``'s account must be protected by a second factor when the
    portal requires one: superusers and every role that sees dossiers."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return acts_as(user, *SECOND_FACTOR_ROLES) or has_register_access(user)


def role_group(code: str):
    """The Group of a role, by code (the group's name is the Dutch role name)."""
    from django.contrib.auth.models import Group

    return Group.objects.get(name=ROLES_BY_CODE[code].name)


def role_name(code: str) -> str:
    role = ROLES_BY_CODE.get(code)
    return role.name if role else code


def roles_markdown_table() -> str:
    """The README's roles table, generated from ROLES (`manage.py roles_table`)."""
    lines = [
        "| Rol | Groep | Beheeromgeving | Modelrechten | Paginarechten "
        "| Documentrechten | Wat deze rol doet |",
        "|---|---|---|---|---|---|---|",
    ]
    for role in ROLES:
        model_perms = [p for p in role.permissions if p != ADMIN_ACCESS]
        lines.append(
            "| {name} | `{code}` | {admin} | {perms} | {pages} | {docs} "
            "| {summary} |".format(
                name=role.name,
                code=role.code,
                admin="ja" if role.admin_access else "nee",
                perms=", ".join(f"`{p}`" for p in model_perms) or "—",
                pages=", ".join(f"`{p}`" for p in role.page_permissions) or "—",
                docs=", ".join(f"`{p}`" for p in role.collection_permissions) or "—",
                summary=role.summary,
            )
        )
    return "\n".join(lines)
