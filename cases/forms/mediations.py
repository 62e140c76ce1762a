"""Forms of the mediation case page (E1–E6): one per step."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..procedure import procedure_choices
from .fields import datetime_field, text_field


class InformedMixin(forms.Form):
    claimant_informed = forms.BooleanField(
        label=_("De eiser is over deze stap geïnformeerd"), required=False
    )


class MediationOpenForm(forms.Form):
    decision = forms.ModelChoiceField(
        label=_("Betwiste certificatiebeslissing"), queryset=None
    )
    reason = text_field(
        _("Waarom is geen oplossing gevonden die voor beide partijen aanvaardbaar is?"),
        required=True,
    )

    def __init__(self, *args, decisions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].queryset = decisions.select_related("audit__client")


class ProposeForm(forms.Form):
    notaries = forms.ModelMultipleChoiceField(
        label=_("Drie notarissen uit de regio van de eiser"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Alleen beschikbare mediation-notarissen zonder gemelde band met de eiser "
            "of met ons staan hier."
        ),
        error_messages={"required": _("Kies drie notarissen.")},
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notaries"].queryset = candidates


class ChooseForm(InformedMixin):
    notary = forms.ModelChoiceField(label=_("Keuze van de eiser"), queryset=None)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notary"].queryset = candidates
        self.order_fields(["notary", "claimant_informed"])


class ConsentForm(InformedMixin):
    claimant_consent_at = datetime_field(_("Toestemming eiser op"))
    organisation_consent_at = datetime_field(_("Toestemming organisatie op"))
    procedure_codes = forms.MultipleChoiceField(
        label=_("Procedures die op het geschil van toepassing zijn"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "De notaris leest altijd de klachten- en beroepsprocedure; kies hier "
            "de procedures waar het geschil verder over gaat."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procedure_codes"].choices = procedure_choices()
        self.order_fields(
            [
                "claimant_consent_at",
                "organisation_consent_at",
                "procedure_codes",
                "claimant_informed",
            ]
        )


class SessionForm(InformedMixin):
    session_at = datetime_field(_("Sessie gehouden op"))
    expected_duration = forms.CharField(
        label=_("Verwachte duur volgens de notaris"), required=False, max_length=200
    )


class EvaluateForm(InformedMixin):
    outcome = text_field(_("Uitkomst (niet bindend)"), required=True)
    evaluation = text_field(_("Evaluatie door de organisatie"), required=True)
    actions = text_field(_("Acties"), rows=2)


class MediationCloseForm(InformedMixin):
    note = text_field(_("Toelichting"), rows=2)


class WithdrawForm(InformedMixin):
    note = text_field(_("Reden van beëindiging"), required=True, rows=2)


class InformClaimantForm(forms.Form):
    send_letter = forms.BooleanField(
        label=_("Stapbericht als brief sturen (PDF, wordt in het dossier bewaard)"),
        required=False,
    )
    how = text_field(
        _("Of: hoe is de eiser geïnformeerd?"),
        rows=2,
        help_text=_("Bijvoorbeeld: telefonisch op 3 november door de officemanager."),
    )
