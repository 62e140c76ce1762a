"""The case page pattern shared by complaints and mediations: the steps valid now
for this user, each with its own form; a refused step keeps what was typed and
shows the rule's Dutch message."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from wagtail.admin import messages

from .. import kinds
from ..transitions import allowed_actions, step_label, steps_not_yet
from .errors import add_service_errors


@dataclass
class StepView:
    form: Callable | None  # (data, case) -> Form
    run: Callable  # (case, user, cleaned_data) -> None
    # (case, cleaned_data) -> the success message naming what happened; by
    # default the logbook's name of the step ("Behandelaar aangewezen.").
    done: Callable | None = None


def _done_message(case, step, view: StepView, cleaned_data) -> str:
    if view.done is not None:
        return view.done(case, cleaned_data)
    label = kinds.kind_of(case).event_labels.get(step.action)
    if label:
        return _("%(what)s: %(number)s.") % {"what": label, "number": case.number}
    return _("\u201c%(label)s\u201d is vastgelegd bij %(number)s.") % {
        "label": step.label,
        "number": case.number,
    }


def _refused_banner(request, step) -> None:
    """The page reloads with the form open at its step; this banner at the top
    says so and leads there, so a refusal far down the page is not missed."""
    messages.error(
        request,
        _(
            "De stap \u201c%(label)s\u201d is niet gezet. Bij de stap staat wat er "
            "moet gebeuren; wat u invulde, staat er nog."
        )
        % {"label": step.label},
        buttons=[messages.button(f"#stap-{step.action}", _("Naar de stap"))],
    )


def _stale_step_message(request, case, table, action: str) -> str:
    """A step posted from a page that is out of date (another user moved the case
    on, or an earlier step is still missing): say which step, why when known,
    and give back what the user typed so it is not lost."""
    reason = next(
        (r for t, r in steps_not_yet(table, case, request.user) if t.action == action),
        _("de zaak is intussen gewijzigd, of u mag deze stap niet zetten"),
    )
    message = _("De stap \u201c%(label)s\u201d is niet gezet: %(reason)s") % {
        "label": step_label(table, action),
        "reason": str(reason).rstrip("."),
    }
    typed = [
        value.strip()
        for key, value in request.POST.items()
        if key not in ("csrfmiddlewaretoken", "action") and len(value.strip()) > 3
    ]
    if typed:
        message += ". " + _("Wat u invulde: \u201c%(typed)s\u201d.") % {
            "typed": " / ".join(typed)
        }
    else:
        message += "."
    return message


def confirm_refusal(request, step) -> str:
    """Issue 16: a step that cannot be undone (``step.confirm``) is taken only
    with the tick "Ik begrijp dat …" of its form; "" when ticked or not asked."""
    if not getattr(step, "confirm", "") or request.POST.get("confirmed"):
        return ""
    return _(
        "Vink eerst aan dat u begrijpt dat %(what)s; zonder dat vinkje wordt de "
        "stap niet gezet."
    ) % {"what": step.confirm}


def handle_steps(request, case, table, step_views: dict[str, StepView], url_name):
    """Returns (steps, forms_by_action, response_or_None)."""
    steps = allowed_actions(table, case, request.user)
    posted = request.POST.get("action") if request.method == "POST" else None
    forms_by_action = {}
    for step in steps:
        view = step_views.get(step.action)
        data = request.POST if posted == step.action else None
        if view is not None and view.form is not None:
            forms_by_action[step.action] = view.form(data, case)
        elif view is not None and step.confirm:
            # A step without fields still needs a form to carry its confirmation
            # and the error when the tick is missing.
            forms_by_action[step.action] = forms.Form(data)
    if posted is None:
        return steps, forms_by_action, None
    if posted not in {s.action for s in steps}:
        messages.error(request, _stale_step_message(request, case, table, posted))
        return steps, forms_by_action, redirect(url_name, pk=case.pk)
    form = forms_by_action.get(posted)
    step = next(s for s in steps if s.action == posted)
    try:
        if form is not None:
            valid = form.is_valid()
            unconfirmed = confirm_refusal(request, step)
            if unconfirmed:
                form.add_error(None, unconfirmed)
            if not valid or unconfirmed:
                _refused_banner(request, step)
                return steps, forms_by_action, None
            step_views[posted].run(case, request.user, form.cleaned_data)
        else:
            step_views[posted].run(case, request.user, {})
    except (ValidationError, PermissionDenied) as exc:
        if form is not None:
            add_service_errors(form, exc)
            _refused_banner(request, step)
            return steps, forms_by_action, None
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return steps, forms_by_action, redirect(url_name, pk=case.pk)
    cleaned = form.cleaned_data if form is not None else {}
    case.refresh_from_db()
    messages.success(request, _done_message(case, step, step_views[posted], cleaned))
    return steps, forms_by_action, redirect(url_name, pk=case.pk)


def not_yet(table, case, user) -> list[tuple]:
    """(step, reason) for the steps that wait for an earlier one (case page)."""
    return steps_not_yet(table, case, user)


def step_forms(steps, forms_by_action) -> list[tuple]:
    """(step, its form or None) pairs for the case page."""
    return [(s, forms_by_action.get(s.action)) for s in steps]
