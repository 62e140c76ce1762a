"""Confidential evidence: upload, text extraction, deletion, verification."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.search import index

from files import extraction
from files.filetypes import ALLOWED_DESCRIPTION, safe_storage_name, sniff
from portal.formatting import format_size

from .. import kinds
from ..models import CaseEvent, EvidenceFile, Signal
from ..models.evidence import evidence_storage
from ..permissions import can_delete_evidence
from ..selectors import audits_visible_to, dossiers_visible_to, visible_to
from ..tasks import extract_evidence_text

logger = logging.getLogger(__name__)
CHUNK = 256 * 1024


class _HashingFile(File):
    """Hands the upload to the storage chunk by chunk while hashing it, so that
    neither the hash nor the copy ever holds the whole file in memory."""

    def __init__(self, source):
        super().__init__(source, name=getattr(source, "name", None))
        self.sha256 = hashlib.sha256()
        self.bytes_written = 0

    def chunks(self, chunk_size=None) -> Iterator[bytes]:
        self.file.seek(0)
        while chunk := self.file.read(chunk_size or CHUNK):
            self.sha256.update(chunk)
            self.bytes_written += len(chunk)
            yield chunk

    def multiple_chunks(self, chunk_size=None):
        return True


def _case_field(case) -> str:
    # The evidence file's field for the case is named after its kind.
    return kinds.kind_of(case).key


def _case_client_id(case):
    return case.client_id


def can_upload_evidence(user, client, audit=None, case=None) -> bool:
    """A user with the upload permission who can see the dossier, or the audit the
    file belongs to (an audit team member adding to their own audit); for a case,
    anyone who can see the case and may upload (the handler, the decider)."""

    if isinstance(case, Signal) and case.reported_by_id == user.pk:
        return True  # S1/S5: whoever reports a signal may attach what they have
    if not user.has_perm("cases.add_evidencefile"):
        return False
    if case is not None:
        return visible_to(user, type(case)).filter(pk=case.pk).exists()
    if dossiers_visible_to(user).filter(pk=client.pk).exists():
        return True
    return audit is not None and audits_visible_to(user).filter(pk=audit.pk).exists()


def _max_bytes() -> int:
    return settings.PORTAL_EVIDENCE_MAX_BYTES


def evidence_upload(
    *,
    client,
    uploaded_file,
    by,
    description: str = "",
    audit=None,
    decision=None,
    replaces: EvidenceFile | None = None,
    case=None,
) -> EvidenceFile:
    """Store one evidence file in ``client``'s dossier; with ``case`` (a signal,
    complaint, appeal or mediation of that client) it is also kept with that case
    (C4, C8, A11) and the upload is written in the case's logbook.

    The type is decided by content (executables and unknown types refused), the size
    is capped (``PORTAL_EVIDENCE_MAX_BYTES``), the bytes are streamed to the evidence
    storage under a new name (never overwriting) with their SHA-256 computed on the
    way, and text extraction is queued once the row is committed.
    Raises PermissionDenied or ValidationError (Dutch message); then nothing is
    stored."""
    if not can_upload_evidence(by, client, audit, case=case):
        raise PermissionDenied(_("U mag geen bewijsstukken aan dit dossier toevoegen."))
    case_field = _case_field(case) if case is not None else None
    if case is not None and _case_client_id(case) != client.pk:
        raise ValidationError(_("Deze zaak hoort niet bij deze klant."))
    original = (getattr(uploaded_file, "name", "") or "bestand").rsplit("/", 1)[-1]
    if audit is not None and audit.client_id != client.pk:
        raise ValidationError({"audit": _("Dit onderzoek hoort niet bij deze klant.")})
    if decision is not None and decision.audit.client_id != client.pk:
        raise ValidationError(
            {"decision": _("Deze beslissing hoort niet bij deze klant.")}
        )
    if replaces is not None:
        if replaces.client_id != client.pk or replaces.is_deleted:
            raise ValidationError(
                {
                    "replaces": _(
                        "Alleen een bestaand bewijsstuk van deze klant kan een "
                        "nieuwe versie krijgen."
                    )
                }
            )
        if EvidenceFile.objects.filter(replaces=replaces).exists():
            raise ValidationError(
                {
                    "replaces": _(
                        "Van dit bewijsstuk bestaat al een nieuwere versie; "
                        "voeg de nieuwe versie daaraan toe."
                    )
                }
            )
    size = uploaded_file.size
    if size == 0:
        raise ValidationError(
            _("'%(name)s' is leeg en is niet opgeslagen.") % {"name": original}
        )
    if size > _max_bytes():
        raise ValidationError(
            _(
                "'%(name)s' is %(size)s; de grens is %(max)s. Verklein het "
                "bestand of splits het op."
            )
            % {
                "name": original,
                "size": format_size(size),
                "max": format_size(_max_bytes()),
            }
        )
    kind = sniff(uploaded_file, original)
    if not kind.allowed:
        raise ValidationError(
            _("'%(name)s' is niet opgeslagen. %(reason)s")
            % {"name": original, "reason": kind.reason or ALLOWED_DESCRIPTION}
        )

    evidence = EvidenceFile(
        client=client,
        audit=audit,
        decision=decision,
        original_name=original[:255],
        content_type=kind.content_type,
        type_label=kind.label[:60],
        size=size,
        description=description,
        uploaded_by=by,
        replaces=replaces,
    )
    if case_field:
        setattr(evidence, case_field, case)
    return evidence_store(
        evidence=evidence,
        content=uploaded_file,
        by=by,
        log_data={"name": original},
        case=case,
        logbook=True,
    )


def evidence_store(
    *,
    evidence: EvidenceFile,
    content,
    by,
    log_data: dict,
    case=None,
    logbook: bool = False,
    on_commit: tuple = (),
) -> EvidenceFile:
    """Write one evidence file: its bytes under a new name in the evidence storage
    (never overwriting; SHA-256 and size counted while streaming), its row, the
    audit-log entry and, with ``logbook``, the upload line in ``case``'s logbook;
    text extraction and the ``on_commit`` callbacks run once the caller's
    transaction commits. The callers (an upload, a letter) check rights and
    content first. On any failure nothing stays behind, bytes included."""
    storage = evidence_storage()
    stream = _HashingFile(content)
    name = (
        f"{timezone.now():%Y}/{evidence.uuid.hex}/"
        f"{safe_storage_name(evidence.original_name)}"
    )
    stored_name = storage.save(name, stream)
    try:
        evidence.sha256 = stream.sha256.hexdigest()
        _refuse_unless_storage_agrees(storage, stored_name, evidence)
        with transaction.atomic():
            evidence.file.name = stored_name
            evidence.size = stream.bytes_written
            evidence.full_clean()
            evidence.save()
            log(
                evidence,
                "portal.evidence.upload",
                user=by,
                data={"sha256": evidence.sha256, "size": evidence.size, **log_data},
            )
            if logbook and case is not None:
                CaseEvent.objects.create(
                    case=case,
                    action="upload",
                    from_state=case.state,
                    to_state=case.state,
                    actor=by,
                    note=log_data.get("name", evidence.original_name),
                    data={"evidence": str(evidence.uuid)},
                )
            for callback in on_commit:
                transaction.on_commit(callback)
            transaction.on_commit(lambda: _enqueue_extraction(evidence.pk))
    except Exception:
        storage.delete(stored_name)  # nothing half-written stays behind
        raise
    return evidence


def _refuse_unless_storage_agrees(storage, name: str, evidence: EvidenceFile) -> None:
    """An object store computes its own SHA-256 of what it received
    (cases.storage.S3EvidenceStorage.stored_sha256); it must be the one we computed
    while streaming, or the stored bytes are not the uploaded ones. Raises
    ValidationError; the caller then removes the bytes."""
    stored_sha256 = getattr(storage, "stored_sha256", None)
    theirs = stored_sha256(name) if stored_sha256 is not None else None
    if theirs is None or theirs == evidence.sha256:
        return
    logger.error(
        "Evidence %s: the storage computed SHA-256 %s, the portal %s; refused",
        name,
        theirs,
        evidence.sha256,
    )
    raise ValidationError(
        _(
            "'%(name)s' is niet opgeslagen: de opslag heeft het bestand niet "
            "ongeschonden ontvangen. Probeer het opnieuw; lukt het weer niet, neem "
            "dan contact op met de beheerder."
        )
        % {"name": evidence.original_name}
    )


def _enqueue_extraction(pk: int) -> None:

    extract_evidence_text.enqueue(pk)


def evidence_extract_text(*, evidence: EvidenceFile) -> EvidenceFile:
    """Extract and store the file's text once; fails soft: the file stays and the
    error is recorded for users to see."""
    if evidence.is_deleted or not evidence.file:
        return evidence
    try:
        with evidence_storage().open(evidence.file.name, "rb") as fh:
            result = extraction.extract_text_bounded(
                fh, content_type=evidence.content_type, filename=evidence.original_name
            )
        text, error = result.text, result.error
    except OSError:
        logger.exception("Evidence %s could not be read for extraction", evidence.pk)
        text, error = "", _("Het bestand kon niet worden gelezen.")
    EvidenceFile.objects.filter(pk=evidence.pk).update(
        extracted_text=text, extraction_error=error, extracted_at=timezone.now()
    )
    evidence.refresh_from_db()
    index.insert_or_update_object(evidence)  # the text is searchable from now on
    return evidence


@transaction.atomic
def evidence_delete(*, evidence: EvidenceFile, by, reason: str) -> EvidenceFile:
    """Remove the bytes of an evidence file; the row stays as a tombstone.

    Only the quality officer, with a reason. Raises PermissionDenied or
    ValidationError."""
    if not can_delete_evidence(by):
        raise PermissionDenied(
            _("Alleen de portefeuillehouder Q kan bewijsstukken verwijderen.")
        )
    if not reason.strip():
        raise ValidationError(
            {"deletion_reason": _("Geef aan waarom dit bewijsstuk wordt verwijderd.")}
        )
    current = EvidenceFile.objects.select_for_update().get(pk=evidence.pk)
    if current.is_deleted:
        raise ValidationError(_("Dit bewijsstuk is al verwijderd."))
    name = current.file.name
    current.deleted_at = timezone.now()
    current.deleted_by = by
    current.deletion_reason = reason
    current.extracted_text = ""
    current.file.name = ""
    current.save()
    log(
        current,
        "portal.evidence.delete",
        user=by,
        data={"reason": reason, "sha256": current.sha256},
    )
    transaction.on_commit(lambda: evidence_storage().delete(name))
    return current


@dataclass(frozen=True)
class VerifyProblem:
    evidence: EvidenceFile
    problem: str  # "missing", "altered" or "unreadable"
    actual_sha256: str = ""


def evidence_verify(
    *, chunk_size: int = 1024 * 1024
) -> tuple[int, list[VerifyProblem]]:
    """Recompute every stored file's SHA-256 (`manage.py verify_evidence`), reading
    the bytes through the evidence storage (a folder or an object store) block by
    block; where the store keeps its own checksum, that must match too.

    Returns the number of files checked and the problems found."""
    storage = evidence_storage()
    stored_sha256 = getattr(storage, "stored_sha256", None)
    problems = []
    checked = 0
    for ev in EvidenceFile.objects.filter(deleted_at__isnull=True).iterator(
        chunk_size=500
    ):
        checked += 1
        if not ev.file.name or not storage.exists(ev.file.name):
            problems.append(VerifyProblem(ev, "missing"))
            continue
        digest = hashlib.sha256()
        try:
            with storage.open(ev.file.name, "rb") as fh:
                while chunk := fh.read(chunk_size):
                    digest.update(chunk)
        except OSError:
            logger.exception("Evidence %s could not be read for verification", ev.pk)
            problems.append(VerifyProblem(ev, "unreadable"))
            continue
        if digest.hexdigest() != ev.sha256:
            problems.append(VerifyProblem(ev, "altered", digest.hexdigest()))
            continue
        theirs = stored_sha256(ev.file.name) if stored_sha256 is not None else None
        if theirs is not None and theirs != ev.sha256:
            problems.append(VerifyProblem(ev, "altered", theirs))
    return checked, problems
