"""Forms of the complaint case page (C1–C10): one per step."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.roles import CORE_GROUP

from ..models import Complaint
from .fields import datetime_field, text_field
from .people import (
    PersonChoiceField,
    PersonMultipleChoiceField,
    auditors_pool,
    complaint_involvement,
    not_involvable,
    people,
    staff_pool,
)

INVOLVED_RULE = _(
    "Alleen medewerkers van de organisatie. Wie u aanvinkt, kan de klacht niet "
    "behandelen."
)
HANDLER_RULE = _("Alleen kerngroepleden die niet direct bij de klacht betrokken zijn.")


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
    involved_staff = PersonMultipleChoiceField(
        label=_("Medewerkers direct betrokken bij de situatie"),
        required=False,
        rule=INVOLVED_RULE,
    )

    def __init__(self, *args, clients, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients
        self.fields["about"].choices = Complaint.About.choices
        self.fields["involved_staff"].offer(staff_pool(), not_involvable())


class HandlerForm(forms.Form):
    """C2: offers the core group minus those directly involved in this complaint
    (the service refuses them as well)."""

    handler = PersonChoiceField(
        label=_("Behandelaar (kerngroeplid, niet betrokken)"), rule=HANDLER_RULE
    )

    def __init__(self, *args, candidates=None, complaint=None, **kwargs):
        super().__init__(*args, **kwargs)
        pool = people(CORE_GROUP) if candidates is None else candidates
        pool = pool.filter(is_active=True)
        self.fields["handler"].offer(pool, complaint_involvement(complaint))


class HandlingForm(forms.Form):
    description = text_field(_("Korte omschrijving"), required=True)
    cause_analysis = text_field(_("Oorzaakanalyse"), rows=4)
    references = text_field(_("Verwijzingen naar procedures en documenten"), rows=2)
    handling_notes = text_field(_("Behandelgegevens (voortgang, overleg)"), rows=4)
    solution = text_field(_("Gekozen oplossing en afhandeling"), rows=3)
    measures = text_field(_("Genomen maatregelen"), rows=2)
    lessons_learned = text_field(_("Geleerde lessen"), rows=2)
    leads_to_change = forms.BooleanField(
        label=_("Leidt tot wijziging van het kwaliteitssysteem"), required=False
    )
    change_note = text_field(_("Welke wijziging"), rows=2)
    involved_staff = PersonMultipleChoiceField(
        label=_("Direct betrokken medewerkers"), required=False, rule=INVOLVED_RULE
    )
    note = text_field(_("Notitie voor het logboek"), rows=2)

    def __init__(self, *args, complaint=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["involved_staff"].offer(staff_pool(), not_involvable(complaint))


class SatisfactionForm(forms.Form):
    satisfaction_note = text_field(
        _("Hoe liet de klant weten tevreden te zijn?"),
        required=True,
        help_text=_("Bijvoorbeeld: e-mail van 12 november van mevrouw Jansen."),
    )
    satisfied_at = datetime_field(_("Wanneer"), required=False)


class CloseForm(forms.Form):
    note = text_field(_("Toelichting bij afsluiten"), rows=2)


class AnonymisedForm(forms.Form):
    anonymised = forms.TypedChoiceField(
        label=_("Bespreken met de beoordelaars"),
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
    team_leader = PersonChoiceField(
        label=_("Teamleider Speciaal Onderzoek"),
        required=False,
        rule=_(
            "Alleen beoordelaars en kerngroepleden. Leeg: de teamleider van het "
            "laatste onderzoek."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["follow_up"].choices = Complaint.FollowUp.choices
        self.fields["team_leader"].offer(auditors_pool())


class EscalateForm(forms.Form):
    reason = text_field(
        _("Waarom is geen oplossing gevonden die voor beide partijen aanvaardbaar is?"),
        required=True,
    )
