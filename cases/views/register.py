"""The case register (Casusregister) in the admin: one listing of signals,
complaints, appeals and mediations with filters, sortable columns, saved filter
links, its CSV and XLSX export, and the logbook export of one case.

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
from django.http import QueryDict
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
from ..selectors import visible_to
from ..selectors_agenda import discussed_on
from .logbook import logbook_download, visible_case
from .register_exports import TEXT_FIELDS, csv_response, export_rows, xlsx_response
from .register_rows import (
    PER_PAGE,
    RegisterRow,
    parse_sort,
    register_rows,
    registered_kinds,
)

# -- filters -----------------------------------------------------------------


def _status_choices(kind: str) -> list:
    # Each status names its kind ("Klacht — afgesloten"): a closed list shows
    # only the chosen option, and "afgesloten" alone would be three statuses.
    def states(spec):
        return [
            (f"{spec.key}:{v}", f"{spec.title} \u2014 {label}")
            for v, label in spec.model.State.choices
        ]

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
    stage = forms.ChoiceField(
        label=gettext_lazy("Stand"),
        required=False,
        choices=[
            ("", gettext_lazy("Lopend en afgesloten")),
            ("open", gettext_lazy("Lopend")),
            ("closed", gettext_lazy("Afgesloten")),
        ],
    )
    closed_year = forms.IntegerField(
        label=gettext_lazy("Jaar van afsluiting"),
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


# The sortable columns, in the table's order: (sort key, header).
SORT_COLUMNS = (
    ("nummer", gettext_lazy("Nummer")),
    ("soort", gettext_lazy("Soort")),
    ("klant", gettext_lazy("Klant")),
    ("ontvangen", gettext_lazy("Ontvangen")),
    ("status", gettext_lazy("Status")),
    ("afgesloten", gettext_lazy("Afgesloten op")),
    ("doorlooptijd", gettext_lazy("Doorlooptijd")),
)


def _query(params: QueryDict, **changes) -> str:
    """``params`` without the page and export, with ``changes`` (None removes)."""
    query = params.copy()
    for key in ("p", "format"):
        query.pop(key, None)
    for key, value in changes.items():
        query.pop(key, None)
        if value is not None:
            query[key] = value
    return query.urlencode()


def sort_headers(params: QueryDict, sort) -> list[dict]:
    """Each sortable column's header link: ascending first, then the reverse; the
    current one says which way it sorts (for eyes and for screen readers)."""
    headers = []
    for key, label in SORT_COLUMNS:
        current = sort is not None and sort[0] == key
        descending = current and sort[1]
        target = key if not current or descending else f"-{key}"
        headers.append(
            {
                "key": key,
                "label": label,
                "url": "?" + _query(params, sort=target),
                "aria": (
                    ("descending" if descending else "ascending") if current else ""
                ),
                "indicator": ("\u25bc" if descending else "\u25b2") if current else "",
            }
        )
    return headers


def saved_filters() -> list[dict]:
    """Ready-made selections, as links (no model: a link is the saved filter):
    the open cases of each kind, the expired deadlines, the cases closed this
    year."""
    links = [
        {
            "label": _("Open %(kinds)s") % {"kinds": spec.plural},
            "query": {"kind": spec.key, "stage": "open"},
        }
        for spec in registered_kinds().values()
    ]
    links.append(
        {"label": _("Verlopen termijnen"), "query": {"overdue": "on"}},
    )
    links.append(
        {
            "label": _("Afgesloten dit jaar"),
            "query": {
                "stage": "closed",
                "closed_year": str(timezone.localdate().year),
                "sort": "-afgesloten",
            },
        }
    )
    for link in links:
        query = QueryDict(mutable=True)
        query.update(link["query"])
        link["url"] = "?" + query.urlencode()
    return links


@require_admin_access
@require_GET
def register_list(request):
    user = request.user
    form = RegisterFilterForm(request.GET, user=user)
    filters = form.filters()
    sort = parse_sort(request.GET.get("sort"))
    now = timezone.now()
    rows = register_rows(user, filters, now=now, sort=sort)
    export = request.GET.get("format")
    if export == "csv":
        return csv_response(export_rows(rows.export(), now))
    if export == "xlsx":
        return xlsx_response(
            export_rows(rows.export(texts=TEXT_FIELDS), now, texts=True)
        )

    paginator = RegisterPaginator(rows, PER_PAGE)
    page = paginator.get_page(request.GET.get("p"))
    # An unknown sort key is dropped from every link (it was ignored).
    params = request.GET.copy()
    if sort is None:
        params.pop("sort", None)
    query = _query(params)
    rows = [RegisterRow.from_values(v, now) for v in page.object_list]
    _mark_discussed(user, rows)
    return render(
        request,
        "cases/admin/register.html",
        {
            "form": form,
            "page": page,
            "elided_page_range": paginator.get_elided_page_range(page.number),
            "rows": rows,
            "filtered": bool(filters),
            "sorted": sort is not None,
            "full_register": has_register_access(user),
            "query": query,
            "headers": sort_headers(params, sort),
            "saved_filters": saved_filters(),
            "selection_url": request.build_absolute_uri(
                request.path + (f"?{query}" if query else "")
            ),
        },
    )


@require_admin_access
@require_GET
def logbook_export(request, kind, pk):
    """One case's logbook as CSV (the link of earlier exports; the logbook page
    offers CSV and XLSX)."""
    _spec, case = visible_case(request.user, kind, pk)
    return logbook_download(case, "csv")


def _mark_discussed(user, rows) -> None:
    """C11: "besproken in de kerngroep" on the rows of the page shown (one
    question for the whole page)."""
    found = discussed_on(user, [(row.spec.key, row.pk) for row in rows])
    for row in rows:
        row.discussed = found.get((row.spec.key, row.pk))
