"""The logbook of one case (E6, C4, A11) in the admin: its steps on a page of
their own, reached from the register, with its own export (CSV and XLSX).

The case comes through the scoping selectors: a case the user may not see is
answered 404, exactly like one that does not exist, on the page and in both
exports."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from wagtail.admin.auth import require_admin_access

from ..links import case_url
from ..selectors import get_visible_or_404
from .register_exports import csv_response, local_text, xlsx_response
from .register_rows import registered_kinds


def visible_case(user, kind: str, pk: int):
    """(kind, case) for ``user``, or Http404 (an unknown kind, a missing case and
    a case out of scope answer alike)."""
    spec = registered_kinds().get(kind)
    if spec is None:
        raise Http404
    return spec, get_visible_or_404(user, spec.model, pk=pk)


def logbook_events(case):
    return case.events.select_related("actor").order_by("at", "pk")


def logbook_table(events) -> list[list]:
    header = [
        _("tijdstip"),
        _("stap"),
        _("van"),
        _("naar"),
        _("door"),
        _("toelichting"),
        _("eiser geïnformeerd op"),
    ]
    body = [
        [
            local_text(e.at),
            e.action_label,
            e.from_state_label if e.from_state else "",
            e.to_state_label if e.to_state else "",
            str(e.actor) if e.actor_id else _("systeem"),
            e.note,
            local_text(e.claimant_informed_at),
        ]
        for e in events
    ]
    return [header, *body]


def logbook_download(case, export: str):
    table = logbook_table(logbook_events(case))
    if export == "xlsx":
        return xlsx_response(
            table, filename=f"logboek-{case.number}.xlsx", title=_("Logboek")
        )
    return csv_response(table, filename=f"logboek-{case.number}.csv")


@require_admin_access
@require_GET
def logbook_page(request, kind, pk):
    spec, case = visible_case(request.user, kind, pk)
    export = request.GET.get("format")
    if export in ("csv", "xlsx"):
        return logbook_download(case, export)
    events = list(logbook_events(case))
    here = reverse("cases_admin:logbook", args=[spec.key, case.pk])
    return render(
        request,
        "cases/admin/logbook.html",
        {
            "case": case,
            "spec": spec,
            "events": events,
            "case_url": case_url(case),
            "register_url": reverse("cases_admin:register"),
            "csv_url": f"{here}?format=csv",
            "xlsx_url": f"{here}?format=xlsx",
        },
    )
