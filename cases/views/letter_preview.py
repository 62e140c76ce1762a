"""The preview of a letter before it leaves (C3, C7, A3/A4, A6, A8, E2, E6).

A letter step on a case page (the acknowledgement, the outcome, the notaries'
proposal...) opens this page instead of mailing at once: the recipient, the
PDF exactly as it will be sent (composed by the same `letter_compose` that
`letter_send` uses), the text the sender may adjust for this case, and an
explicit "Versturen". Nothing is mailed or filed before that; what the sender
typed is kept as a draft (`LetterDraft`) until the letter is sent, so a reload
or a refused send loses nothing.

Who may open it: exactly those who may take the letter's step now
(`allowed_actions`); a case the user may not see answers 404 as its case page
does, a step the user may never take 403, a step that is not possible now
sends the user back to the case page with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods
from django.views.defaults import permission_denied
from wagtail.admin.auth import require_admin_access

from .. import kinds
from ..letters import case_client, render_pdf
from ..letters.values import notary_list
from ..models import LetterTemplate
from ..selectors import eligible_notaries, get_visible_or_404
from ..services import (
    appeal_acknowledge,
    appeal_send_inadmissibility,
    appeal_send_outcome,
    complaint_acknowledge,
    complaint_send_outcome,
    mediation_inform_claimant,
    mediation_propose,
)
from ..services.letters import letter_compose, letter_draft_fields, letter_draft_save
from ..services.mediations import mediation_proposal_refusal, mediation_steps_to_inform
from ..transitions import allowed_actions, find, step_label, steps_not_yet
from .downloads import as_download
from .errors import add_service_errors
from .steps import confirm_refusal

Kind = LetterTemplate.Kind

NOTE = "aanvulling"
OUTCOME = "uitkomst"


# -- the letter steps ----------------------------------------------------------------


@dataclass(frozen=True)
class LetterStep:
    """A step of a case's life cycle that sends a letter."""

    letter: str  # LetterTemplate.Kind
    name: str  # how the page and its messages name the letter
    # (case, user, context, carried) -> None: take the step, sending the letter.
    send: Callable
    fields: tuple[str, ...] = (NOTE,)  # the placeholders the sender may adjust
    # What the case page's form chose and the preview carries along to the send
    # ("notaries" for E2, "how" for E6).
    carries: tuple[str, ...] = ()
    # (case, carried) -> placeholder values the step itself fills in when it is
    # taken (the chosen notaries, the steps to inform of), for the preview.
    preview_values: Callable | None = field(default=None, compare=False)


def _proposal_values(case, carried) -> dict:
    return {"notarissen": notary_list(carried.get("notaries") or [])}


def _step_values(case, carried) -> dict:
    steps = mediation_steps_to_inform(case)
    return {"stap": "; ".join(steps) or case.get_state_display()}


LETTER_STEPS: dict[str, dict[str, LetterStep]] = {
    "complaint": {
        "acknowledge": LetterStep(
            Kind.COMPLAINT_ACK,
            gettext_lazy("Ontvangstbevestiging"),
            lambda c, u, ctx, car: complaint_acknowledge(
                complaint=c, by=u, context=ctx
            ),
        ),
        "send_outcome_letter": LetterStep(
            Kind.COMPLAINT_OUTCOME,
            gettext_lazy("Brief met de uitkomst van de klacht"),
            lambda c, u, ctx, car: complaint_send_outcome(
                complaint=c, by=u, context=ctx
            ),
            fields=(OUTCOME, NOTE),
        ),
    },
    "appeal": {
        "acknowledge": LetterStep(
            Kind.APPEAL_ACK,
            gettext_lazy("Ontvangstbevestiging van het beroep"),
            lambda c, u, ctx, car: appeal_acknowledge(appeal=c, by=u, context=ctx),
        ),
        "send_outcome": LetterStep(
            Kind.APPEAL_OUTCOME,
            gettext_lazy("Brief met de uitkomst van het beroep"),
            lambda c, u, ctx, car: appeal_send_outcome(appeal=c, by=u, context=ctx),
        ),
        "send_inadmissibility": LetterStep(
            Kind.APPEAL_INADMISSIBLE,
            gettext_lazy("Brief over de niet-ontvankelijkheid"),
            lambda c, u, ctx, car: appeal_send_inadmissibility(
                appeal=c, by=u, context=ctx
            ),
        ),
    },
    "mediation": {
        "propose": LetterStep(
            Kind.MEDIATION_PROPOSAL,
            gettext_lazy("Voorstel van drie notarissen"),
            lambda c, u, ctx, car: mediation_propose(
                mediation=c, notaries=car["notaries"], by=u, context=ctx
            ),
            carries=("notaries",),
            preview_values=_proposal_values,
        ),
        "inform_claimant": LetterStep(
            Kind.MEDIATION_STEP,
            gettext_lazy("Stapbericht aan de eiser"),
            lambda c, u, ctx, car: mediation_inform_claimant(
                mediation=c, by=u, how=car.get("how", ""), send_letter=True, context=ctx
            ),
            carries=("how",),
            preview_values=_step_values,
        ),
    },
}

# The case page's URL prefix of each kind (cases.urls).
_PREFIXES = {"complaint": "klachten", "appeal": "beroepen", "mediation": "mediations"}


def urlpatterns() -> list:
    """The preview and its PDF for each kind, for ``cases.urls``."""
    patterns = []
    for key, prefix in _PREFIXES.items():
        patterns += [
            path(
                f"{prefix}/<int:pk>/brief/<str:action>/",
                letter_preview,
                {"kind": key},
                name=f"{key}_letter",
            ),
            path(
                f"{prefix}/<int:pk>/brief/<str:action>/brief.pdf",
                letter_preview_pdf,
                {"kind": key},
                name=f"{key}_letter_pdf",
            ),
        ]
    return patterns


def letter_step(case, action: str) -> LetterStep | None:
    return LETTER_STEPS.get(kinds.kind_of(case).key, {}).get(action)


def letter_preview_url(case, action: str, data=None, *, pdf: bool = False) -> str:
    """The preview of the ``action`` letter about ``case``; ``data`` (a QueryDict
    or dict) gives what the case page's form chose, which the preview carries."""
    key = kinds.kind_of(case).key
    url = reverse(
        f"cases_admin:{key}_letter{'_pdf' if pdf else ''}", args=[case.pk, action]
    )
    step = LETTER_STEPS[key][action]
    query = []
    for name in step.carries:
        values = (
            data.getlist(name)
            if hasattr(data, "getlist")
            else (data or {}).get(name, [])
        )
        if isinstance(values, str):
            values = [values]
        query += [(name, str(v)) for v in values if str(v).strip()]
    return f"{url}?{urlencode(query)}" if query else url


def letter_step_urls(case, steps) -> dict[str, str]:
    """{action: preview URL} for the letter steps among ``steps`` (the case
    page's buttons open the preview instead of posting). The E6 step message
    is a choice within its form, so it is not among them."""
    return {
        s.action: letter_preview_url(case, s.action)
        for s in steps
        if letter_step(case, s.action) is not None and s.action != "inform_claimant"
    }


def posted_letter_redirect(request, case):
    """A letter step posted to the case page (an old page, a script) does not
    send: it opens the preview, with what its form chose. None for any other
    step, and for the E6 step without its letter."""
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if letter_step(case, action) is None:
        return None
    if action == "inform_claimant" and not request.POST.get("send_letter"):
        return None
    return redirect(letter_preview_url(case, action, request.POST))


# -- access -------------------------------------------------------------------------


def _case_and_step(request, kind: str, pk: int, action: str):
    """(case, step, why_not): 404 when the user may not see the case or there is
    no such letter; 403 when the user may never take the step; ``why_not`` says
    why a step the user may take is not possible now ("" when it is)."""
    entry = kinds.by_key(kind)
    case = get_visible_or_404(request.user, entry.model, pk=pk)
    step = LETTER_STEPS[kind].get(action)
    if step is None:
        raise Http404
    table = entry.transitions
    if action in {t.action for t in allowed_actions(table, case, request.user)}:
        return case, step, ""
    if not any(t.action == action and t.may(request.user, case) for t in table):
        raise _Forbidden
    reason = next(
        (r for t, r in steps_not_yet(table, case, request.user) if t.action == action),
        _("de stap is al gezet, of de zaak is intussen gewijzigd"),
    )
    return (
        case,
        step,
        _(
            "De brief bij de stap \u201c%(label)s\u201d kan nu niet worden verstuurd: "
            "%(reason)s."
        )
        % {"label": step_label(table, action), "reason": str(reason).rstrip(".")},
    )


class _Forbidden(Exception):
    """The user may see the case but may never take this letter's step."""


def _forbidden(view):
    """403 (not the admin's redirect to the dashboard, which a refused
    PermissionDenied becomes under `require_admin_access`)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _Forbidden:
            response = permission_denied(request, PermissionDenied())
            add_never_cache_headers(response)
            return response

    return wrapped


def _case_page(case):
    return redirect(kinds.kind_of(case).route, pk=case.pk)


# -- what the sender adjusts, and what the case page chose ------------------------


class LetterFieldsForm(forms.Form):
    uitkomst = forms.CharField(
        label=gettext_lazy("Uitkomst voor de klant (staat in de brief)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy(
            "Deze tekst gaat naar de klant: wat de uitkomst is en hoe de klacht is "
            "behandeld. Hij is vooraf ingevuld met de vastgelegde gekozen "
            "oplossing; die blijft intern in het register staan en verandert hier "
            "niet. Pas de tekst aan zoals de klant hem mag lezen."
        ),
    )
    aanvulling = forms.CharField(
        label=gettext_lazy("Eigen alinea (staat in de brief, vóór de groet)"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Een persoonlijke noot voor deze klant. Laat het veld leeg als u niets "
            "wilt toevoegen."
        ),
    )

    def __init__(self, *args, step: LetterStep, **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in step.fields:
                del self.fields[name]


def _initial(case, step: LetterStep) -> dict:
    values = {NOTE: ""}
    if OUTCOME in step.fields:
        values[OUTCOME] = case.solution
    draft = letter_draft_fields(case, step.letter) or {}
    values.update({k: v for k, v in draft.items() if k in step.fields})
    return {k: v for k, v in values.items() if k in step.fields}


def _carried(data, case, step: LetterStep) -> tuple[dict, str]:
    """What the case page's form chose ({"notaries": [...]} or {"how": ...}) and
    why it cannot be sent ("" when it can)."""
    carried = {}
    if "notaries" in step.carries:
        from .. import forms as cf

        if not [v for v in data.getlist("notaries") if v.strip()]:
            return {"notaries": []}, _(
                "Er zijn nog geen notarissen gekozen. Kies op de zaakpagina drie "
                "notarissen; daarna ziet u hier de brief met het voorstel."
            )
        form = cf.ProposeForm(
            {"notaries": data.getlist("notaries")}, candidates=eligible_notaries(case)
        )
        if not form.is_valid():
            problem = " ".join(e for errors in form.errors.values() for e in errors)
            return {"notaries": []}, problem
        chosen = list(form.cleaned_data["notaries"])
        carried["notaries"] = chosen
        refusal = mediation_proposal_refusal(case, chosen)
        if refusal:
            return carried, refusal
    if "how" in step.carries:
        carried["how"] = data.get("how", "")[:2000]
    return carried, ""


def _compose(request, case, step: LetterStep, fields: dict, carried: dict):
    extra = step.preview_values(case, carried) if step.preview_values else {}
    return letter_compose(
        case=case, kind=step.letter, by=request.user, context={**fields, **extra}
    )


# -- the views ----------------------------------------------------------------------


@require_admin_access
@require_http_methods(["GET", "POST"])
@_forbidden
def letter_preview(request, pk, action, kind):
    case, step, why_not = _case_and_step(request, kind, pk, action)
    if why_not:
        messages.error(request, why_not)
        return _case_page(case)
    data = request.POST if request.method == "POST" else request.GET
    carried, carry_problem = _carried(data, case, step)
    if request.method == "POST":
        form = LetterFieldsForm(request.POST, step=step)
        if form.is_valid():
            fields = form.cleaned_data
            letter_draft_save(
                case=case, kind=step.letter, by=request.user, fields=fields
            )
            if request.POST.get("submit") != "send":
                messages.success(
                    request,
                    _("Het voorbeeld is bijgewerkt. Er is nog niets verstuurd."),
                )
                return redirect(letter_preview_url(case, action, request.POST))
            unconfirmed = confirm_refusal(request, _row(case, action))
            if unconfirmed:
                form.add_error(None, unconfirmed)
            elif not carry_problem:
                try:
                    step.send(case, request.user, dict(fields), carried)
                except (ValidationError, PermissionDenied) as exc:
                    add_service_errors(form, exc)
                else:
                    return _sent(request, case, step)
    else:
        form = LetterFieldsForm(initial=_initial(case, step), step=step)
    return _render(request, case, step, action, form, carried, carry_problem)


def _row(case, action: str):
    """The transition the letter belongs to, in the case's state now."""
    return find(kinds.kind_of(case).transitions, case.state, action)


def _sent(request, case, step: LetterStep):
    client = case_client(case)
    messages.success(
        request,
        _("%(what)s verstuurd aan %(client)s (%(email)s) en bewaard bij %(n)s.")
        % {
            "what": step.name,
            "client": client.name,
            "email": client.contact_email,
            "n": case.number,
        },
    )
    return _case_page(case)


def _render(request, case, step, action, form, carried, carry_problem):
    fields = form.cleaned_data if form.is_bound and form.is_valid() else form.initial
    letter = None
    problem = carry_problem
    if not problem:
        try:
            letter = _compose(request, case, step, fields, carried)[0]
        except ValidationError as exc:
            problem = " ".join(exc.messages)
    client = case_client(case)
    response = render(
        request,
        "cases/admin/letter_preview.html",
        {
            "case": case,
            "step": step,
            "step_label": step_label(kinds.kind_of(case).transitions, action),
            # A letter that cannot be undone (the appeal's outcome) asks for the
            # same tick as the step would on the case page.
            "confirm": getattr(_row(case, action), "confirm", ""),
            "confirmed": request.method == "POST" and request.POST.get("confirmed"),
            "client": client,
            "form": form,
            "letter": letter,
            "problem": problem,
            "carried": carried,
            "notaries": carried.get("notaries", []),
            "how": carried.get("how", ""),
            "pdf_url": letter_preview_url(
                case, action, request.GET or request.POST, pdf=True
            ),
            "case_url": reverse(kinds.kind_of(case).route, args=[case.pk]),
        },
        status=400 if (form.errors or (request.method == "POST" and problem)) else 200,
    )
    add_never_cache_headers(response)
    return response


@require_admin_access
@require_GET
@xframe_options_sameorigin
@_forbidden
def letter_preview_pdf(request, pk, action, kind):
    """The letter as it will be sent, with the sender's draft, shown inline in
    the preview (same-origin frame); never cached."""
    case, step, why_not = _case_and_step(request, kind, pk, action)
    if why_not:
        raise _Forbidden
    carried, problem = _carried(request.GET, case, step)
    if not problem:
        try:
            letter, paragraphs = _compose(
                request, case, step, _initial(case, step), carried
            )
        except ValidationError as exc:
            problem = " ".join(exc.messages)
    if problem:
        response = HttpResponse(problem, content_type="text/plain; charset=utf-8")
        response.status_code = 400
        add_never_cache_headers(response)
        return response
    response = HttpResponse(render_pdf(letter, paragraphs), "application/pdf")
    return as_download(response, f"{case.number} voorbeeld.pdf", inline=True)
