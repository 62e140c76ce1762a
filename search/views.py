"""The search page (/zoeken/) and the search box's suggestions (/zoeken/suggesties/).

Both need a login (the intranet middleware); what they show comes from
`search.selectors` and `search.suggestions`, scoped to the user. A missing,
damaged, outdated or locked index answers 503 with the backend's Dutch
explanation, never a 500.
"""

from __future__ import annotations

import logging

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from .backends.whoosh import SearchIndexLocked, SearchIndexUnavailable
from .forms import DATE, RELEVANCE, SearchForm, parse_query
from .scoping import kinds_by_key
from .selectors import site_search
from .suggestions import autocomplete
from .throttle import throttled

logger = logging.getLogger(__name__)

TOO_MANY = _(
    "U hebt in korte tijd erg veel zoekopdrachten gegeven. Wacht een minuut en "
    "probeer het opnieuw."
)


def _no_store(response):
    # Results can be confidential: not for shared caches or the back button.
    response["Cache-Control"] = "private, no-store"
    return response


def _link(params: dict, **changes) -> str:
    merged = {**params, **changes}
    return "?" + urlencode({k: v for k, v in merged.items() if v not in (None, "")})


def _with_links(values, params, name, **also):
    for value in values:
        value.href = _link(
            params, **{name: "" if value.selected else value.value}, **also
        )
    return values


def _too_many_page(request, wait):
    return _no_store(
        render(
            request,
            "search/throttled.html",
            {"message": TOO_MANY, "wait": wait},
            status=429,
        )
    )


def _too_many_json(request, wait):
    return _no_store(
        JsonResponse({"fout": str(TOO_MANY), "resultaten": []}, status=429)
    )


@require_GET
@throttled("page", _too_many_page)
def search(request):
    form = SearchForm(request.GET, kind_keys=kinds_by_key())
    values = form.values()
    parsed = parse_query(values["q"])
    params = {
        "q": parsed.text,
        "soort": values["kind"],
        "jaar": values["year"],
        "klant": values["client"],
        "status": values["status"],
        "sorteer": values["sort"] if values["sort"] != RELEVANCE else None,
    }
    context = {
        "search_query": parsed.text,
        "parsed": parsed,
        "params": params,
    }
    try:
        result = site_search(
            user=request.user,
            parsed=parsed,
            kind=values["kind"],
            year=values["year"],
            client=values["client"],
            status=values["status"],
            sort=values["sort"],
            page=values["page"],
            request=request,
        )
    except SearchIndexUnavailable as exc:
        logger.warning("Search index unavailable: %s", exc)
        context.update(
            message=str(exc), locked=isinstance(exc, SearchIndexLocked), result=None
        )
        return _no_store(
            render(request, "search/unavailable.html", context, status=503)
        )
    _with_links(result.kinds, params, "soort", status="")
    _with_links(result.years, params, "jaar")
    _with_links(result.clients, params, "klant")
    _with_links(result.statuses, params, "status")
    context.update(
        result=result,
        filtered=any(params[k] for k in ("soort", "jaar", "klant", "status")),
        clear_filters=_link({"q": parsed.text, "sorteer": params["sorteer"]}),
        sort_links={
            RELEVANCE: _link(params, sorteer=""),
            DATE: _link(params, sorteer=DATE),
        },
        page_links=[
            (n, _link(params, pagina=n if n > 1 else ""))
            for n in range(1, result.page_count + 1)
        ],
        previous_link=(
            _link(params, pagina=result.page - 1 if result.page > 2 else "")
            if result.page > 1
            else None
        ),
        next_link=(
            _link(params, pagina=result.page + 1)
            if result.page < result.page_count
            else None
        ),
        suggestion_link=(
            _link({"q": result.suggestion}) if result.suggestion else None
        ),
    )
    return _no_store(render(request, "search/search.html", context))


@require_GET
@throttled("suggestions", _too_many_json)
def suggestions(request):
    """JSON for the search box: ``{"resultaten": [{"soort", "titel", "url"}]}``."""
    try:
        entries = autocomplete(
            user=request.user, text=request.GET.get("q", ""), request=request
        )
    except SearchIndexUnavailable as exc:
        logger.warning("Search index unavailable: %s", exc)
        return _no_store(JsonResponse({"fout": str(exc), "resultaten": []}, status=503))
    return _no_store(JsonResponse({"resultaten": entries}))
