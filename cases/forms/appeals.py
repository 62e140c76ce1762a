"""Forms of the appeal case page (A1–A12)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Appeal, CertificationDecision
from .fields import DATETIME_INVALID
from .people import PersonChoiceField, appeal_independence, deciders_pool


class AppealLodgeForm(forms.Form):
    decision = forms.ModelChoiceField(
        label=_("Bestreden beslissing"),
        queryset=None,
        help_text=_("De certificatiebeslissing waartegen beroep wordt ingesteld."),
    )
    appellant = forms.ModelChoiceField(
        label=_("Ingediend door"),
        queryset=None,
        help_text=_("De organisatie die het beroep instelt."),
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
        help_text=_("Neem de argumenten van de indiener over."),
    )

    def __init__(self, *args, decisions, clients, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].queryset = decisions.select_related("audit__client")
        self.fields["appellant"].queryset = clients
        self.fields["channel"].choices = Appeal.Channel.choices


class AppealAssignForm(forms.Form):
    """A7: offers the certification deciders minus the original decider and the
    audit's team leader and assessors (the service refuses them as well)."""

    decider = PersonChoiceField(
        label=_("Certificatiebeslisser"),
        rule=_(
            "Alleen certificatiebeslissers die de bestreden beslissing niet namen "
            "en niet bij het onderzoek betrokken waren."
        ),
    )

    def __init__(self, *args, deciders=None, appeal=None, **kwargs):
        super().__init__(*args, **kwargs)
        pool = deciders_pool() if deciders is None else deciders.filter(is_active=True)
        self.fields["decider"].offer(
            pool, appeal_independence(appeal) if appeal is not None else None
        )


class AppealDecideForm(forms.Form):
    # No default: the decider chooses the outcome explicitly (issue 16, item 5).
    outcome = forms.ChoiceField(
        label=_("Uitkomst"),
        choices=(),
        widget=forms.RadioSelect,
        error_messages={
            "required": _(
                "Kies de uitkomst: blijft de beslissing in stand of wordt zij "
                "gewijzigd?"
            )
        },
    )
    outcome_motivation = forms.CharField(label=_("Motivering"), widget=forms.Textarea)
    new_outcome = forms.ChoiceField(
        label=_("Nieuwe beslissing (alleen bij wijziging)"), choices=(), required=False
    )
    non_discrimination_confirmed = forms.BooleanField(
        label=_(
            "Ik heb erop toegezien dat de indiener op geen enkele manier is "
            "benadeeld of gediscrimineerd."
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
