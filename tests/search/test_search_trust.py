"""Search results a reader trusts (issue 17, item 6).

The kind's own name finds its cases ("klacht" the complaints themselves), case
numbers come first, snippets read as text (no table-of-contents leaders), one
file is one result, and a result shows the document's own date.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from cases.models import Appeal, Audit, Notary, Province
from cases.services import appeal_lodge
from documents.models import (
    PortalDocument,
    ProcedureAttachment,
    ProcedurePage,
    ProcedureVersion,
)
from documents.services import document_extract_text
from portal.formatting import format_date
from portal.roles import (
    CERTIFICATION_DECIDER,
    CORE_GROUP,
)
from tests.factories import ClientFactory, UserFactory
from tests.search.test_search_page import (
    kinds,
    local,
    make_complaint,
    make_evidence,
    make_procedure,
    make_signal,
    on_whoosh,
    result_of,
    search,
    suggest,
    titles,
)
from tests.search.test_search_security import _decision, _mediation

pytestmark = pytest.mark.django_db


def _found(http, q) -> set[str]:
    return set(titles(search(http, q)))


# -- 1. the kind's name finds its cases ------------------------------------------


@pytest.fixture
def register(people):
    """One case of every kind; none of their texts names its kind."""
    office, qo = people["office"], people["qo"]
    anker = ClientFactory(name="Stichting Het Anker")
    linde = ClientFactory(name="Zorggroep De Linde", contact_email="post@linde.test")
    complaint = make_complaint(
        anker,
        "Rapport te laat en bevindingen over locatie Zuid onjuist.",
        office=office,
        quality=qo,
        handler=people["handler"],
    )
    signal = make_signal(linde, "De planning was te krap.", by=office)
    decider = UserFactory(roles=[CERTIFICATION_DECIDER])
    decision = _decision(
        linde, leader=people["handler"], decider=decider, office=office
    )
    appeal = appeal_lodge(
        decision=decision,
        appellant=linde,
        channel=Appeal.Channel.EMAIL,
        received_at=timezone.now() - datetime.timedelta(days=1),
        motivation="Wij zijn het niet eens met de uitkomst.",
        by=office,
    )
    notaries = [
        Notary.objects.create(
            name=f"mr. N{n}", firm="Notariaat", region=Province.UTRECHT
        )
        for n in range(3)
    ]
    mediation = _mediation(
        linde,
        "Geen oplossing gevonden.",
        decision=decision,
        notary=notaries[0],
        notaries=notaries,
        office=office,
        consent=False,
    )
    audit = Audit.objects.create(
        client=linde,
        kind=Audit.Kind.FOLLOW_UP,
        start_date=datetime.date(2026, 9, 14),
        team_leader=people["handler"],
    )
    report = make_evidence(
        linde,
        "eindrapport-linde.txt",
        "Bevinding: de registratie op locatie Noord is niet volledig.",
        by=office,
        audit=audit,
    )
    return {
        "complaint": complaint,
        "signal": signal,
        "appeal": appeal,
        "mediation": mediation,
        "report": report,
    }


@pytest.mark.parametrize(
    ("q", "case"),
    [
        ("klacht", "complaint"),
        ("klachten", "complaint"),
        ("beroep", "appeal"),
        ("signaal", "signal"),
        ("bemiddeling", "mediation"),
        ("auditverslag", "report"),
    ],
)
def test_the_name_of_a_kind_finds_its_cases(as_qo, register, q, case):
    if q == "klachten" and not on_whoosh():
        pytest.skip("SQLite's full-text search does not stem")
    obj = register[case]
    wanted = obj.original_name if case == "report" else str(obj)
    assert wanted in _found(as_qo, q)


def test_the_kind_name_is_no_snippet(as_qo, register):
    hit = next(
        h
        for h in result_of(search(as_qo, "klacht")).hits
        if h.obj == register["complaint"]
    )
    assert "Rapport te laat" in hit.snippet
    assert "klachten" not in hit.snippet


def test_without_a_role_in_the_complaint_klacht_does_not_find_it(
    client, people, register
):
    outsider = UserFactory(roles=[CORE_GROUP])
    client.force_login(outsider)
    response = search(client, "klacht")
    assert str(register["complaint"]) not in titles(response)
    assert "klacht" not in kinds(response)
    assert str(register["complaint"]) not in response.content.decode()
    assert all(
        e["titel"] != str(register["complaint"]) for e in suggest(client, "klach")
    )
    # The handler, who has a role in it, does find it.
    client.force_login(people["handler"])
    assert str(register["complaint"]) in _found(client, "klacht")


# -- 2. case numbers first -------------------------------------------------------


@pytest.fixture
def numbered(people):
    """Signals and complaints of 2026 whose texts all say "2026"."""
    office, qo = people["office"], people["qo"]
    anker = ClientFactory(name="Stichting Het Anker")
    for n in range(4):
        make_signal(anker, f"Melding {n} uit 2026 over K-2026.", by=office)
    complaints = [
        make_complaint(
            anker,
            f"Klacht {n} over het rapport van 2026.",
            office=office,
            quality=qo,
            handler=people["handler"],
        )
        for n in range(3)
    ]
    return sorted(complaints, key=lambda c: c.number)


def test_a_case_number_prefix_puts_those_cases_first_in_the_search_box(as_qo, numbered):
    numbers = [c.number for c in numbered]
    assert numbers[0].startswith("K-2026-")
    entries = suggest(as_qo, "K-2026")
    shown = [e["titel"].split()[0] for e in entries]
    assert shown[: len(numbers)] == numbers
    exact = suggest(as_qo, numbers[1])
    assert exact[0]["titel"] == str(numbered[1])


def test_a_case_number_comes_first_on_the_search_page(as_qo, numbered):
    numbers = [c.number for c in numbered]
    response = search(as_qo, "K-2026")
    assert titles(response)[: len(numbers)] == [str(c) for c in numbered]
    assert len(set(titles(response))) == len(titles(response))
    exact = search(as_qo, numbers[2])
    assert titles(exact)[0] == str(numbered[2])
    # The start of a number the engine does not find as a phrase still counts.
    partial = search(as_qo, "k-2026-00")
    assert titles(partial)[: len(numbers)] == [str(c) for c in numbered]
    assert result_of(partial).total >= len(numbers)


def test_numbers_first_only_from_cases_the_user_may_see(client, people, numbered):
    client.force_login(UserFactory(roles=[CORE_GROUP]))
    assert not any(e["titel"].startswith("K-") for e in suggest(client, "K-2026"))
    assert not any(t.startswith("K-") for t in titles(search(client, "K-2026")))


# -- 3. snippets read as text ------------------------------------------------------


def test_snippets_skip_leader_dots_and_repeated_whitespace(as_qo, people):
    linde = ClientFactory(name="Zorggroep De Linde")
    make_evidence(
        linde,
        "handboek.txt",
        "Inhoud\n\n1. Klachtenregeling ....................... 3\n"
        "2. Kwartelbeleid ______________ 5\n3. Slot · · · · · · 7\n\n\n"
        "Het    kwartelbeleid\tgeldt voor iedereen.",
        by=people["office"],
    )
    snippet = str(result_of(search(as_qo, "kwartelbeleid")).hits[0].snippet)
    assert "kwartelbeleid" in snippet.lower()
    assert not re.search(r"[._·]{4,}|(?:[._·] ){3,}", snippet)
    assert "  " not in snippet
    assert "\n" not in snippet
    assert "\t" not in snippet


# -- 4. one file is one result -------------------------------------------------------


def test_the_same_file_twice_is_one_result_kept_with_its_case(as_qo, people):
    office = people["office"]
    anker = ClientFactory(name="Stichting Het Anker")
    complaint = make_complaint(
        anker, "Rapport te laat.", office=office, quality=people["qo"]
    )
    text = "Procedure P-07 als PDF: de wulpenregel geldt."
    # Kept with the case first, then the same file again in the dossier.
    kept = make_evidence(anker, "P-07.txt", text, by=office, case=complaint)
    make_evidence(anker, "P-07.txt", text, by=office)
    renamed = make_evidence(anker, "P-07 oud.txt", text, by=office)
    make_evidence(anker, "anders.txt", "Een andere wulpenregel.", by=office)
    response = search(as_qo, "wulpenregel")
    files = [h for h in result_of(response).hits if h.kind.key == "bestand"]
    same = [h.obj.pk for h in files if h.obj.original_name == "P-07.txt"]
    assert same == [kept.pk]
    assert renamed.pk in [h.obj.pk for h in files]  # another name: another file
    assert len(files) == 3
    assert result_of(response).total == 3
    assert len(suggest(as_qo, "P-07")) == len(
        {e["url"] for e in suggest(as_qo, "P-07")}
    )


def test_a_procedure_with_its_file_attached_is_one_result(as_qo):
    page = make_procedure("Klachten en beroep", "P-07", "Over de reigerregel.")
    document = PortalDocument(
        title="P-07 Klachten en beroep",
        file=ContentFile(b"P-07 Klachten en beroep: de reigerregel.", name="P-07.txt"),
    )
    document.save()
    document_extract_text(document=document)
    ProcedureAttachment.objects.create(page=page, document=document, label="PDF")
    page = ProcedurePage.objects.get(pk=page.pk)
    page.change_summary = "Bijlage toegevoegd."
    page.save_revision().publish()
    response = search(as_qo, "reigerregel")
    assert titles(response) == ["P-07 Klachten en beroep"]
    assert result_of(response).total == 1


# -- 5. the document's own date ------------------------------------------------------


def test_a_procedure_shows_its_versions_effective_date(as_qo):
    page = make_procedure("Klachten en beroep", "P-07", "Over de grutto.")
    effective = datetime.date(2023, 5, 1)
    ProcedureVersion.objects.filter(page=page).update(effective_date=effective)
    ProcedurePage.objects.filter(pk=page.pk).update(effective_date=effective)
    response = search(as_qo, "grutto")
    hit = result_of(response).hits[0]
    assert hit.date == effective
    body = response.content.decode()
    assert f"geldig vanaf {format_date(effective)}" in body
    assert format_date(timezone.localdate()) not in body


def test_a_case_shows_its_receipt_and_a_file_its_upload(as_qo, people):
    anker = ClientFactory(name="Stichting Het Anker")
    received = local(2025, 3, 4, 10, 0)
    complaint = make_complaint(
        anker,
        "Over de scholekster.",
        office=people["office"],
        quality=people["qo"],
        received_at=received,
    )
    evidence = make_evidence(
        anker, "scholekster.txt", "De scholekster.", by=people["office"]
    )
    response = search(as_qo, "scholekster")
    dates = {h.obj: h.date for h in result_of(response).hits}
    assert dates[complaint] == complaint.received_at
    assert dates[evidence] == evidence.uploaded_at
    body = response.content.decode()
    assert f"ontvangen {format_date(received)}" in body
    assert f"toegevoegd {format_date(evidence.uploaded_at)}" in body


def test_demo_klacht_finds_the_complaint_and_p07_once_with_its_date(client, demo):
    client.force_login(get_user_model().objects.get(username="kwaliteit"))
    response = search(client, "klacht")
    found = titles(response)
    assert any(t.startswith("K-2026-0001") for t in found)
    assert found.count("P-07 Klachten en beroep") == 1
    p07 = next(h for h in result_of(response).hits if h.kind.key == "procedure")
    assert p07.date == datetime.date(2023, 5, 1)
    assert suggest(client, "K-2026")[0]["titel"].startswith("K-2026-0001")
    client.force_login(get_user_model().objects.get(username="beoordelaar"))
    assert not any(t.startswith("K-") for t in titles(search(client, "klacht")))


def test_sorting_by_date_follows_the_dates_shown(as_qo, people):
    """Sorting by "datum" follows the date each result shows: a procedure published last
    but valid from long ago comes after a newer complaint."""
    old_rule = make_procedure("Oude regeling", "P-01", "Over de kievit.")
    effective = datetime.date(2021, 1, 1)
    ProcedureVersion.objects.filter(page=old_rule).update(effective_date=effective)
    ProcedurePage.objects.filter(pk=old_rule.pk).update(effective_date=effective)
    make_procedure("Nieuwe regeling", "P-02", "Ook de kievit.")
    anker = ClientFactory(name="Stichting Het Anker")
    complaint = make_complaint(
        anker,
        "Over de kievit.",
        office=people["office"],
        quality=people["qo"],
        received_at=local(2024, 6, 1, 9, 0),
    )
    # Published after the complaint was received, but valid from 2021.
    assert old_rule.last_published_at > complaint.received_at
    response = search(as_qo, "kievit", sorteer="datum")
    assert titles(response) == [
        "P-02 Nieuwe regeling",
        str(complaint),
        "P-01 Oude regeling",
    ]
