"""Forms of the client dossier: evidence, its timeline, decisions."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from files.filetypes import ALLOWED_DESCRIPTION

from ..models import CertificationDecision
from .fields import DATETIME_FORMATS, DATETIME_INVALID, MultipleFileField
from .people import PersonChoiceField, audit_participation


class EvidenceUploadForm(forms.Form):
    files = MultipleFileField(
        label=_("Bestanden"),
        help_text=ALLOWED_DESCRIPTION,
        error_messages={"required": _("Kies een of meer bestanden.")},
    )
    description = forms.CharField(
        label=_("Omschrijving"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Geldt voor alle gekozen bestanden."),
    )
    audit = forms.ModelChoiceField(
        label=_("Bij onderzoek"),
        queryset=None,
        required=False,
        empty_label=_("(geen: algemeen dossier)"),
    )

    def __init__(self, *args, audits, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audit"].queryset = audits.select_related("client")


class EvidenceDeleteForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden van verwijdering"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Geef aan waarom dit bewijsstuk weg moet.")},
    )


TIMELINE_KINDS = (
    ("audit", _("Onderzoeken")),
    ("decision", _("Beslissingen")),
    ("certificate", _("Certificaten")),
    ("evidence", _("Bewijsstukken")),
)


class TimelineFilterForm(forms.Form):
    kind = forms.MultipleChoiceField(
        label=_("Toon"),
        choices=TIMELINE_KINDS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, data=None, **kwargs):
        # Unfiltered, every kind is shown: so every box starts ticked.
        if not data:
            data = None
            kwargs.setdefault("initial", {"kind": [k for k, _l in TIMELINE_KINDS]})
        super().__init__(data, **kwargs)

    def kinds(self) -> set[str]:
        if self.is_bound and self.is_valid() and self.cleaned_data["kind"]:
            return set(self.cleaned_data["kind"])
        return {k for k, _label in TIMELINE_KINDS}


class DecisionSupersedeForm(forms.Form):
    decider = PersonChoiceField(
        label=_("Certificatiebeslisser"),
        rule=_(
            "Alleen certificatiebeslissers; niet wie teamleider of beoordelaar bij "
            "het onderzoek was."
        ),
    )
    outcome = forms.ChoiceField(label=_("Nieuwe beslissing"), choices=())
    motivation = forms.CharField(label=_("Motivering"), widget=forms.Textarea)
    reason = forms.CharField(
        label=_("Reden van vervanging"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Bijvoorbeeld: beroep gegrond verklaard (B-2026-0003)."),
    )

    def __init__(self, *args, deciders, decision=None, **kwargs):
        super().__init__(*args, **kwargs)
        audit = decision.audit if decision is not None else None
        self.fields["decider"].offer(
            deciders.filter(is_active=True), audit_participation(audit)
        )
        self.fields["outcome"].choices = CertificationDecision.Outcome.choices


class DecisionEmailedForm(forms.Form):
    """When the decision e-mail really went out (A2 counts from it); the
    service refuses a moment in the future or before the decision."""

    emailed_at = forms.DateTimeField(
        label=_("Verzonden op"),
        required=False,
        help_text=_(
            "Wanneer de e-mail met de beslissing naar de klant ging (leeg: nu). De "
            "beroepstermijn loopt vanaf dat moment."
        ),
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local"}, format=DATETIME_FORMATS[0]
        ),
        input_formats=DATETIME_FORMATS,
        error_messages={"invalid": DATETIME_INVALID},
    )

    def __init__(self, *args, **kwargs):
        now = timezone.localtime().replace(second=0, microsecond=0)
        kwargs.setdefault("initial", {"emailed_at": now})
        # One such form per unsent decision on the dossier page: no shared ids.
        kwargs.setdefault("auto_id", False)
        super().__init__(*args, **kwargs)
