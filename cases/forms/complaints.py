"""Forms of the complaint case page (C1–C10): one per step."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from portal.roles import ASSESSOR, ROLES_BY_CODE

from ..models import Complaint
from .fields import datetime_field, staff_users, text_field


class ComplaintRegisterForm(forms.Form):
    client = forms.ModelChoiceField(label=_("Klant"), queryset=None)
    description = text_field(_("Korte omschrijving"), required=True, rows=4)
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
    cause_analysis = text_field(_("Oorzaakanalyse (kan later)"))
    references = text_field(
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
    description = text_field(_("Korte omschrijving"), required=True)
    cause_analysis = text_field(_("Oorzaakanalyse"), rows=4)
    references = text_field(_("Verwijzingen naar procedures en documenten"), rows=2)
    handling_notes = text_field(_("Behandelgegevens (voortgang, overleg)"), rows=4)
    solution = text_field(_("Gekozen oplossing en afhandeling"), rows=3)
    measures = text_field(_("Genomen maatregelen"), rows=2)
    lessons_learned = text_field(_("Geleerde lessen"), rows=2)
    leads_to_change = forms.BooleanField(
        label=_("Leidt tot wijziging van het kwaliteitssysteem (C10)"), required=False
    )
    change_note = text_field(_("Welke wijziging (C10)"), rows=2)
    involved_staff = forms.ModelMultipleChoiceField(
        label=_("Direct betrokken medewerkers"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = text_field(_("Notitie voor het logboek"), rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["involved_staff"].queryset = staff_users()


class SatisfactionForm(forms.Form):
    satisfaction_note = text_field(
        _("Hoe liet de klant weten tevreden te zijn?"),
        required=True,
        help_text=_("Bijvoorbeeld: e-mail van 12-11-2026 van mevrouw Jansen."),
    )
    satisfied_at = datetime_field(_("Wanneer"), required=False)


class CloseForm(forms.Form):
    note = text_field(_("Toelichting bij afsluiten"), rows=2)


class AnonymisedForm(forms.Form):
    anonymised = forms.TypedChoiceField(
        label=_("Bespreken met de beoordelaars (C5)"),
        choices=[("1", _("Ja, geanonimiseerd")), ("0", _("Nee"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    anonymised_summary = text_field(
        _("Geanonimiseerde samenvatting"),
        rows=4,
        help_text=_("Zonder namen van klant of personen; dit lezen alle beoordelaars."),
    )


class InformPartiesForm(forms.Form):
    holder_informed_at = datetime_field(_("Certificaathouder geïnformeerd op"))
    team_leader_informed_at = datetime_field(_("Teamleider geïnformeerd op"))


class FollowUpForm(forms.Form):
    follow_up = forms.ChoiceField(
        label=_("Vervolg"), choices=(), widget=forms.RadioSelect
    )
    motivation = text_field(_("Motivering"), required=True, rows=2)
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
        super().__init__(*args, **kwargs)
        self.fields["follow_up"].choices = Complaint.FollowUp.choices
        self.fields["team_leader"].queryset = (
            get_user_model()
            .objects.filter(groups__name=ROLES_BY_CODE[ASSESSOR].name)
            .order_by("first_name", "last_name")
        )


class EscalateForm(forms.Form):
    reason = text_field(
        _("Waarom is geen oplossing gevonden die voor beide partijen aanvaardbaar is?"),
        required=True,
    )
