"""The case page pattern shared by complaints and mediations: the steps valid now
for this user, each with its own form; a refused step keeps what was typed and
shows the rule's Dutch message."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from ..transitions import allowed_actions
from .errors import add_service_errors


@dataclass
class StepView:
    form: Callable | None  # (data, case) -> Form
    run: Callable  # (case, user, cleaned_data) -> None


def handle_steps(request, case, table, step_views: dict[str, StepView], url_name):
    """Returns (steps, forms_by_action, response_or_None)."""
    steps = allowed_actions(table, case, request.user)
    posted = request.POST.get("action") if request.method == "POST" else None
    forms_by_action = {}
    for step in steps:
        view = step_views.get(step.action)
        if view is not None and view.form is not None:
            data = request.POST if posted == step.action else None
            forms_by_action[step.action] = view.form(data, case)
    if posted is None:
        return steps, forms_by_action, None
    if posted not in {s.action for s in steps}:
        messages.error(
            request,
            _(
                "Deze stap is nu niet (meer) mogelijk; de zaak is intussen gewijzigd "
                "of u mag deze stap niet zetten."
            ),
        )
        return steps, forms_by_action, redirect(url_name, pk=case.pk)
    form = forms_by_action.get(posted)
    try:
        if form is not None:
            if not form.is_valid():
                return steps, forms_by_action, None
            step_views[posted].run(case, request.user, form.cleaned_data)
        else:
            step_views[posted].run(case, request.user, {})
    except (ValidationError, PermissionDenied) as exc:
        if form is not None:
            add_service_errors(form, exc)
            return steps, forms_by_action, None
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return steps, forms_by_action, redirect(url_name, pk=case.pk)
    messages.success(request, _("Stap vastgelegd."))
    return steps, forms_by_action, redirect(url_name, pk=case.pk)


def step_forms(steps, forms_by_action) -> list[tuple]:
    """(step, its form or None) pairs for the case page."""
    return [(s, forms_by_action.get(s.action)) for s in steps]
