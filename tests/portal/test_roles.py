import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from wagtail.models import GroupCollectionPermission, GroupPagePermission, Page

from portal.roles import ADMIN_ACCESS, ROLES, roles_markdown_table
from portal.services import roles_sync

README = Path(__file__).resolve().parents[2] / "README.md"


def _readme_roles_rows():
    text = README.read_text(encoding="utf-8")
    start = text.index("<!-- rollen:begin -->")
    end = text.index("<!-- rollen:einde -->")
    rows = [
        line
        for line in text[start:end].splitlines()
        if line.startswith("|") and "`" in line.split("|")[2]
    ]
    parsed = []
    for line in rows:
        cells = [c.strip() for c in line.strip("|").split("|")]
        name, group, admin, perms, pages, docs = cells[:6]

        def codes(cell):
            return set(re.findall(r"`([^`]+)`", cell))

        parsed.append(
            {
                "name": name,
                "code": codes(group).pop(),
                "admin": admin == "ja",
                "perms": codes(perms),
                "pages": codes(pages),
                "docs": codes(docs),
            }
        )
    return parsed


def _group_state(group):
    perms = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    }
    pages = set(
        GroupPagePermission.objects.filter(group=group).values_list(
            "permission__codename", flat=True
        )
    )
    docs = set(
        GroupCollectionPermission.objects.filter(group=group).values_list(
            "permission__codename", flat=True
        )
    )
    return perms, pages, docs


@pytest.mark.django_db
def test_readme_roles_table_matches_the_database_after_migrate():
    rows = _readme_roles_rows()
    assert {r["code"] for r in rows} == {role.code for role in ROLES}
    for row in rows:
        group = Group.objects.get(name=row["name"])
        perms, pages, docs = _group_state(group)
        assert (ADMIN_ACCESS in perms) == row["admin"], row["name"]
        assert perms - {ADMIN_ACCESS} == row["perms"], row["name"]
        assert pages == row["pages"], row["name"]
        assert docs == row["docs"], row["name"]


def test_readme_roles_table_is_the_generated_one():
    # `manage.py roles_table` prints it; paste that into the README when roles change.
    assert roles_markdown_table() in README.read_text(encoding="utf-8")


@pytest.mark.django_db
def test_page_rights_are_granted_on_the_tree_root_so_they_cover_the_handbook():
    root = Page.get_first_root_node()
    qo = Group.objects.get(name="Portefeuillehouder Q")
    assert set(
        GroupPagePermission.objects.filter(group=qo).values_list("page", flat=True)
    ) == {root.pk}


@pytest.mark.django_db
def test_only_role_groups_exist_wagtails_example_groups_are_removed():
    assert set(Group.objects.values_list("name", flat=True)) == {r.name for r in ROLES}


@pytest.mark.django_db
def test_roles_sync_restores_a_removed_permission_and_removes_an_extra_one():
    from django.contrib.auth.models import Permission

    assessor = Group.objects.get(name="Beoordelaar")
    assessor.permissions.add(Permission.objects.get(codename="access_admin"))
    decider = Group.objects.get(name="Certificatiebeslisser")
    decider.permissions.clear()

    roles_sync()
    roles_sync()  # idempotent

    assert not assessor.permissions.exists()
    decider_perms = set(decider.permissions.values_list("codename", flat=True))
    assert "access_admin" in decider_perms
    assert "add_certificationdecision" in decider_perms
    assert GroupPagePermission.objects.filter(group__name="Directie").count() == 2


@pytest.mark.django_db
def test_no_page_waits_for_an_approver_group_that_does_not_exist():
    from wagtail.models import GroupApprovalTask, WorkflowPage

    for assignment in WorkflowPage.objects.select_related("workflow"):
        if not assignment.workflow.active:
            continue
        for task in assignment.workflow.tasks.all():
            specific = task.specific
            if isinstance(specific, GroupApprovalTask):
                assert specific.groups.exists(), assignment.workflow.name
