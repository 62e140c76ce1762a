"""The one write: the draft procedure page (or a new draft revision) from a read
document."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from documents.models import ProcedurePage

from .result import ParsedDocument


@dataclass(frozen=True)
class ImportOutcome:
    page: object  # the ProcedurePage, as its latest (draft) revision has it
    created: bool
    code: str
    version_label: str


def next_free_code() -> str:
    """The first "P-NN" after the highest code in use."""

    numbers = [
        int(m.group(1))
        for code in ProcedurePage.objects.values_list("code", flat=True)
        if (m := re.fullmatch(r"P-(\d{1,3})", code))
    ]
    return f"P-{max(numbers, default=0) + 1:02d}"


def procedure_import(
    *,
    parent,
    document: ParsedDocument,
    source_name: str,
    code: str = "",
    version_label: str = "",
    title: str = "",
    new_revision: bool = False,
    by=None,
) -> ImportOutcome:
    """Create an imported document as a draft procedure under `parent` (a
    HandbookPage); never publishes.

    The code is the one given, else the one the file names, else the next free
    "P-NN". A code in use is refused, unless `new_revision` is set: then the imported
    content becomes a new draft revision of that procedure (its live version stays
    as it is; the title and version label change only when given). The version
    label defaults to the one in the file's footer or name; publication keeps it as
    the first version's label. With `by`, re-checks that the user may add pages under
    `parent` (or edit the existing procedure). Raises ValidationError (Dutch) or
    PermissionDenied; writes nothing then.
    """
    from wagtail.log_actions import log

    code = (code or "").strip() or document.code or next_free_code()
    given_version = (version_label or "").strip()
    title = (title or "").strip()
    change_summary = _("Geïmporteerd uit %(name)s.") % {"name": source_name}
    existing = ProcedurePage.objects.filter(code__iexact=code).first()
    creating = existing is None or not new_revision
    if (
        creating
        and by is not None
        and not parent.permissions_for_user(by).can_add_subpage()
    ):
        raise PermissionDenied(_("U mag onder dit handboek geen procedures toevoegen."))
    if existing is not None and not new_revision:
        message = _(
            "Er bestaat al een procedure met code %(code)s (%(title)s). Kies een "
            "andere code, of sla de import op als nieuwe conceptversie van die "
            "procedure."
        ) % {"code": existing.code, "title": existing.title}
        raise ValidationError({"code": ValidationError(message, code="code_in_use")})
    if existing is not None:
        if by is not None and not existing.permissions_for_user(by).can_edit():
            raise PermissionDenied(_("U mag deze procedure niet bewerken."))
        lock = existing.get_lock()
        if lock is not None and (by is None or lock.for_user(by)):
            raise ValidationError(
                _(
                    "Procedure %(code)s is vergrendeld of wacht op goedkeuring; "
                    "importeer de nieuwe versie als die vrijgegeven is."
                )
                % {"code": existing.code}
            )
        page = existing.get_latest_revision_as_object()
        page.body = document.stream_data()
        page.change_summary = change_summary
        if title:
            page.title = title[:255]
        if given_version:
            page.version_label = _checked_version(given_version)
        with transaction.atomic():
            page.save_revision(user=by, log_action=True, changed=True)
        return ImportOutcome(page, False, page.code, page.version_label)

    page = ProcedurePage(
        title=(title or document.title)[:255],
        code=code,
        version_label=_checked_version(given_version or document.version_label),
        body=document.stream_data(),
        change_summary=change_summary,
        live=False,
        has_unpublished_changes=True,
        owner=by,
    )
    try:
        with transaction.atomic():
            parent.add_child(instance=page)
            page.save_revision(user=by, log_action=False)
            log(instance=page, action="wagtail.create", user=by)
    except IntegrityError as exc:  # the same code, imported at the same moment
        raise ValidationError(
            {"code": _("De code %(code)s is net in gebruik genomen.") % {"code": code}}
        ) from exc
    return ImportOutcome(page, True, page.code, page.version_label)


def _checked_version(label: str) -> str:
    if len(label) > 10:
        raise ValidationError(
            {
                "version_label": _(
                    "Een versie is hoogstens 10 tekens, bijvoorbeeld 2305."
                )
            }
        )
    return label
