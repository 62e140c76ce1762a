"""Sending a letter (C3, C7, A3/A4, A6, A8, E2, E6): rendered by ``cases.letters``,
filed as evidence with its case, mailed once the step commits."""

from __future__ import annotations

import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.utils.translation import gettext as _

from files.filetypes import sniff

from .. import kinds
from ..letters import FILE_WORDS, case_client, letter_for_case, letterhead, render_pdf
from ..models import EvidenceFile, LetterTemplate
from .evidence import evidence_store


def letter_send(
    *, case, kind: str, by, to: list[str], context: dict | None = None
) -> EvidenceFile:
    """Render the ``kind`` letter about ``case``, file the PDF in the client's
    dossier with the case (C4, A11, E6) and e-mail it to ``to`` once the caller's
    transaction commits.

    Meant to run inside the transition that the letter belongs to: if that step is
    refused later, the filed letter is rolled back with it and no e-mail goes out.
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
    values = {"medewerker": (by.get_full_name() or by.get_username())} if by else {}
    letter, paragraphs = letter_for_case(case, kind, {**values, **(context or {})})
    pdf = render_pdf(letter, paragraphs)

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
