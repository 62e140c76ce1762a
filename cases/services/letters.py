"""Sending a letter (C3, C7, A3/A4, A6, A8, E2, E6): rendered by ``cases.letters``,
filed as evidence with its case, mailed once the step commits."""

from __future__ import annotations

import io

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.utils.translation import gettext as _

from files.filetypes import sniff

from .. import kinds
from ..letters import FILE_WORDS, case_client, letter_for_case, letterhead, render_pdf
from ..models import EvidenceFile, LetterDraft, LetterTemplate
from .evidence import evidence_store


def letter_compose(*, case, kind: str, by, context: dict | None = None):
    """The ``kind`` letter about ``case`` as ``by`` sends it: (Letter, paragraphs)
    for `render_pdf`. The preview and `letter_send` both compose through here, so
    the preview is the letter that goes out. Raises as ``letter_for_case``."""
    values = (
        {
            "medewerker": (by.get_full_name() or by.get_username()),
            "functie": getattr(by, "function", ""),
        }
        if by
        else {}
    )
    return letter_for_case(case, kind, {**values, **(context or {})})


def letter_drafts_of(case, kind: str):
    return LetterDraft.objects.filter(
        case_type=ContentType.objects.get_for_model(type(case)),
        case_id=case.pk,
        kind=kind,
    )


def letter_draft_fields(case, kind: str) -> dict | None:
    """What the sender adjusted in the ``kind`` letter about ``case`` and has not
    sent yet, or None. The caller checks who may take the letter's step."""
    draft = letter_drafts_of(case, kind).first()
    return dict(draft.fields) if draft is not None else None


def letter_draft_save(*, case, kind: str, by, fields: dict) -> LetterDraft:
    """Keep what ``by`` typed in the preview of the ``kind`` letter about ``case``
    until it is sent (`letter_send` deletes it), so that a reload or a refused
    send loses nothing. One draft per case and kind; the last save wins. The
    caller checks that ``by`` may take the letter's step."""
    if kind not in LetterTemplate.Kind.values:
        raise ValueError(f"Unknown letter kind {kind!r}")
    draft, _created = LetterDraft.objects.update_or_create(
        case_type=ContentType.objects.get_for_model(type(case)),
        case_id=case.pk,
        kind=kind,
        defaults={"fields": fields, "updated_by": by},
    )
    return draft


def letter_send(
    *, case, kind: str, by, to: list[str], context: dict | None = None
) -> EvidenceFile:
    """Render the ``kind`` letter about ``case``, file the PDF in the client's
    dossier with the case (C4, A11, E6) and e-mail it to ``to`` once the caller's
    transaction commits.

    Meant to run inside the transition that the letter belongs to: if that step is
    refused later, the filed letter is rolled back with it and no e-mail goes out
    (and the letter's draft, deleted here, is kept).
    The caller checks who may take the step; this only writes. Returns the filed
    EvidenceFile; callers log ``{"letter": str(evidence.uuid), "letter_kind": kind}``.
    Raises ValidationError (nothing changes) when ``to`` is empty or the letter
    would miss its point."""
    client = case_client(case)
    to = [address for address in to if address]
    if client is None:
        raise ValidationError(
            _("Koppel eerst een klant aan %(n)s; een brief heeft een geadresseerde.")
            % {"n": case.number}
        )
    if not to:
        raise ValidationError(
            _(
                "Van %(client)s is geen e-mailadres bekend. Vul het in bij de "
                "klantgegevens en probeer opnieuw."
            )
            % {"client": client}
        )
    letter, paragraphs = letter_compose(case=case, kind=kind, by=by, context=context)
    pdf = render_pdf(letter, paragraphs)
    # Sent: what the sender adjusted in the preview is in the letter now.
    letter_drafts_of(case, kind).delete()

    original = f"{case.number} {FILE_WORDS[kind]}.pdf"
    detected = sniff(io.BytesIO(pdf), original)
    evidence = EvidenceFile(
        client=client,
        original_name=original,
        content_type=detected.content_type,
        type_label=detected.label[:60],
        size=len(pdf),
        description=_("Brief: %(kind)s (%(n)s)")
        % {"kind": LetterTemplate.Kind(kind).label, "n": case.number},
        uploaded_by=by,
        **{kinds.kind_of(case).key: case},
    )
    message = EmailMessage(
        subject=letter.subject,
        body=letter.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        reply_to=[r for r in [letterhead()["email"]] if r] or None,
    )
    message.attach(original, pdf, "application/pdf")
    # The step this letter belongs to logs it in the case's logbook.
    return evidence_store(
        evidence=evidence,
        content=io.BytesIO(pdf),
        by=by,
        log_data={"name": original, "letter_kind": kind, "to": to},
        case=case,
        logbook=False,
        on_commit=(message.send,),
    )
