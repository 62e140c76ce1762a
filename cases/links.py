"""Where each kind of case is shown (one place for links in lists, mails, search)."""

from __future__ import annotations

from django.urls import reverse

from . import kinds


def case_url(case) -> str:
    return reverse(kinds.kind_of(case).route, args=[case.pk])
