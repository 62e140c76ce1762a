"""The annual management review (C11): management reflects on the year's
complaints and appeals; approving freezes it and keeps its PDF; who may read it."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from insights.models import ManagementReview
from portal.roles import EXTERNAL_MEDIATOR
from tests.cases.conftest import local
from tests.factories import UserFactory
from tests.insights.conftest import complaint

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year - 1


def url(name, year=YEAR):
    return reverse(f"insights_admin:{name}", args=[year])


def _text(response) -> str:
    content = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def year_cases(people):
    return [
        complaint(
            people, "Klant Een", local(YEAR, 3, 2, 9), closed=local(YEAR, 3, 20, 9)
        ),
        complaint(people, "Klant Twee", local(YEAR, 6, 2, 9)),
        complaint(people, "Klant Drie", local(YEAR, 9, 2, 9)),
    ]


def test_management_writes_the_reflection_and_approval_freezes_the_review_C11(
    people,
    year_cases,
    client,
):
    client.force_login(people["management"])
    page = client.get(url("review")).content.decode()
    assert "data:image/svg+xml;base64," in page  # the charts, as images
    assert "3 ontvangen" in page  # three complaints received in the year
    # Approving without a reflection is refused, and so is it without "Ik begrijp".
    client.post(url("review_approve"), {"confirm": "on"})
    assert not ManagementReview.objects.filter(year=YEAR, approved_at__isnull=False)
    client.post(
        url("review"),
        {
            "reflection": "Rapporten kwamen te laat; planning verbeterd.",
            "decisions": "",
        },
    )
    client.post(url("review_approve"))
    review = ManagementReview.objects.get(year=YEAR)
    assert review.reflection.startswith("Rapporten kwamen te laat")
    assert review.approved_at is None
    client.post(url("review_approve"), {"confirm": "on"})
    review.refresh_from_db()
    assert review.approved_at is not None
    assert review.approved_by == people["management"]
    received = {r["key"]: r["received"] for r in review.frozen_figures["cases"]}
    assert received["complaint"] == 3
    # Frozen: a complaint entered later for that year changes nothing.
    complaint(people, "Klant Laat", local(YEAR, 10, 2, 9))
    page = client.get(url("review")).content.decode()
    assert "3 ontvangen" in page
    assert "Goedgekeurd op" in page
    response = client.post(url("review"), {"reflection": "Anders.", "decisions": ""})
    assert response.status_code == 404
    review.refresh_from_db()
    assert review.reflection.startswith("Rapporten")
    # The kept PDF is the approved one.
    text = _text(client.get(url("review_pdf")))
    assert f"Directiebeoordeling {YEAR}" in text
    assert "Rapporten kwamen te laat" in text
    assert "CONCEPT" not in text


def test_the_running_year_cannot_be_approved_C11(people, client):
    this_year = timezone.localdate().year
    client.force_login(people["management"])
    client.post(url("review", this_year), {"reflection": "Loopt nog.", "decisions": ""})
    client.post(url("review_approve", this_year), {"confirm": "on"})
    review = ManagementReview.objects.get(year=this_year)
    assert review.approved_at is None
    assert review.reflection == "Loopt nog."


@pytest.mark.parametrize("who", ["assessor", "decider", "member"])
def test_only_management_and_the_register_keepers_read_the_review_C11(
    people,
    year_cases,
    client,
    who,
):
    client.force_login(people[who])
    for name in ("review", "review_pdf", "review_xlsx"):
        response = client.get(url(name))
        assert response.status_code in (302, 404), (who, name)
        assert b"Klant" not in response.content
    assert client.get(reverse("insights_admin:reviews")).status_code in (302, 404)


def test_the_quality_officer_reads_but_does_not_write_the_review_C11(
    people,
    year_cases,
    client,
):
    client.force_login(people["qo"])
    page = client.get(url("review"))
    assert page.status_code == 200
    assert 'name="reflection"' not in page.content.decode()
    assert client.post(url("review"), {"reflection": "x"}).status_code == 404
    assert client.post(url("review_approve"), {"confirm": "on"}).status_code == 404
    assert not ManagementReview.objects.filter(reflection="x").exists()


def test_the_draft_pdf_and_the_spreadsheet_carry_the_figures_C11(
    people,
    year_cases,
    client,
):
    client.force_login(people["management"])
    text = _text(client.get(url("review_pdf")))
    assert "CONCEPT" in text
    assert "Ontvangen per maand" in text
    assert "Tijdigheid" in text
    book = load_workbook(io.BytesIO(client.get(url("review_xlsx")).content))
    assert len(book.sheetnames) >= 5
    first = list(book.worksheets[0].values)
    assert first[0][0] == "Soort"
    complaints = next(r for r in first if r[0] == "Klachten")
    assert complaints[2] == 3  # received, a number in the spreadsheet


def test_a_year_outside_the_register_is_missing_C11(people, client):
    client.force_login(people["management"])
    assert client.get(url("review", 1999)).status_code == 404
    assert client.get(url("review", timezone.localdate().year + 1)).status_code == 404


def test_the_review_page_reads_a_constant_number_of_queries_C11(
    people,
    year_cases,
    client,
):
    client.force_login(people["management"])
    client.get(url("review"))
    with CaptureQueriesContext(connection) as few:
        client.get(url("review"))
    for n in range(8):
        complaint(people, f"Extra {n}", local(YEAR, 4, 1 + n, 9))
    with CaptureQueriesContext(connection) as many:
        client.get(url("review"))
    assert len(many) == len(few)


def test_managements_dashboard_shows_the_year_in_figures_C11(
    people, year_cases, client
):
    client.force_login(people["management"])
    home = client.get("/").content.decode()
    assert "Dit jaar in cijfers" in home
    assert "data:image/svg+xml;base64," in home
    assert f"Naar de directiebeoordeling {YEAR}" in home
    client.force_login(people["member"])
    assert "Dit jaar in cijfers" not in client.get("/").content.decode()


@pytest.mark.parametrize("who", ["notary", "anonymous", "without_role"])
def test_outsiders_never_reach_the_review_or_the_meetings_C11_E4(
    people, year_cases, client, who
):
    """The external notary (E4), a visitor without login and a member of staff
    without a role: nothing of the review or the meetings, in any form."""
    if who == "notary":
        client.force_login(UserFactory(roles=[EXTERNAL_MEDIATOR]))
    elif who == "without_role":
        client.force_login(UserFactory(roles=[]))
    urls = [url(n) for n in ("review", "review_pdf", "review_xlsx")]
    urls += [reverse("insights_admin:reviews"), reverse("insights_admin:meetings")]
    for address in urls:
        response = client.get(address)
        assert response.status_code in (302, 404), (who, address)
        assert b"Klant" not in response.content
        assert response.get("Content-Type", "").startswith("text/html") or (
            response.status_code == 302
        )


def test_the_office_manager_reads_the_review_but_cannot_approve_it_C11(
    people, year_cases, client
):
    client.force_login(people["office"])
    assert client.get(url("review")).status_code == 200
    assert client.get(url("review_xlsx")).status_code == 200
    assert client.post(url("review_approve"), {"confirm": "on"}).status_code == 404
    assert not ManagementReview.objects.filter(approved_at__isnull=False).exists()
