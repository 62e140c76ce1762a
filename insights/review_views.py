"""The annual management review in the admin (C11): a page per year with the
figures generated from the register, the charts beside their tables,
management's reflection and decisions, approval (which freezes it) and its PDF
and spreadsheet. Whoever may not read the reviews gets a 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.downloads import as_download, xlsx_tables_response

from . import charts, services
from .figures import annual_figures, figure_tables, format_cell
from .forms import ReviewForm
from .models import ManagementReview
from .pdf import render_pdf
from .permissions import can_edit_review, can_view_reviews
from .selectors import review_years

# The tables shown beside a chart (the rest follow under "Alle cijfers").
CHARTED = ("Ontvangen per", "Tijdigheid", "Ontwikkeling")
# The first year a review can be opened for: no earlier than the register.
EARLIEST_YEAR = 2000


def _readable(request):
    if not can_view_reviews(request.user):
        raise Http404


def _year_or_404(year: int) -> int:
    if not EARLIEST_YEAR <= year <= timezone.localdate().year:
        raise Http404
    return year


def figures_of(review: ManagementReview) -> dict:
    """The frozen figures of an approved review; the register as it is now for
    a draft."""
    return review.frozen_figures or annual_figures(review.year)


def _shown_tables(figures: dict) -> list[dict]:
    shown = []
    for table in figure_tables(figures):
        rows = [
            [format_cell(v, f) for v, f in zip(row, table["formats"], strict=False)]
            for row in table["rows"]
        ]
        numeric = [f != "text" for f in table["formats"]]
        shown.append({**table, "shown_rows": rows, "numeric": numeric})
    return shown


def _context(review: ManagementReview, figures: dict) -> dict:
    tables = _shown_tables(figures)
    return {
        "review": review,
        "figures": figures,
        # Each chart with its table, the text alternative beside it; the pages
        # draw it as an image (``charts.as_image``), the PDF inline.
        "charts": [
            {"svg": svg, "img": charts.as_image(svg), "table": _table_named(tables, t)}
            for svg, t in (
                (charts.bars_per_month(figures), "Ontvangen per"),
                (charts.timeliness(figures), "Tijdigheid"),
                (charts.trend(figures), "Ontwikkeling"),
            )
        ],
        "other_tables": [t for t in tables if not t["title"].startswith(CHARTED)],
        "tables": tables,
        "headline": figures["cases"],
    }


def _table_named(tables, start: str):
    return next((t for t in tables if t["title"].startswith(start)), None)


def render_review_pdf(review: ManagementReview, figures: dict | None = None) -> bytes:
    figures = figures or figures_of(review)
    return render_pdf("insights/pdf/review.html", _context(review, figures))


def review_list(request):
    _readable(request)
    this_year = timezone.localdate().year
    existing = {r.year: r for r in ManagementReview.objects.all()}
    years = sorted(set(review_years(this_year)) | set(existing), reverse=True)
    rows = [(y, existing.get(y)) for y in years]
    return render(request, "insights/admin/review_list.html", {"rows": rows})


def review_detail(request, year: int):
    _readable(request)
    year = _year_or_404(year)
    review = ManagementReview.objects.filter(year=year).first() or ManagementReview(
        year=year
    )
    can_edit = can_edit_review(request.user) and not review.approved
    form = None
    if request.method == "POST":
        if not can_edit:
            raise Http404
        form = ReviewForm(request.POST)
        if form.is_valid():
            try:
                services.review_write(
                    review=services.review_for_year(year),
                    by=request.user,
                    reflection=form.cleaned_data["reflection"],
                    decisions=form.cleaned_data["decisions"],
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(
                    request, _("De reflectie en besluiten zijn opgeslagen.")
                )
                return redirect("insights_admin:review", year)
    elif can_edit:
        form = ReviewForm(
            initial={"reflection": review.reflection, "decisions": review.decisions}
        )
    context = _context(review, figures_of(review))
    context.update(
        {
            "form": form,
            "can_edit": can_edit,
            "can_approve": can_edit and timezone.localdate().year > year,
        }
    )
    return render(request, "insights/admin/review_detail.html", context)


@require_POST
def review_approve(request, year: int):
    _readable(request)
    year = _year_or_404(year)
    if not can_edit_review(request.user):
        raise Http404
    if request.POST.get("confirm") != "on":
        messages.error(
            request,
            _(
                "Vink aan dat u begrijpt dat de directiebeoordeling na goedkeuren "
                "niet meer verandert, en keur haar opnieuw goed."
            ),
        )
        return redirect("insights_admin:review", year)
    try:
        services.review_approve(
            review=services.review_for_year(year),
            by=request.user,
            render_pdf=lambda review: render_review_pdf(review, review.frozen_figures),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("De directiebeoordeling %(year)s is goedgekeurd en vastgesteld.")
            % {"year": year},
        )
    return redirect("insights_admin:review", year)


def review_pdf(request, year: int):
    _readable(request)
    year = _year_or_404(year)
    review = ManagementReview.objects.filter(year=year).first()
    name = f"directiebeoordeling-{year}.pdf"
    if review is not None and review.approved and review.pdf:
        response = FileResponse(review.pdf.open("rb"), content_type="application/pdf")
        return as_download(response, name)
    data = render_review_pdf(review or ManagementReview(year=year))
    name = f"directiebeoordeling-{year}-concept.pdf"
    return as_download(HttpResponse(data, content_type="application/pdf"), name)


def review_xlsx(request, year: int):
    _readable(request)
    year = _year_or_404(year)
    review = ManagementReview.objects.filter(year=year).first() or ManagementReview(
        year=year
    )
    tables = figure_tables(figures_of(review))
    return xlsx_tables_response(
        [(t["title"], [t["columns"], *t["rows"]]) for t in tables],
        filename=f"directiebeoordeling-{year}.xlsx",
    )
