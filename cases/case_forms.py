"""Forms of the complaint and mediation case pages: one per step."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from portal.roles import ASSESSOR, ROLES_BY_CODE

from .forms import DATETIME_INVALID

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%d-%m-%Y %H:%M"]


def _datetime(label, required=True, help_text=""):
    return forms.DateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=DATETIME_FORMATS,
        error_messages={"invalid": DATETIME_INVALID},
    )


def _text(label, required=False, rows=3, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def staff_users():
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__isnull=False)
        .distinct()
        .order_by("first_name", "last_name")
    )


class ComplaintRegisterForm(forms.Form):
    client = forms.ModelChoiceField(label=_("Klant"), queryset=None)
    description = _text(_("Korte omschrijving"), required=True, rows=4)
    formal_written = forms.BooleanField(
        label=_(
            "Formeel schriftelijk ingediend (de klant krijgt een ontvangstbevestiging "
            "en de uitkomst, C3/C7)"
        ),
        required=False,
    )
    about = forms.ChoiceField(label=_("Klacht over"), choices=())
    complainant = forms.CharField(
        label=_("Indiener (als dat niet de klant zelf is)"),
        required=False,
        max_length=200,
    )
    cause_analysis = _text(_("Oorzaakanalyse (kan later)"))
    references = _text(
        _("Verwijzingen naar procedures en documenten"),
        rows=2,
        help_text=_("Bijvoorbeeld: P-05 Uitvoering onderzoek, rapport 2026-014."),
    )
    involved_staff = forms.ModelMultipleChoiceField(
        label=_("Medewerkers direct betrokken bij de situatie"),
        queryset=None,
        required=False,
        help_text=_("Zij kunnen geen behandelaar worden (C2)."),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, clients, **kwargs):
        from .models import Complaint

        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients
        self.fields["about"].choices = Complaint.About.choices
        self.fields["involved_staff"].queryset = staff_users()


class HandlerForm(forms.Form):
    handler = forms.ModelChoiceField(
        label=_("Behandelaar (kerngroeplid, niet betrokken)"), queryset=None
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = candidates


class HandlingForm(forms.Form):
    description = _text(_("Korte omschrijving"), required=True)
    cause_analysis = _text(_("Oorzaakanalyse"), rows=4)
    references = _text(_("Verwijzingen naar procedures en documenten"), rows=2)
    handling_notes = _text(_("Behandelgegevens (voortgang, overleg)"), rows=4)
    solution = _text(_("Gekozen oplossing en afhandeling"), rows=3)
    measures = _text(_("Genomen maatregelen"), rows=2)
    lessons_learned = _text(_("Geleerde lessen"), rows=2)
    leads_to_change = forms.BooleanField(
        label=_("Leidt tot wijziging van het kwaliteitssysteem (C10)"), required=False
    )
    change_note = _text(_("Welke wijziging (C10)"), rows=2)
    involved_staff = forms.ModelMultipleChoiceField(
        label=_("Direct betrokken medewerkers"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = _text(_("Notitie voor het logboek"), rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["involved_staff"].queryset = staff_users()


class SatisfactionForm(forms.Form):
    satisfaction_note = _text(
        _("Hoe liet de klant weten tevreden te zijn?"),
        required=True,
        help_text=_("Bijvoorbeeld: e-mail van 12-11-2026 van mevrouw Jansen."),
    )
    satisfied_at = _datetime(_("Wanneer"), required=False)


class CloseForm(forms.Form):
    note = _text(_("Toelichting bij afsluiten"), rows=2)


class AnonymisedForm(forms.Form):
    anonymised = forms.TypedChoiceField(
        label=_("Bespreken met de beoordelaars (C5)"),
        choices=[("1", _("Ja, geanonimiseerd")), ("0", _("Nee"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    anonymised_summary = _text(
        _("Geanonimiseerde samenvatting"),
        rows=4,
        help_text=_("Zonder namen van klant of personen; dit lezen alle beoordelaars."),
    )


class InformPartiesForm(forms.Form):
    holder_informed_at = _datetime(_("Certificaathouder geïnformeerd op"))
    team_leader_informed_at = _datetime(_("Teamleider geïnformeerd op"))


class FollowUpForm(forms.Form):
    follow_up = forms.ChoiceField(
        label=_("Vervolg"), choices=(), widget=forms.RadioSelect
    )
    motivation = _text(_("Motivering"), required=True, rows=2)
    special_audit_start = forms.DateField(
        label=_("Begindatum Speciaal Onderzoek"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        input_formats=["%Y-%m-%d", "%d-%m-%Y"],
        error_messages={"invalid": _("Vul een datum in, bijvoorbeeld 03-02-2026.")},
    )
    team_leader = forms.ModelChoiceField(
        label=_("Teamleider Speciaal Onderzoek"),
        queryset=None,
        required=False,
        help_text=_("Leeg: de teamleider van het laatste onderzoek."),
    )

    def __init__(self, *args, **kwargs):
        from .models import Complaint

        super().__init__(*args, **kwargs)
        self.fields["follow_up"].choices = Complaint.FollowUp.choices
        self.fields["team_leader"].queryset = (
            get_user_model()
            .objects.filter(groups__name=ROLES_BY_CODE[ASSESSOR].name)
            .order_by("first_name", "last_name")
        )


class EscalateForm(forms.Form):
    reason = _text(
        _("Waarom is geen oplossing gevonden die voor beide partijen aanvaardbaar is?"),
        required=True,
    )


class InformedMixin(forms.Form):
    claimant_informed = forms.BooleanField(
        label=_("De eiser is over deze stap geïnformeerd (E6)"), required=False
    )


class MediationOpenForm(forms.Form):
    decision = forms.ModelChoiceField(
        label=_("Betwiste certificatiebeslissing"), queryset=None
    )
    reason = _text(
        _("Waarom is geen oplossing gevonden die voor beide partijen aanvaardbaar is?"),
        required=True,
    )

    def __init__(self, *args, decisions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].queryset = decisions.select_related("audit__client")


class ProposeForm(forms.Form):
    notaries = forms.ModelMultipleChoiceField(
        label=_("Drie notarissen uit de regio van de eiser (E2)"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Alleen beschikbare mediation-notarissen zonder gemelde band met de eiser "
            "of met ons staan hier."
        ),
        error_messages={"required": _("Kies drie notarissen (E2).")},
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
    claimant_consent_at = _datetime(_("Toestemming eiser op"))
    organisation_consent_at = _datetime(_("Toestemming organisatie op"))


class SessionForm(InformedMixin):
    session_at = _datetime(_("Sessie gehouden op"))
    expected_duration = forms.CharField(
        label=_("Verwachte duur volgens de notaris"), required=False, max_length=200
    )


class EvaluateForm(InformedMixin):
    outcome = _text(_("Uitkomst (niet bindend)"), required=True)
    evaluation = _text(_("Evaluatie door de organisatie"), required=True)
    actions = _text(_("Acties"), rows=2)


class MediationCloseForm(InformedMixin):
    note = _text(_("Toelichting"), rows=2)


class WithdrawForm(InformedMixin):
    note = _text(_("Reden van beëindiging"), required=True, rows=2)


class InformClaimantForm(forms.Form):
    send_letter = forms.BooleanField(
        label=_("Stapbericht als brief sturen (PDF, wordt in het dossier bewaard)"),
        required=False,
    )
    how = _text(
        _("Of: hoe is de eiser geïnformeerd?"),
        rows=2,
        help_text=_("Bijvoorbeeld: telefonisch op 3-11-2026 door de officemanager."),
    )
