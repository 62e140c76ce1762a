"""Forms of the appeal case page (A1–A12)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Appeal, CertificationDecision
from .fields import DATETIME_INVALID


class AppealLodgeForm(forms.Form):
    decision = forms.ModelChoiceField(
        label=_("Bestreden beslissing"),
        queryset=None,
        help_text=_("De certificatiebeslissing waartegen beroep wordt ingesteld."),
    )
    appellant = forms.ModelChoiceField(
        label=_("Ingediend door"),
        queryset=None,
        help_text=_("De organisatie die het beroep instelt (A4)."),
    )
    channel = forms.ChoiceField(label=_("Ontvangen via"), choices=())
    received_at = forms.DateTimeField(
        label=_("Ontvangen op"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%d-%m-%Y %H:%M"],
        error_messages={"invalid": DATETIME_INVALID},
    )
    motivation = forms.CharField(
        label=_("Motivering van het beroep"),
        widget=forms.Textarea,
        required=False,
        help_text=_("Neem de argumenten van de indiener over (A5)."),
    )

    def __init__(self, *args, decisions, clients, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].queryset = decisions.select_related("audit__client")
        self.fields["appellant"].queryset = clients
        self.fields["channel"].choices = Appeal.Channel.choices


class AppealAssignForm(forms.Form):
    decider = forms.ModelChoiceField(label=_("Certificatiebeslisser"), queryset=None)

    def __init__(self, *args, deciders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decider"].queryset = deciders


class AppealDecideForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Uitkomst"), choices=())
    outcome_motivation = forms.CharField(label=_("Motivering"), widget=forms.Textarea)
    new_outcome = forms.ChoiceField(
        label=_("Nieuwe beslissing (alleen bij wijziging)"), choices=(), required=False
    )
    non_discrimination_confirmed = forms.BooleanField(
        label=_(
            "Ik heb erop toegezien dat de indiener op geen enkele manier is "
            "benadeeld of gediscrimineerd (A10)."
        ),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = Appeal.Outcome.choices
        self.fields["new_outcome"].choices = [
            ("", "—"),
            *CertificationDecision.Outcome.choices,
        ]
