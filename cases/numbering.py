"""Case numbers such as B-2026-0001: unique and gap-free per type and year."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import CaseNumberCounter


def next_case_number(prefix: str, *, year: int | None = None) -> str:
    """Hand out the next number of ``prefix`` for ``year``.

    Must run inside the transaction that stores the case: the counter row is locked
    until that transaction ends, so concurrent registrations queue for it, and a
    rolled-back registration also rolls back its number (no gaps)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_case_number must run inside transaction.atomic().")
    year = year or timezone.localdate().year
    counter = (
        CaseNumberCounter.objects.select_for_update()
        .filter(prefix=prefix, year=year)
        .first()
    )
    if counter is None:
        try:
            with transaction.atomic():
                CaseNumberCounter.objects.create(prefix=prefix, year=year, last=0)
        except IntegrityError:
            pass  # another registration created it first; lock theirs below
        counter = CaseNumberCounter.objects.select_for_update().get(
            prefix=prefix, year=year
        )
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{prefix}-{year}-{counter.last:04d}"
