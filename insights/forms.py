from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from portal.roles import (
    CORE_GROUP,
    MANAGEMENT,
    OFFICE_MANAGER,
    QUALITY_OFFICER,
    ROLES_BY_CODE,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": _("Vul een geldige datum in (dd-mm-jjjj).")}


def attendee_choices():
    """Who may attend: the core group, the quality officer, the office manager
    and management (active accounts)."""
    names = [
        ROLES_BY_CODE[c].name
        for c in (CORE_GROUP, QUALITY_OFFICER, OFFICE_MANAGER, MANAGEMENT)
    ]
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=names)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class AttendeesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()


class MeetingPlanForm(forms.Form):
    held_on = forms.DateField(
        label=_("Datum van de bijeenkomst"),
        widget=DATE_WIDGET,
        error_messages=DATE_ERRORS,
    )
    period_start = forms.DateField(
        label=_("Besproken periode vanaf"),
        required=False,
        widget=DATE_WIDGET,
        error_messages=DATE_ERRORS,
        help_text=_(
            "Leeg: de dag na de vorige bijeenkomst (bij de eerste bijeenkomst "
            "drie maanden terug). Zaken die nog open zijn, staan altijd op de "
            "agenda."
        ),
    )
    location = forms.CharField(label=_("Plaats"), max_length=120, required=False)
    attendees = AttendeesField(
        label=_("Aanwezigen"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = attendee_choices()


class MeetingTextsForm(forms.Form):
    location = forms.CharField(label=_("Plaats"), max_length=120, required=False)
    attendees = AttendeesField(
        label=_("Aanwezigen"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    satisfaction_notes = forms.CharField(
        label=_("Klanttevredenheid: algemene bespreking"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    decisions = forms.CharField(
        label=_("Besluiten en acties"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Per regel een besluit of actie, met wie en wanneer."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = attendee_choices()


class ReviewForm(forms.Form):
    reflection = forms.CharField(
        label=_("Reflectie van de directie"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Wat leren de klachten en beroepen van dit jaar over de dienstverlening, "
            "en werkten de maatregelen?"
        ),
    )
    decisions = forms.CharField(
        label=_("Besluiten en acties"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Per regel een besluit of actie, met wie en wanneer."),
    )
