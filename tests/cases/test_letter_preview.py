"""The preview before every letter (issue 16, item 1; C3, C7, A3/A4, A6, A8, E2,
E6): a letter step opens a page with the recipient, the PDF as it will be sent
and the text the sender may adjust; nothing is mailed or filed before
"Versturen"; a draft survives a reload and a refused send; only those who may
take the step see it."""

import pytest
from django.core import mail
from django.urls import reverse

from cases.models import EvidenceFile, LetterDraft
from cases.services import (
    appeal_lodge,
    complaint_escalate,
    complaint_record_satisfaction,
    complaint_update_handling,
    mediation_propose,
)
from tests.cases.conftest import local
from tests.cases.test_complaints import in_progress, register
from tests.cases.test_letters import pdf_text
from tests.cases.test_mediations import notary
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

NOTE = "Onze excuses voor de late reactie; u hoort binnen twee weken van ons."


@pytest.fixture
def klant(db):
    return ClientFactory(
        name="Zorggroep Voorbeeld",
        city="Arnhem",
        region="GE",
        contact_email="klant@example.invalid",
    )


@pytest.fixture(autouse=True)
def mail_on_commit(client, django_capture_on_commit_callbacks):
    """A letter is mailed once its step commits; a test's transaction never
    does, so each request's commit callbacks run at its end."""
    post = client.post

    def posting(*args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return post(*args, **kwargs)

    client.post = posting


def preview_url(case, action, kind="complaint", pdf=False):
    name = f"cases_admin:{kind}_letter{'_pdf' if pdf else ''}"
    return reverse(name, args=[case.pk, action])


def messages_of(response):
    return [str(m.message) for m in response.context["messages"]]


def nothing_sent():
    return len(mail.outbox) == 0 and not EvidenceFile.objects.exists()


# -- the preview shows the letter and sends nothing ---------------------------------


def test_preview_shows_recipient_and_letter_and_sends_nothing_C3(client, people, klant):
    complaint = register(people, klant)
    client.force_login(people["office"])
    response = client.get(preview_url(complaint, "acknowledge"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Zorggroep Voorbeeld" in body
    assert "Arnhem" in body
    assert "klant@example.invalid" in body
    assert "Met deze brief bevestigen wij de ontvangst." in body  # the letter
    assert preview_url(complaint, "acknowledge", pdf=True) in body
    assert "Versturen" in body
    assert "Voorbeeld bijwerken" in body
    assert "(C3)" not in body
    pdf = client.get(preview_url(complaint, "acknowledge", pdf=True))
    assert pdf["Content-Type"] == "application/pdf"
    assert "inline" in pdf["Content-Disposition"]
    assert "no-store" in pdf["Cache-Control"]
    assert pdf["X-Frame-Options"] == "SAMEORIGIN"
    assert complaint.number in pdf_text(pdf.content)
    complaint.refresh_from_db()
    assert complaint.acknowledged_at is None
    assert nothing_sent()


def test_case_page_opens_the_preview_and_a_direct_post_sends_nothing(
    client, people, klant
):
    complaint = register(people, klant)
    client.force_login(people["office"])
    page = client.get(reverse("cases_admin:complaint", args=[complaint.pk]))
    body = page.content.decode()
    assert f'href="{preview_url(complaint, "acknowledge")}"' in body
    assert 'value="acknowledge"' not in body  # no form that posts the letter step
    response = client.post(
        reverse("cases_admin:complaint", args=[complaint.pk]),
        {"action": "acknowledge"},
    )
    assert response.status_code == 302
    assert response["Location"] == preview_url(complaint, "acknowledge")
    complaint.refresh_from_db()
    assert complaint.acknowledged_at is None
    assert nothing_sent()


# -- the draft ----------------------------------------------------------------------


def test_an_adjusted_paragraph_survives_a_reload_and_is_in_the_pdf(
    client, people, klant
):
    complaint = register(people, klant)
    client.force_login(people["office"])
    url = preview_url(complaint, "acknowledge")
    response = client.post(url, {"aanvulling": NOTE, "submit": "update"})
    assert response.status_code == 302
    assert response["Location"] == url
    reloaded = client.get(url)
    assert NOTE in reloaded.content.decode()
    assert "Er is nog niets verstuurd." in " ".join(messages_of(reloaded))
    pdf = client.get(preview_url(complaint, "acknowledge", pdf=True))
    assert NOTE in pdf_text(pdf.content)
    assert nothing_sent()


def test_versturen_sends_one_mail_with_the_paragraph_files_it_and_ends_the_draft(
    client, people, klant
):
    complaint = register(people, klant)
    client.force_login(people["office"])
    url = preview_url(complaint, "acknowledge")
    client.post(url, {"aanvulling": "Een eerdere versie.", "submit": "update"})
    response = client.post(url, {"aanvulling": NOTE, "submit": "send"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "cases_admin:complaint", args=[complaint.pk]
    )
    assert (
        f"Ontvangstbevestiging verstuurd aan Zorggroep Voorbeeld "
        f"(klant@example.invalid) en bewaard bij {complaint.number}."
    ) in messages_of(response)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["klant@example.invalid"]
    assert NOTE in pdf_text(mail.outbox[0].attachments[0][1])
    evidence = EvidenceFile.objects.get()
    assert evidence.complaint == complaint
    assert not LetterDraft.objects.exists()
    complaint.refresh_from_db()
    assert complaint.acknowledged_at is not None
    assert complaint.events.filter(action="acknowledge").count() == 1


def test_client_without_email_is_refused_in_dutch_and_keeps_the_draft(client, people):
    klant = ClientFactory(name="Zorggroep Zonder Mail", contact_email="")
    complaint = register(people, klant)
    client.force_login(people["office"])
    url = preview_url(complaint, "acknowledge")
    page = client.get(url)
    assert "geen e-mailadres bekend" in page.content.decode()
    response = client.post(url, {"aanvulling": NOTE, "submit": "send"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "geen e-mailadres bekend" in body
    assert NOTE in body  # what was typed comes back
    assert nothing_sent()
    assert LetterDraft.objects.get().fields["aanvulling"] == NOTE
    complaint.refresh_from_db()
    assert complaint.acknowledged_at is None
    assert not complaint.events.filter(action="acknowledge").exists()


# -- who may ------------------------------------------------------------------------


def test_who_may_not_take_the_step_gets_403_or_404_on_preview_pdf_and_send(
    client, people, klant
):
    complaint = in_progress(people, klant)  # the handler sees it, may not send
    # The handler sees the case but does not send its acknowledgement; a
    # core-group member involved in the complaint does not see it at all (C2).
    for user, status in ((people["handler"], 403), (people["involved"], 404)):
        client.force_login(user)
        assert client.get(preview_url(complaint, "acknowledge")).status_code == status
        pdf = client.get(preview_url(complaint, "acknowledge", pdf=True))
        assert pdf.status_code == status
        send = client.post(
            preview_url(complaint, "acknowledge"),
            {"aanvulling": NOTE, "submit": "send"},
        )
        assert send.status_code == status
    assert nothing_sent()
    assert not LetterDraft.objects.exists()
    client.force_login(people["office"])
    missing = reverse("cases_admin:complaint_letter", args=[complaint.pk, "close"])
    assert client.get(missing).status_code == 404  # not a letter step


def test_a_letter_already_sent_leads_back_to_the_case_with_the_reason(
    client, people, klant
):
    complaint = register(people, klant)
    client.force_login(people["office"])
    url = preview_url(complaint, "acknowledge")
    client.post(url, {"aanvulling": "", "submit": "send"})
    response = client.post(url, {"aanvulling": "", "submit": "send"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "cases_admin:complaint", args=[complaint.pk]
    )
    assert any("al gezet" in m for m in messages_of(response))
    assert len(mail.outbox) == 1


# -- the complaint outcome (C7, C8) -------------------------------------------------


def outcome_ready(people, klant, *, satisfied):
    complaint = in_progress(people, klant)
    complaint_update_handling(
        complaint=complaint,
        by=people["handler"],
        solution="INTERN: creditnota via de boekhouding, niet met de klant besproken.",
    )
    if satisfied:
        complaint_record_satisfaction(
            complaint=complaint, by=people["handler"], note="Telefonisch: tevreden."
        )
    return complaint


def test_outcome_letter_carries_the_senders_outcome_and_no_satisfaction_question(
    client, people, klant
):
    complaint = outcome_ready(people, klant, satisfied=True)
    client.force_login(people["handler"])
    url = preview_url(complaint, "send_outcome_letter")
    page = client.get(url).content.decode()
    # Pre-filled with the recorded solution, and said to go to the client.
    assert "INTERN: creditnota" in page
    assert "Uitkomst voor de klant" in page
    assert "blijft intern" in page
    outcome = "Wij hebben het rapport opnieuw opgesteld en u kosteloos toegestuurd."
    client.post(url, {"uitkomst": outcome, "aanvulling": "", "submit": "send"})
    assert len(mail.outbox) == 1
    text = pdf_text(mail.outbox[0].attachments[0][1])
    assert outcome in text
    assert "INTERN" not in text
    assert "Wilt u ons laten weten" not in text
    assert "U hebt ons laten weten dat u tevreden bent" in text
    complaint.refresh_from_db()
    assert complaint.outcome_sent_at is not None
    assert complaint.solution.startswith("INTERN")  # the register keeps its own


def test_outcome_letter_asks_for_satisfaction_while_none_is_recorded(
    client, people, klant
):
    complaint = outcome_ready(people, klant, satisfied=False)
    client.force_login(people["office"])
    pdf = client.get(preview_url(complaint, "send_outcome_letter", pdf=True))
    assert "Wilt u ons laten weten" in pdf_text(pdf.content)
    assert nothing_sent()


def test_an_empty_outcome_is_refused_and_nothing_is_sent(client, people, klant):
    complaint = outcome_ready(people, klant, satisfied=True)
    client.force_login(people["handler"])
    response = client.post(
        preview_url(complaint, "send_outcome_letter"),
        {"uitkomst": "   ", "aanvulling": NOTE, "submit": "send"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Schrijf voor de klant wat de uitkomst is" in body
    assert NOTE in body
    assert nothing_sent()
    complaint.refresh_from_db()
    assert complaint.outcome_sent_at is None


# -- appeals (A6) ---------------------------------------------------------------------


def test_appeal_letter_step_posted_to_the_case_page_opens_the_preview_A6(
    client, setup, office
):
    appeal = appeal_lodge(
        decision=setup["decision"],
        appellant=setup["client"],
        channel="email",
        received_at=local(2026, 2, 10, 12, 0),
        motivation="Het rapport mist onze verbeterplannen.",
        by=office,
    )
    client.force_login(office)
    response = client.post(
        reverse("cases_admin:appeal", args=[appeal.pk]), {"action": "acknowledge"}
    )
    assert response["Location"] == preview_url(appeal, "acknowledge", kind="appeal")
    assert nothing_sent()
    url = preview_url(appeal, "acknowledge", kind="appeal")
    assert "Zorggroep Beroep" in client.get(url).content.decode()
    client.post(url, {"aanvulling": NOTE, "submit": "send"})
    assert len(mail.outbox) == 1
    assert NOTE in pdf_text(mail.outbox[0].attachments[0][1])
    appeal.refresh_from_db()
    assert appeal.acknowledged_at is not None
    # A decider without a role in the appeal's step may not see its letter.
    client.force_login(setup["other"])
    assert client.get(url).status_code in (403, 404)


def test_the_appeal_outcome_letter_asks_for_the_tick_before_it_goes_A8(
    client, setup, office
):
    """The outcome cannot be undone (A12): the preview asks "Ik begrijp dat …"
    as the case page does; without the tick nothing is sent, the text is kept."""
    from cases.services import (
        appeal_acknowledge,
        appeal_assign_decider,
        appeal_decide,
    )

    appeal = appeal_lodge(
        decision=setup["decision"],
        appellant=setup["client"],
        channel="email",
        received_at=local(2026, 2, 10, 12, 0),
        motivation="Het rapport mist onze verbeterplannen.",
        by=office,
    )
    appeal = appeal_acknowledge(appeal=appeal, by=office)
    appeal = appeal_assign_decider(appeal=appeal, decider=setup["other"], by=office)
    appeal_decide(
        appeal=appeal,
        outcome="upheld",
        motivation="De beslissing is juist.",
        by=setup["other"],
        non_discrimination_confirmed=True,
    )
    client.force_login(office)
    url = preview_url(appeal, "send_outcome", kind="appeal")
    assert "Ik begrijp dat" in client.get(url).content.decode()
    sent_before = len(mail.outbox)
    refused = client.post(url, {"aanvulling": NOTE, "submit": "send"})
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "Vink eerst aan" in body
    assert NOTE in body
    assert len(mail.outbox) == sent_before
    appeal.refresh_from_db()
    assert appeal.outcome_sent_at is None
    client.post(url, {"aanvulling": NOTE, "submit": "send", "confirmed": "1"})
    appeal.refresh_from_db()
    assert appeal.outcome_sent_at is not None
    # The letter to the appellant (and the notice to those involved, A8).
    assert setup["client"].contact_email in [m.to[0] for m in mail.outbox]


# -- mediation (E2, E6) ---------------------------------------------------------------


@pytest.fixture
def escalated(people, klant):
    return complaint_escalate(
        complaint=in_progress(people, klant),
        by=people["qo"],
        reason="Geen oplossing die voor beide partijen aanvaardbaar is.",
    )


@pytest.fixture
def three(db):
    return [notary("Mr. A. Arnhem"), notary("Mr. B. Ede"), notary("Mr. C. Zutphen")]


def test_proposal_preview_shows_the_chosen_notaries_and_sends_them_E2(
    client, people, escalated, three
):
    mediation = escalated
    client.force_login(people["office"])
    page = client.get(reverse("cases_admin:mediation", args=[mediation.pk]))
    url = preview_url(mediation, "propose", kind="mediation")
    assert f'action="{url}"' in page.content.decode()  # the choice goes to preview
    query = {"notaries": [n.pk for n in three]}
    response = client.get(url, query)
    body = response.content.decode()
    assert response.status_code == 200
    for n in three:
        assert n.name in body
    assert f'name="notaries" value="{three[0].pk}"' in body  # carried along
    pdf = client.get(
        preview_url(mediation, "propose", kind="mediation", pdf=True), query
    )
    assert "Mr. B. Ede" in pdf_text(pdf.content)
    assert nothing_sent()
    mediation.refresh_from_db()
    assert mediation.proposed_at is None
    client.post(url, {**query, "aanvulling": NOTE, "submit": "send"})
    mediation.refresh_from_db()
    assert set(mediation.proposed.all()) == set(three)
    assert len(mail.outbox) == 1
    assert NOTE in pdf_text(mail.outbox[0].attachments[0][1])


def test_proposal_of_two_notaries_is_refused_on_the_preview(
    client, people, escalated, three
):
    mediation = escalated
    client.force_login(people["office"])
    url = preview_url(mediation, "propose", kind="mediation")
    query = {"notaries": [three[0].pk, three[1].pk]}
    page = client.get(url, query).content.decode()
    assert "u koos er 2" in page
    assert 'value="send"' not in page
    response = client.post(url, {**query, "aanvulling": NOTE, "submit": "send"})
    assert response.status_code == 400
    assert NOTE in response.content.decode()
    assert nothing_sent()
    # Posted to the case page, the choice is carried to the preview.
    response = client.post(
        reverse("cases_admin:mediation", args=[mediation.pk]),
        {"action": "propose", **query},
    )
    assert response["Location"].startswith(url + "?notaries=")
    assert nothing_sent()


def test_step_message_as_letter_opens_the_preview_E6(client, people, escalated, three):
    mediation = escalated
    mediation_propose(mediation=mediation, notaries=three, by=people["office"])
    mail.outbox.clear()
    client.force_login(people["office"])
    response = client.post(
        reverse("cases_admin:mediation", args=[mediation.pk]),
        {"action": "inform_claimant", "send_letter": "on", "how": "Per brief."},
    )
    url = preview_url(mediation, "inform_claimant", kind="mediation")
    assert response["Location"] == url + "?how=Per+brief."
    assert len(mail.outbox) == 0
    client.post(url, {"how": "Per brief.", "aanvulling": NOTE, "submit": "send"})
    assert len(mail.outbox) == 1
    event = mediation.events.get(action="inform_claimant")
    assert event.note == "Per brief."
    assert NOTE in pdf_text(mail.outbox[0].attachments[0][1])
