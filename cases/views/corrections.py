"""The correction steps on the case pages (issue 16, item 2): what the complaint
and appeal pages share to run them and to say what happened. The steps
themselves are rows of the life cycles; they need no page of their own."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

from ..forms.corrections import CorrectionForm, ReopenForm
from ..services.corrections import (
    case_correct,
    complaint_reopen,
    correctable_fields,
)


def correction_form(data, case) -> CorrectionForm:
    return CorrectionForm(data, case=case)


def reopen_form(data, case) -> ReopenForm:
    return ReopenForm(data)


def _input_of(case, field: str) -> str | None:
    for spec in correctable_fields(type(case)):
        if spec.name == field:
            return "new_moment" if spec.is_moment else "new_choice"
    return None


def run_correction(case, user, cleaned_data) -> None:
    """Correct the chosen fact; a refusal about the fact is shown at the input
    that holds the new value (the service names the model field)."""
    try:
        case_correct(
            case=case,
            by=user,
            field=cleaned_data["field"],
            value=cleaned_data.get("value"),
            reason=cleaned_data["reason"],
        )
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError(
            {
                (_input_of(case, field) or field): errors
                for field, errors in exc.error_dict.items()
            }
        ) from exc


def run_reopen(case, user, cleaned_data) -> None:
    complaint_reopen(complaint=case, by=user, reason=cleaned_data["reason"])


def correction_done(case, cleaned_data) -> str:
    """The success message of a correction: which fact, now what."""
    spec = next(
        s for s in correctable_fields(type(case)) if s.name == cleaned_data["field"]
    )
    message = _("%(field)s gecorrigeerd bij %(number)s: nu %(value)s.") % {
        "field": spec.label,
        "number": case.number,
        "value": spec.display(getattr(case, spec.name)),
    }
    last = case.events.filter(action="correct").order_by("-at", "-pk").first()
    admissible_now = (last.data or {}).get("admissibility_now") if last else None
    if admissible_now is None:
        return message
    if case.inadmissible_reason and not admissible_now:
        message += " " + _(
            "Met de gecorrigeerde gegevens is het beroep ontvankelijk: beoordeel de "
            "ontvankelijkheid nu opnieuw."
        )
    elif not case.inadmissible_reason and admissible_now:
        message += " " + _(
            "Let op: met de gecorrigeerde gegevens zou het beroep niet-ontvankelijk "
            "zijn; de behandeling loopt door zoals die is geregistreerd."
        )
    return message


def reopen_done(case, cleaned_data) -> str:
    return _(
        "%(number)s is heropend en weer in behandeling; de afhandeltermijn loopt "
        "tot %(date)s."
    ) % {
        "number": case.number,
        "date": _local_date(case.handle_by),
    }


def _local_date(moment) -> str:
    return dateformat.format(timezone.localtime(moment), "j F Y")
