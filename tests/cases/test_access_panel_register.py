"""The "Toegang" panel against the selectors in the register matrix's world:
complaint handlers (C4), appeal deciders (A8), mediation notaries while their
access lasts (E4: chosen, active, closed, expired) and signal reporters. The
permission matrix's world (teams, deciders, grants) is compared in
`test_access_panel.py`."""

from __future__ import annotations

import pytest

from cases.models import Client
from cases.selectors import dossiers_visible_to
from cases.selectors_access import dossier_access
from portal.models import User
from tests.cases import test_register_matrix as matrix
from tests.cases.test_access_panel import panel_people, sees_part

pytestmark = pytest.mark.django_db

world = matrix.world
_isolated_files = matrix._isolated_files


@pytest.mark.parametrize("client_key", list(matrix.CLIENT_DATA))
def test_the_panel_lists_exactly_everyone_the_selectors_let_see(world, client_key):
    client = world.clients[client_key]
    want = {u.pk for u in User.objects.all() if sees_part(u, client)}
    assert panel_people(client) == want
    whole = {
        u.pk
        for u in User.objects.all()
        if dossiers_visible_to(u).filter(pk=client.pk).exists()
    }
    assert {
        e.user.pk
        for e in dossier_access(client)
        if e.active and any(r.active and r.whole_dossier for r in e.reasons)
    } == whole


def test_every_subject_is_judged_somewhere(world):
    """Guards the comparison: each case role of the world shows in some panel."""
    kinds = {
        r.kind
        for client in Client.objects.all()
        for e in dossier_access(client)
        for r in e.reasons
    }
    assert {
        "register",
        "complaint_handler",
        "appeal_decider",
        "mediation_notary",
        "signal_reporter",
    } <= kinds


def test_the_panel_reads_a_fixed_number_of_queries(
    world, django_assert_max_num_queries
):
    for client in Client.objects.all():
        with django_assert_max_num_queries(16):
            for entry in dossier_access(client):
                assert entry.roles is not None
