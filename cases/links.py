"""Where each kind of case is shown (one place for links in lists, mails, search)."""

from __future__ import annotations

from django.urls import reverse

from .models import Appeal, Complaint, Mediation, Signal

_ROUTES = {
    Signal: "cases:signal",
    Complaint: "cases_admin:complaint",
    Appeal: "cases_admin:appeal",
    Mediation: "cases_admin:mediation",
}


def case_url(case) -> str:
    return reverse(_ROUTES[type(case)], args=[case.pk])
