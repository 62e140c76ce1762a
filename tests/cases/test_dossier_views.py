import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from cases.models import Audit, Certificate, CertificationDecision, EvidenceFile
from cases.services import (
    certificate_issue,
    decision_mark_emailed,
    decision_record,
    evidence_upload,
)
from portal.roles import ASSESSOR, CERTIFICATION_DECIDER, OFFICE_MANAGER
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    return UserFactory(roles=[OFFICE_MANAGER])


def _dossier(office, *, n: int, client=None):
    """A client with n audits, each with a decision, a certificate and 2 files."""
    client = client or ClientFactory()
    decider = UserFactory(roles=[CERTIFICATION_DECIDER])
    for i in range(n):
        audit = Audit.objects.create(
            client=client,
            kind=Audit.Kind.INTERIM,
            start_date=datetime.date(2025, 1, 1) + datetime.timedelta(days=30 * i),
            team_leader=UserFactory(roles=[ASSESSOR]),
        )
        audit.assessors.add(UserFactory(roles=[ASSESSOR]))
        decision = decision_record(
            audit=audit,
            decider=decider,
            outcome="continued",
            motivation="ok",
            by=office,
        )
        decision_mark_emailed(decision=decision, by=office)
        certificate_issue(
            client=client,
            number=f"C-{client.pk}-{i}",
            scope="x",
            valid_from=datetime.date(2025, 1, 1),
            valid_until=datetime.date(2028, 1, 1),
            decision=decision,
            by=office,
        )
        for j in range(2):
            evidence_upload(
                client=client,
                uploaded_file=ContentFile(f"bestand {i}.{j}\n".encode(), name="a.txt"),
                by=office,
                audit=audit,
            )
    return client


def _count_queries(client_http, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client_http.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("view", ["cases_admin:dossier", "cases:dossier"])
def test_dossier_page_query_count_is_constant_in_the_number_of_items(
    client, office, view
):
    small = _dossier(office, n=1)
    large = _dossier(office, n=6)
    client.force_login(office)
    _count_queries(client, reverse(view, args=[small.pk]))  # warm per-process caches
    few = _count_queries(client, reverse(view, args=[small.pk]))
    many = _count_queries(client, reverse(view, args=[large.pk]))
    assert few == many


def test_dossier_page_shows_both_decisions_after_supersession_A9(client, office):
    dossier = _dossier(office, n=1)
    old = CertificationDecision.objects.get(audit__client=dossier)
    decider = UserFactory(roles=[CERTIFICATION_DECIDER])
    client.force_login(office)
    response = client.post(
        reverse("cases_admin:decision_supersede", args=[old.pk]),
        {
            "decider": decider.pk,
            "outcome": "suspended",
            "motivation": "Na beroep geschorst.",
            "reason": "Beroep gegrond.",
        },
    )
    assert response.status_code == 302
    body = client.get(
        reverse("cases_admin:dossier", args=[dossier.pk])
    ).content.decode()
    assert "Certificaat gecontinueerd" in body
    assert "Certificaat geschorst" in body
    assert "vervangt beslissing van" in body


def test_supersede_without_reason_keeps_the_input_and_says_what_to_do(client, office):
    dossier = _dossier(office, n=1)
    old = CertificationDecision.objects.get(audit__client=dossier)
    client.force_login(office)
    response = client.post(
        reverse("cases_admin:decision_supersede", args=[old.pk]),
        {"decider": "", "outcome": "refused", "motivation": "Mijn lange motivering"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Mijn lange motivering" in body
    assert CertificationDecision.objects.count() == 1


def test_admin_edit_of_an_emailed_decision_is_refused_with_a_dutch_message(
    client, office
):
    dossier = _dossier(office, n=1)
    decision = CertificationDecision.objects.get(audit__client=dossier)
    client.force_login(office)
    url = reverse(
        "wagtailsnippets_cases_certificationdecision:edit", args=[decision.pk]
    )
    response = client.post(url, {"outcome": "refused", "motivation": "x"}, follow=True)
    assert "kan niet meer worden gewijzigd" in response.content.decode()
    decision.refresh_from_db()
    assert decision.outcome == "continued"


def test_admin_edit_of_a_certificate_creates_a_new_version(client, office):
    dossier = _dossier(office, n=1)
    cert = Certificate.objects.get(client=dossier)
    client.force_login(office)
    url = reverse("wagtailsnippets_cases_certificate:edit", args=[cert.pk])
    response = client.post(
        url,
        {
            "client": dossier.pk,
            "number": cert.number,
            "scope": "Nieuwe reikwijdte",
            "valid_from": "2025-01-01",
            "valid_until": "2028-01-01",
            "status": "active",
            "decision": cert.decision_id,
            "change_reason": "Reikwijdte uitgebreid.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    versions = list(Certificate.objects.filter(number=cert.number).order_by("version"))
    assert [v.scope for v in versions] == ["x", "Nieuwe reikwijdte"]


def test_mark_emailed_starts_the_appeal_term(client, office):
    dossier = _dossier(office, n=1)
    audit = Audit.objects.get(client=dossier)
    decision = decision_record(
        audit=audit,
        decider=UserFactory(roles=[CERTIFICATION_DECIDER]),
        outcome="granted",
        motivation="ok",
        by=office,
    )
    client.force_login(office)
    before = timezone.now()
    client.post(reverse("cases_admin:decision_mark_emailed", args=[decision.pk]))
    decision.refresh_from_db()
    assert decision.emailed_at >= before


def test_upload_of_several_files_keeps_the_good_ones_and_names_the_refused(
    client, office
):
    dossier = ClientFactory()
    client.force_login(office)
    good = ContentFile(b"Notulen van het gesprek.\n", name="notulen.txt")
    bad = ContentFile(b"MZ\x90\x00" + b"\x00" * 100, name="rapport.pdf")
    response = client.post(
        reverse("cases_admin:evidence_upload", args=[dossier.pk]),
        {"files": [good, bad], "description": "Gesprek"},
        follow=True,
    )
    body = response.content.decode()
    assert "notulen.txt" in body
    assert "rapport.pdf" in body
    assert "niet opgeslagen" in body
    assert list(EvidenceFile.objects.values_list("original_name", flat=True)) == [
        "notulen.txt"
    ]


def test_upload_without_files_says_what_to_do(client, office):
    dossier = ClientFactory()
    client.force_login(office)
    response = client.post(
        reverse("cases_admin:evidence_upload", args=[dossier.pk]),
        {"description": "zonder bestand"},
    )
    assert response.status_code == 400
    assert "Kies een of meer bestanden" in response.content.decode()
    assert "zonder bestand" in response.content.decode()


def test_pdf_download_is_an_attachment_with_nosniff_and_a_sandboxing_csp(
    client, office
):
    from weasyprint import HTML

    dossier = ClientFactory()
    pdf = HTML(string="<p>rapport</p>").write_pdf()
    ev = evidence_upload(
        client=dossier, uploaded_file=ContentFile(pdf, name="rapport.pdf"), by=office
    )
    client.force_login(office)
    response = client.get(reverse("cases:evidence_download", args=[ev.uuid]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]


def test_non_pdf_download_is_an_attachment(client, office):
    dossier = ClientFactory()
    ev = evidence_upload(
        client=dossier,
        uploaded_file=ContentFile(b"<html><body>hoi</body></html>", name="x.html"),
        by=office,
    )
    client.force_login(office)
    response = client.get(reverse("cases:evidence_download", args=[ev.uuid]))
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/octet-stream"
