import hashlib
import io

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cases.letters import (
    dutch_date,
    letter_default,
    letter_pdf,
    letter_render,
    letter_template,
    letter_templates_ensure,
)
from cases.models import (
    Complaint,
    EvidenceFile,
    LetterTemplate,
    Mediation,
    Notary,
)
from cases.models.evidence import evidence_storage
from cases.services import (
    appeal_acknowledge,
    appeal_lodge,
    appeal_send_inadmissibility,
    signal_record,
)
from cases.services.letters import letter_compose, letter_send
from portal.roles import ASSESSOR, OFFICE_MANAGER, QUALITY_OFFICER
from tests.cases.conftest import local
from tests.factories import UserFactory

Kind = LetterTemplate.Kind


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def today() -> str:
    return dutch_date(timezone.localdate())


@pytest.fixture
def appeal(setup, office):
    return appeal_lodge(
        decision=setup["decision"],
        appellant=setup["client"],
        channel="email",
        received_at=local(2026, 2, 10, 12, 0),
        motivation="Het rapport mist onze verbeterplannen.",
        by=office,
    )


@pytest.fixture
def complaint(setup, office):
    signal = signal_record(
        by=office,
        channel="letter",
        received_at=local(2026, 3, 2, 9, 0),
        description="Het rapport kwam drie weken te laat.",
        client=setup["client"],
    )
    return Complaint.objects.create(
        number="K-2026-0001",
        signal=signal,
        client=setup["client"],
        received_at=local(2026, 3, 2, 9, 0),
        handle_by=local(2026, 4, 2, 9, 0),
        description="Rapport te laat.",
        formal_written=True,
        solution="Wij hebben de planning van rapportages aangepast.",
        registered_by=office,
    )


@pytest.fixture
def mediation(setup, office, complaint):
    mediation = Mediation.objects.create(
        number="M-2026-0001",
        complaint=complaint,
        claimant=setup["client"],
        reason="Geen oplossing gevonden die voor beide partijen aanvaardbaar is.",
        registered_by=office,
    )
    mediation.proposed.set(
        [
            Notary.objects.create(
                name="mr. A. de Vries",
                firm="De Vries Notarissen",
                region="UT",
                city="Utrecht",
            ),
            Notary.objects.create(
                name="mr. B. Jansen",
                firm="Notariskantoor Jansen",
                region="UT",
                city="Amersfoort",
            ),
            Notary.objects.create(
                name="mr. C. Bakker",
                firm="Bakker & Partners",
                region="UT",
                city="Zeist",
            ),
        ]
    )
    return mediation


def _case_for(kind, request):
    if kind.startswith("complaint"):
        return request.getfixturevalue("complaint")
    if kind.startswith("mediation"):
        return request.getfixturevalue("mediation")
    appeal = request.getfixturevalue("appeal")
    if kind == Kind.APPEAL_OUTCOME:
        appeal.outcome = "upheld"
        appeal.outcome_motivation = "De beslissing is inhoudelijk en procedureel juist."
    if kind == Kind.APPEAL_INADMISSIBLE:
        appeal.inadmissible_reason = "late"
        appeal.term_ends_at = local(2026, 2, 28, 23, 59)
    return appeal


CONTEXT = {Kind.MEDIATION_STEP: {"stap": "De eiser koos mr. A. de Vries."}}

# What each letter is for, beyond the case number, the client and the date.
POINT = {
    Kind.COMPLAINT_ACK: ["2 maart 2026", "2 april 2026"],
    Kind.COMPLAINT_OUTCOME: ["Wij hebben de planning van rapportages aangepast."],
    Kind.APPEAL_ACK: ["30 januari 2026", "certificaat gecontinueerd"],
    Kind.APPEAL_OUTCOME: [
        "de bestreden beslissing blijft in stand",
        "De beslissing is inhoudelijk en procedureel juist.",
        "geen hoger beroep",
    ],
    Kind.APPEAL_INADMISSIBLE: ["te laat", "28 februari 2026"],
    Kind.MEDIATION_PROPOSAL: [
        "mr. A. de Vries, De Vries Notarissen, Utrecht",
        "mr. B. Jansen, Notariskantoor Jansen, Amersfoort",
        "mr. C. Bakker, Bakker & Partners, Zeist",
        "uw klacht K-2026-0001",
    ],
    Kind.MEDIATION_STEP: ["De eiser koos mr. A. de Vries."],
}


# -- rendering ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", Kind.values)
def test_every_letter_renders_to_pdf_with_case_number_client_and_date(
    kind, request, setup
):
    case = _case_for(kind, request)
    pdf = letter_pdf(case=case, kind=kind, context=CONTEXT.get(kind))
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    assert case.number in text
    assert "Zorggroep Beroep" in text
    assert today() in text
    assert "blz. 1 van 1" in text
    for point in POINT[kind]:
        assert point in text

    subject, body = letter_render(case=case, kind=kind, context=CONTEXT.get(kind))
    assert case.number in subject
    for point in POINT[kind]:
        assert point in body
    assert "{{" not in subject + body


def test_a_long_letter_numbers_its_pages(setup, appeal):
    appeal.outcome = "upheld"
    appeal.outcome_motivation = "\n\n".join(["Een lange alinea motivering. " * 40] * 6)
    pdf = letter_pdf(case=appeal, kind=Kind.APPEAL_OUTCOME)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    assert pages > 1
    text = pdf_text(pdf)
    for page in range(1, pages + 1):
        assert f"blz. {page} van {pages}" in text
        assert text.count(f"kenmerk {appeal.number}") >= pages  # every footer


def test_a_value_with_paragraphs_keeps_them_and_an_empty_value_leaves_no_gap(
    setup, appeal
):
    appeal.outcome = "upheld"
    appeal.outcome_motivation = "Eerste punt.\n\nTweede punt."
    _subject, body = letter_render(case=appeal, kind=Kind.APPEAL_OUTCOME)
    assert "Motivering:\nEerste punt.\n\nTweede punt." in body
    assert "\n\n\n" not in body
    # No signatory given: the line is dropped, not left empty.
    assert body.rstrip().endswith("CIIO")


def test_admin_text_is_never_run_through_the_template_engine(setup, appeal):
    template = letter_template(Kind.APPEAL_ACK)
    template.body = "Letterlijk {% now 'Y' %} en {{ zaaknummer }}."
    template.full_clean()
    template.save()
    _subject, body = letter_render(case=appeal, kind=Kind.APPEAL_ACK)
    assert body == f"Letterlijk {{% now 'Y' %}} en {appeal.number}."


def test_a_proposal_without_notaries_is_refused_E2(mediation):
    mediation.proposed.clear()
    with pytest.raises(ValidationError, match="drie notarissen"):
        letter_render(case=mediation, kind=Kind.MEDIATION_PROPOSAL)


# -- templates --------------------------------------------------------------------


def test_all_seven_templates_exist_after_ensure_and_edits_are_kept(db):
    letter_templates_ensure()
    assert set(LetterTemplate.objects.values_list("kind", flat=True)) == set(
        Kind.values
    )
    LetterTemplate.objects.filter(kind=Kind.APPEAL_ACK).update(subject="Eigen tekst")
    letter_templates_ensure()
    assert LetterTemplate.objects.count() == 7
    assert letter_template(Kind.APPEAL_ACK).subject == "Eigen tekst"


@pytest.mark.parametrize("kind", Kind.values)
def test_every_default_text_passes_its_own_check(db, kind):
    subject, body = letter_default(kind)
    LetterTemplate(kind=kind, subject=subject, body=body).full_clean(
        validate_unique=False
    )


@pytest.mark.parametrize(
    ("field", "text", "found"),
    [
        ("body", "Geachte {{ klant.naam }},", "{{ klant.naam }}"),
        ("body", "Zie {{ notarissen }}.", "{{ notarissen }}"),  # not in A6
        ("subject", "Beroep {{zaak}}", "{{zaak}}"),
        ("body", "Open {{ zaaknummer", "{{"),
    ],
)
def test_an_unknown_placeholder_is_refused_on_save_with_the_allowed_ones(
    db, field, text, found
):
    template = letter_template(Kind.APPEAL_ACK)
    setattr(template, field, text)
    with pytest.raises(ValidationError) as exc:
        template.full_clean()
    message = " ".join(exc.value.message_dict[field])
    assert "Onbekende plaatshouder" in message
    assert found in message
    assert "{{ zaaknummer }}" in message
    assert "{{ beslist_op }}" in message
    assert "{{ notarissen }}" not in message.split("gebruiken:")[1]


# -- sending ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "kind", "fk", "name"),
    [
        ("appeal", Kind.APPEAL_ACK, "appeal", "ontvangstbevestiging"),
        ("complaint", Kind.COMPLAINT_OUTCOME, "complaint", "uitkomst"),
        ("mediation", Kind.MEDIATION_PROPOSAL, "mediation", "voorstel notarissen"),
    ],
)
def test_letter_send_files_the_pdf_with_its_case_and_mails_it_after_commit(
    request, setup, office, django_capture_on_commit_callbacks, fixture, kind, fk, name
):
    case = request.getfixturevalue(fixture)
    with django_capture_on_commit_callbacks(execute=True):
        evidence = letter_send(
            case=case, kind=kind, by=office, to=["klant@example.invalid"]
        )
        assert mail.outbox == [], "nothing leaves before the step is committed"

    evidence.refresh_from_db()
    assert getattr(evidence, fk) == case
    assert evidence.client == setup["client"]
    assert evidence.original_name == f"{case.number} {name}.pdf"
    assert evidence.content_type == "application/pdf"
    assert evidence.description == (
        f"Brief: {LetterTemplate.Kind(kind).label} ({case.number})"
    )
    assert evidence.uploaded_by == office
    with evidence_storage().open(evidence.file.name, "rb") as fh:
        stored = fh.read()
    assert hashlib.sha256(stored).hexdigest() == evidence.sha256
    assert evidence.size == len(stored)
    assert case.number in pdf_text(stored)
    assert case.number in evidence.extracted_text  # searchable like any upload

    [message] = mail.outbox
    assert message.to == ["klant@example.invalid"]
    assert case.number in message.subject
    assert case.number in message.body
    [(filename, content, mimetype)] = message.attachments
    assert filename == evidence.original_name
    assert content == stored
    assert mimetype == "application/pdf"


@pytest.mark.parametrize("to", [[], [""]])
def test_letter_send_without_an_address_is_refused_and_changes_nothing(
    setup, office, appeal, django_capture_on_commit_callbacks, to
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ValidationError, match="geen e-mailadres"),
    ):
        letter_send(case=appeal, kind=Kind.APPEAL_ACK, by=office, to=to)
    assert not EvidenceFile.objects.exists()
    assert mail.outbox == []


def test_a_step_refused_after_the_letter_files_nothing_and_sends_nothing(
    setup, office, appeal, django_capture_on_commit_callbacks
):
    def step():
        with transaction.atomic():
            letter_send(
                case=appeal, kind=Kind.APPEAL_ACK, by=office, to=["k@example.invalid"]
            )
            raise ValidationError("a later check in the same step")

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ValidationError),
    ):
        step()
    assert not EvidenceFile.objects.exists()
    assert mail.outbox == []


def test_the_signatory_is_the_sender(setup, appeal, django_capture_on_commit_callbacks):
    sender = UserFactory(roles=[OFFICE_MANAGER], first_name="Anna", last_name="de Boer")
    with django_capture_on_commit_callbacks(execute=True):
        letter_send(case=appeal, kind=Kind.APPEAL_ACK, by=sender, to=["k@x.invalid"])
    assert mail.outbox[0].body.rstrip().endswith("Anna de Boer")


# -- the appeal steps send letters --------------------------------------------------


def test_appeal_acknowledgement_files_the_letter_and_logs_it_A6(
    setup, office, appeal, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appeal_acknowledge(appeal=appeal, by=office)
    evidence = EvidenceFile.objects.get(appeal=appeal)
    event = appeal.events.get(action="acknowledge")
    assert event.data["letter"] == str(evidence.uuid)
    assert event.data["letter_kind"] == Kind.APPEAL_ACK
    assert event.claimant_informed_at is not None
    [message] = mail.outbox
    assert message.attachments[0][0] == f"{appeal.number} ontvangstbevestiging.pdf"
    assert "Zorggroep Beroep" in pdf_text(message.attachments[0][1])


def test_inadmissibility_letter_is_filed_with_the_appeal_A3(
    setup, office, django_capture_on_commit_callbacks
):
    late = appeal_lodge(
        decision=setup["decision"],
        appellant=setup["client"],
        channel="email",
        received_at=local(2026, 3, 2, 9, 0),
        motivation="Te laat.",
        by=office,
    )
    with django_capture_on_commit_callbacks(execute=True):
        appeal_send_inadmissibility(appeal=late, by=office)
    evidence = EvidenceFile.objects.get(appeal=late)
    assert evidence.original_name == f"{late.number} niet-ontvankelijk.pdf"
    assert late.events.get(action="send_inadmissibility").data["letter"] == str(
        evidence.uuid
    )


def test_acknowledgement_without_an_address_files_no_letter_A6(setup, office, appeal):
    setup["client"].contact_email = ""
    setup["client"].save()
    with pytest.raises(ValidationError, match="geen e-mailadres"):
        appeal_acknowledge(appeal=appeal, by=office)
    assert not EvidenceFile.objects.exists()


# -- admin ------------------------------------------------------------------------


def _edit_url(kind):
    return reverse(
        "wagtailsnippets_cases_lettertemplate:edit", args=[letter_template(kind).pk]
    )


def test_quality_officer_edits_a_template_and_the_next_letter_uses_it(
    client, setup, appeal
):
    qo = UserFactory(roles=[QUALITY_OFFICER])
    client.force_login(qo)
    listing = client.get(reverse("wagtailsnippets_cases_lettertemplate:list"))
    assert listing.status_code == 200
    assert LetterTemplate.objects.count() == 7
    assert "Ontvangstbevestiging beroep" in listing.content.decode()

    url = _edit_url(Kind.APPEAL_ACK)
    page = client.get(url).content.decode()
    assert "{{ beslist_op }}" in page  # the allowed placeholders are shown
    assert "Voorbeeld (PDF)" in page

    response = client.post(
        url,
        {
            "subject": "Wij hebben uw beroep {{ zaaknummer }} ontvangen",
            "body": "Beste {{ klant }},\n\nUw beroep is binnen. Tot snel.",
        },
    )
    assert response.status_code == 302
    subject, body = letter_render(case=appeal, kind=Kind.APPEAL_ACK)
    assert subject == f"Wij hebben uw beroep {appeal.number} ontvangen"
    assert body == "Beste Zorggroep Beroep,\n\nUw beroep is binnen. Tot snel."
    assert letter_template(Kind.APPEAL_ACK).kind == Kind.APPEAL_ACK


def test_an_unknown_placeholder_in_the_admin_keeps_the_text_and_says_why(client, db):
    client.force_login(UserFactory(roles=[QUALITY_OFFICER]))
    url = _edit_url(Kind.COMPLAINT_ACK)
    response = client.post(
        url, {"subject": "Klacht {{ zaaknummer }}", "body": "Geachte {{ naam }},"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Onbekende plaatshouder" in page
    assert "Geachte {{ naam }}," in page
    assert letter_template(Kind.COMPLAINT_ACK).body != "Geachte {{ naam }},"


@pytest.mark.parametrize("role", [OFFICE_MANAGER, ASSESSOR])
def test_others_cannot_edit_or_preview_templates(client, db, role):
    client.force_login(UserFactory(roles=[role]))
    template = letter_template(Kind.APPEAL_ACK)
    before = (template.subject, template.body)
    url = _edit_url(Kind.APPEAL_ACK)
    assert client.get(url).status_code in (302, 403)
    response = client.post(url, {"subject": "Gehackt", "body": "Gehackt"})
    assert response.status_code in (302, 403)
    template.refresh_from_db()
    assert (template.subject, template.body) == before
    preview = reverse(
        "wagtailsnippets_cases_lettertemplate:preview_pdf", args=[template.pk]
    )
    response = client.get(preview)
    assert response.status_code in (302, 403)
    assert response.get("Content-Type") != "application/pdf"


def test_preview_shows_the_saved_template_with_sample_data(client, db):
    client.force_login(UserFactory(roles=[QUALITY_OFFICER]))
    template = letter_template(Kind.MEDIATION_PROPOSAL)
    response = client.get(
        reverse("wagtailsnippets_cases_lettertemplate:preview_pdf", args=[template.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "K-2026-0000" in text
    assert "Voorbeeldklant B.V." in text
    assert "De Vries Notarissen" in text


def test_the_senders_note_stands_before_the_closing_and_is_what_is_sent(
    appeal, office, django_capture_on_commit_callbacks
):
    """The preview composes through `letter_compose`, as `letter_send` does: the
    note the sender typed stands before the closing, in the preview and in the
    letter that is mailed."""
    note = "Wij nemen binnen een week telefonisch contact met u op."
    letter, _paragraphs = letter_compose(
        case=appeal, kind=Kind.APPEAL_ACK, by=office, context={"aanvulling": note}
    )
    assert letter.body.index(note) < letter.body.index("Met vriendelijke groet")
    with django_capture_on_commit_callbacks(execute=True):
        letter_send(
            case=appeal,
            kind=Kind.APPEAL_ACK,
            by=office,
            to=["klant@example.invalid"],
            context={"aanvulling": note},
        )
    assert mail.outbox[0].body == letter.body


def test_without_a_note_no_empty_paragraph_is_added(appeal, office):
    with_note, _p = letter_compose(
        case=appeal, kind=Kind.APPEAL_ACK, by=office, context={"aanvulling": "  "}
    )
    without, _p = letter_compose(case=appeal, kind=Kind.APPEAL_ACK, by=office)
    assert with_note.body == without.body
