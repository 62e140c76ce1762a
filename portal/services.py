"""Writes of the portal app."""

from __future__ import annotations

import logging

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    Site,
)

from documents.models import HandbookPage
from documents.workflow import revision_workflow_ensure

from .models import HomePage, PublicIndexPage
from .roles import ROLES, Role

logger = logging.getLogger(__name__)


def _permission(dotted: str) -> Permission | None:
    app_label, codename = dotted.split(".", 1)
    return Permission.objects.filter(
        content_type__app_label=app_label, codename=codename
    ).first()


@transaction.atomic
def roles_sync() -> None:
    """Make the role groups and their permissions match `portal.roles.ROLES` exactly.

    Runs after every migrate (post_migrate), so permissions of models added by later
    migrations are granted as soon as they exist, and a permission removed from the
    table is taken away again. Idempotent. A permission that does not exist (yet) is
    skipped with a log line rather than failing the migration.
    """

    root_page = Page.get_first_root_node()
    root_collection = Collection.get_first_root_node()
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role.name)
        _sync_model_permissions(group, role)
        if root_page is not None:
            wanted = {
                p.pk
                for p in Permission.objects.filter(
                    content_type__app_label="wagtailcore",
                    codename__in=role.page_permissions,
                )
            }
            GroupPagePermission.objects.filter(group=group).exclude(
                page=root_page, permission_id__in=wanted
            ).delete()
            for perm_id in wanted:
                GroupPagePermission.objects.get_or_create(
                    group=group, page=root_page, permission_id=perm_id
                )
        if root_collection is not None:
            wanted = {
                p.pk
                for p in Permission.objects.filter(
                    content_type__app_label="wagtaildocs",
                    codename__in=role.collection_permissions,
                )
            }
            GroupCollectionPermission.objects.filter(
                group=group, permission__content_type__app_label="wagtaildocs"
            ).exclude(collection=root_collection, permission_id__in=wanted).delete()
            for perm_id in wanted:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission_id=perm_id
                )


def _sync_model_permissions(group: Group, role: Role) -> None:
    perms = []
    for dotted in role.permissions:
        perm = _permission(dotted)
        if perm is None:
            logger.info("Recht %s bestaat (nog) niet; overgeslagen.", dotted)
            continue
        perms.append(perm)
    group.permissions.set(perms)


@transaction.atomic
def site_structure_ensure() -> None:
    """Make sure the page tree's fixed points exist: the home page (dashboard) as the
    default site's root, with the public section and the quality handbook below it.

    The migrations create them on a fresh database; this repairs a database where
    they are missing (a flushed test database, a manual deletion). Idempotent."""

    if not Locale.objects.exists():
        Locale.objects.create(language_code="nl")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(title="Root", slug="root")
    home = HomePage.objects.first()
    if home is None:
        home = root.add_child(instance=HomePage(title="Mijn werk", slug="home"))
    if not PublicIndexPage.objects.exists():
        home.add_child(
            instance=PublicIndexPage(
                title="Openbare documenten",
                slug="openbaar",
                intro="<p>Hier publiceren wij de documenten die iedereen mag "
                "inzien, waaronder onze procedure voor klachten en beroep.</p>",
            )
        )
    if not HandbookPage.objects.exists():
        home.add_child(
            instance=HandbookPage(
                title="Kwaliteitshandboek",
                slug="handboek",
                intro="<p>Alle geldende procedures van het kwaliteitssysteem. "
                "Elke procedure toont haar versie en ingangsdatum.</p>",
            )
        )
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name="Kwaliteitsportaal",
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save()
    roles_sync()

    revision_workflow_ensure()
