"""The case register (Casusregister) in the admin: one listing of signals,
complaints, appeals and mediations with filters, its CSV and XLSX export, and the
logbook export of one case.

Every row comes from the scoping selectors: the listing, its filter options and
the exports show exactly the cases the user may see (C4, E4). The four kinds are
read as one UNION of per-kind rows (joins and logbook counts done in SQL), so a
page costs the same number of queries whatever the number of cases and events."""

from __future__ import annotations

import operator
from functools import reduce

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import (
    Q,
    QuerySet,
)
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from wagtail.admin.auth import require_admin_access
from wagtail.admin.paginator import WagtailPaginator

from .. import kinds
from ..models import Client
from ..permissions import has_register_access
from ..selectors import get_visible_or_404, visible_to
from .register_exports import csv_response, export_rows, local_text, xlsx_response
from .register_rows import PER_PAGE, RegisterRow, register_rows, registered_kinds

# -- filters -----------------------------------------------------------------


def _status_choices(kind: str) -> list:
    def states(spec):
        return [(f"{spec.key}:{v}", label) for v, label in spec.model.State.choices]

    empty = ("", gettext_lazy("Alle statussen"))
    every = registered_kinds()
    if kind in every:
        return [empty, *states(every[kind])]
    return [empty, *[(spec.title, states(spec)) for spec in every.values()]]


def responsible_people(user) -> QuerySet:
    """Handlers and deciders of the cases ``user`` may see (the handler filter)."""
    return (
        get_user_model()
        .objects.filter(
            reduce(
                operator.or_,
                (
                    Q(pk__in=kind.selector(user).values(kind.responsible_field))
                    for kind in kinds.all_kinds()
                    if kind.responsible_field
                ),
                Q(pk__in=[]),
            )
        )
        .order_by("last_name", "first_name", "username")
    )


class RegisterFilterForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Zoeken"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"placeholder": gettext_lazy("nummer of klantnaam")}
        ),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Soort"),
        required=False,
        choices=[
            ("", gettext_lazy("Alle soorten")),
            *[(spec.key, spec.title) for spec in registered_kinds().values()],
        ],
    )
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    client = forms.ModelChoiceField(
        label=gettext_lazy("Klant"),
        required=False,
        queryset=Client.objects.none(),
        empty_label=gettext_lazy("Alle klanten"),
    )
    handler = forms.ModelChoiceField(
        label=gettext_lazy("Behandelaar"),
        required=False,
        queryset=get_user_model().objects.none(),
        empty_label=gettext_lazy("Iedereen"),
    )
    year = forms.IntegerField(
        label=gettext_lazy("Jaar van ontvangst"),
        required=False,
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"placeholder": gettext_lazy("bijv. 2026")}),
    )
    overdue = forms.BooleanField(
        label=gettext_lazy("Alleen termijn verstreken"), required=False
    )

    def __init__(self, data, *, user):
        data = data.copy()
        kind = data.get("kind", "")
        # A status of another kind is left over from an earlier choice of kind:
        # the kind wins, the status is dropped instead of refused.
        status = data.get("status", "")
        if kind in registered_kinds() and status and not status.startswith(f"{kind}:"):
            data.pop("status")
        super().__init__(data)
        self.fields["status"].choices = _status_choices(kind)
        self.fields["client"].queryset = visible_to(user, Client).order_by("name")
        self.fields["handler"].queryset = responsible_people(user)

    def filters(self) -> dict:
        """The valid filters only: an invalid value narrows nothing (and the
        scope holds regardless)."""
        self.is_valid()
        return {
            k: v for k, v in self.cleaned_data.items() if v not in ("", None, False)
        }


# -- views -------------------------------------------------------------------


class RegisterPaginator(WagtailPaginator):
    verbose_name = gettext_lazy("zaak")
    verbose_name_plural = gettext_lazy("zaken")


@require_admin_access
@require_GET
def register_list(request):
    user = request.user
    form = RegisterFilterForm(request.GET, user=user)
    filters = form.filters()
    now = timezone.now()
    rows = register_rows(user, filters, now=now)
    export = request.GET.get("format")
    if export == "csv":
        return csv_response(export_rows(rows, now))
    if export == "xlsx":
        return xlsx_response(export_rows(rows, now))

    paginator = RegisterPaginator(rows, PER_PAGE)
    page = paginator.get_page(request.GET.get("p"))
    query = request.GET.copy()
    for key in ("p", "format"):
        query.pop(key, None)
    return render(
        request,
        "cases/admin/register.html",
        {
            "form": form,
            "page": page,
            "elided_page_range": paginator.get_elided_page_range(page.number),
            "rows": [RegisterRow.from_values(v, now) for v in page.object_list],
            "filtered": bool(filters),
            "full_register": has_register_access(user),
            "query": query.urlencode(),
        },
    )


@require_admin_access
@require_GET
def logbook_export(request, kind, pk):
    spec = registered_kinds().get(kind)
    if spec is None:
        raise Http404
    case = get_visible_or_404(request.user, spec.model, pk=pk)
    events = case.events.select_related("actor").order_by("at", "pk")
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
    return csv_response([header, *body], filename=f"logboek-{case.number}.csv")
