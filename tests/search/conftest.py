"""Fixtures shared by the search page's tests: one user per role that searches,
and the quality officer logged in."""

from __future__ import annotations

import pytest

from portal.roles import ASSESSOR, CORE_GROUP, OFFICE_MANAGER, QUALITY_OFFICER
from tests.factories import UserFactory


@pytest.fixture
def people(db):
    return {
        "qo": UserFactory(roles=[QUALITY_OFFICER]),
        "office": UserFactory(roles=[OFFICE_MANAGER]),
        "handler": UserFactory(roles=[CORE_GROUP]),
        "assessor": UserFactory(roles=[ASSESSOR]),
    }


@pytest.fixture
def as_qo(client, people):
    client.force_login(people["qo"])
    return client
