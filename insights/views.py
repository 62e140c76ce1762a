"""The core-group meetings in the admin (C11): the list, planning one, the
meeting's page where what was discussed and concluded is recorded, its agenda
and minutes as PDF and its agenda as XLSX.

Every view answers 404 to whoever may not read the meetings, like a page that
does not exist; what a meeting shows of each case follows the case's own scoping
(``insights.selectors.agenda_for``)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from portal.downloads import as_download, xlsx_response
from portal.formatting import format_date

from . import services
from .forms import MeetingPlanForm, MeetingTextsForm
from .pdf import meeting_pdf_bytes
from .permissions import can_keep_meetings, can_view_meetings
from .selectors import agenda_for, meetings_visible_to


def _readable(request):
    if not can_view_meetings(request.user):
        raise Http404


def _meeting_or_404(request, pk):
    _readable(request)
    meeting = meetings_visible_to(request.user).filter(pk=pk).first()
    if meeting is None:
        raise Http404
    return meeting


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def meeting_list(request):
    _readable(request)
    meetings = (
        meetings_visible_to(request.user)
        .prefetch_related("attendees")
        .order_by("-held_on", "-pk")
    )
    return render(
        request,
        "insights/admin/meeting_list.html",
        {"meetings": meetings, "can_keep": can_keep_meetings(request.user)},
    )


def meeting_new(request):
    _readable(request)
    if not can_keep_meetings(request.user):
        raise Http404
    if request.method == "POST":
        form = MeetingPlanForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                meeting = services.meeting_plan(
                    by=request.user,
                    held_on=data["held_on"],
                    period_start=data["period_start"],
                    location=data["location"],
                    attendees=data["attendees"],
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, exc)
            else:
                count = meeting.items.count()
                messages.success(
                    request,
                    ngettext(
                        "De bijeenkomst is gepland; %(n)s zaak staat op de agenda.",
                        "De bijeenkomst is gepland; %(n)s zaken staan op de agenda.",
                        count,
                    )
                    % {"n": count},
                )
                return redirect("insights_admin:meeting", meeting.pk)
    else:
        form = MeetingPlanForm(
            initial={
                "held_on": timezone.localdate(),
                "attendees": [request.user.pk],
            }
        )
    return render(request, "insights/admin/meeting_new.html", {"form": form})


def _posted_items(request, meeting) -> dict[int, tuple[bool, str]]:
    posted = {}
    for item in meeting.items.all():
        key = f"item-{item.pk}"
        if f"{key}-present" not in request.POST:
            continue  # not shown to this user: left as it is
        posted[item.pk] = (
            request.POST.get(f"{key}-discussed") == "on",
            request.POST.get(f"{key}-conclusion", "")[:4000],
        )
    return posted


def meeting_detail(request, pk):
    meeting = _meeting_or_404(request, pk)
    can_keep = can_keep_meetings(request.user) and meeting.minutes_fixed_at is None
    if request.method == "POST":
        if not can_keep:
            raise Http404
        form = MeetingTextsForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.meeting_record(
                    meeting=meeting,
                    by=request.user,
                    items=_posted_items(request, meeting),
                    satisfaction_notes=data["satisfaction_notes"],
                    decisions=data["decisions"],
                    location=data["location"],
                    attendees=data["attendees"],
                )
            except ValidationError as exc:
                messages.error(request, _error_text(exc))
            else:
                messages.success(request, _("De bespreking is opgeslagen."))
                return redirect("insights_admin:meeting", meeting.pk)
        else:
            messages.error(
                request, _("Niet opgeslagen: verbeter de gemarkeerde velden.")
            )
    else:
        form = MeetingTextsForm(
            initial={
                "location": meeting.location,
                "attendees": list(meeting.attendees.values_list("pk", flat=True)),
                "satisfaction_notes": meeting.satisfaction_notes,
                "decisions": meeting.decisions,
            }
        )
    groups = agenda_for(request.user, meeting)
    posted = request.POST if request.method == "POST" else None
    if posted is not None:
        # A refused save keeps what was typed on the page.
        for group in groups:
            for row in group.items:
                key = f"item-{row.item.pk}"
                if f"{key}-present" in posted:
                    row.item.discussed = posted.get(f"{key}-discussed") == "on"
                    row.item.conclusion = posted.get(f"{key}-conclusion", "")
    return render(
        request,
        "insights/admin/meeting_detail.html",
        {
            "meeting": meeting,
            "groups": groups,
            "form": form,
            "can_keep": can_keep,
            "can_fix": can_keep and meeting.held_on <= timezone.localdate(),
            "attendees": list(meeting.attendees.all()),
        },
    )


@require_POST
def meeting_action(request, pk, action):
    meeting = _meeting_or_404(request, pk)
    if not can_keep_meetings(request.user) or action not in (
        "aanvullen",
        "vaststellen",
    ):
        raise Http404
    try:
        if action == "aanvullen":
            added = services.meeting_recompile(meeting=meeting, by=request.user)
            messages.success(
                request,
                ngettext(
                    "%(n)s zaak aan de agenda toegevoegd.",
                    "%(n)s zaken aan de agenda toegevoegd.",
                    added,
                )
                % {"n": added}
                if added
                else _("De agenda was al volledig; er is niets toegevoegd."),
            )
        elif request.POST.get("confirm") != "on":
            messages.error(
                request,
                _(
                    "Vink aan dat u begrijpt dat de notulen daarna niet meer "
                    "kunnen worden gewijzigd, en stel ze opnieuw vast."
                ),
            )
        else:
            services.meeting_fix_minutes(meeting=meeting, by=request.user)
            messages.success(
                request,
                _("De notulen zijn vastgesteld; de bijeenkomst is nu alleen-lezen."),
            )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect("insights_admin:meeting", meeting.pk)


def meeting_pdf(request, pk, minutes: bool):
    meeting = _meeting_or_404(request, pk)
    data = meeting_pdf_bytes(meeting, user=request.user, minutes=minutes)
    word = _("notulen") if minutes else _("agenda")
    name = f"kerngroep-{meeting.held_on:%Y-%m-%d}-{word}.pdf"
    return as_download(HttpResponse(data, content_type="application/pdf"), name)


def meeting_xlsx(request, pk):
    meeting = _meeting_or_404(request, pk)
    header = [
        _("Soort"),
        _("Op de agenda als"),
        _("Nummer"),
        _("Klant"),
        _("Ontvangen"),
        _("Afgesloten"),
        _("Status"),
        _("Samenvatting"),
        _("Genomen maatregelen"),
        _("Geleerde lessen"),
        _("Besproken"),
        _("Conclusie"),
    ]
    table = [header]
    for group in agenda_for(request.user, meeting):
        for row in group.items:
            table.append(
                [
                    str(group.kind.title),
                    group.section_label,
                    row.number,
                    row.client,
                    timezone.localtime(row.received).date() if row.received else None,
                    timezone.localtime(row.closed).date() if row.closed else None,
                    row.state_label,
                    row.anonymised_summary or row.summary,
                    row.measures,
                    row.lessons,
                    _("ja") if row.item.discussed else _("nee"),
                    row.item.conclusion,
                ]
            )
    return xlsx_response(
        table,
        filename=f"kerngroep-{meeting.held_on:%Y-%m-%d}.xlsx",
        title=_("Agenda %(day)s") % {"day": format_date(meeting.held_on, year=True)},
    )
