from django import forms
from django.utils.translation import gettext_lazy as _

from files.filetypes import ALLOWED_DESCRIPTION

DATETIME_INVALID = _("Vul datum en tijd in, bijvoorbeeld 03-02-2026 14:30.")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple) and data:
            return [single(item, initial) for item in data]
        if not data and not self.required:
            return []
        return [single(data, initial)]


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
    decider = forms.ModelChoiceField(label=_("Certificatiebeslisser"), queryset=None)
    outcome = forms.ChoiceField(label=_("Nieuwe beslissing"), choices=())
    motivation = forms.CharField(label=_("Motivering"), widget=forms.Textarea)
    reason = forms.CharField(
        label=_("Reden van vervanging"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Bijvoorbeeld: beroep gegrond verklaard (B-2026-0003)."),
    )

    def __init__(self, *args, deciders, **kwargs):
        from .models import CertificationDecision

        super().__init__(*args, **kwargs)
        self.fields["decider"].queryset = deciders
        self.fields["outcome"].choices = CertificationDecision.Outcome.choices


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
        from .models import Appeal

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
        from .models import Appeal, CertificationDecision

        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = Appeal.Outcome.choices
        self.fields["new_outcome"].choices = [
            ("", "—"),
            *CertificationDecision.Outcome.choices,
        ]


class SignalForm(forms.Form):
    client = forms.ModelChoiceField(
        label=_("Klant"),
        queryset=None,
        required=False,
        empty_label=_("(onbekend of nieuwe klant)"),
    )
    channel = forms.ChoiceField(label=_("Hoe kwam het binnen?"), choices=())
    received_at = forms.DateTimeField(
        label=_("Wanneer?"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%d-%m-%Y %H:%M"],
        error_messages={"invalid": DATETIME_INVALID},
    )
    description = forms.CharField(
        label=_("Wat zei of schreef de klant?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Beschrijf wat de klant zei of schreef.")},
    )
    about_certificate_holder = forms.BooleanField(
        label=_("Het gaat over een certificaathouder (signaal van derden)"),
        required=False,
    )
    attachments = MultipleFileField(
        label=_("Bijlagen (optioneel)"),
        required=False,
        help_text=_(
            "Bijvoorbeeld de e-mail of een foto van het evaluatieformulier. Alleen "
            "als u een klant hebt gekozen. "
        )
        + ALLOWED_DESCRIPTION,
    )

    def clean(self):
        cleaned = super().clean()
        files = [f for f in cleaned.get("attachments") or [] if f]
        cleaned["attachments"] = files
        if files and not cleaned.get("client"):
            self.add_error(
                "attachments",
                _("Kies de klant: bijlagen worden in het klantdossier bewaard."),
            )
        return cleaned

    def __init__(self, *args, clients, **kwargs):
        from .models import Signal

        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients
        self.fields["channel"].choices = Signal.Channel.choices


class SignalQualifyForm(forms.Form):
    is_complaint = forms.TypedChoiceField(
        label=_("Beslissing"),
        choices=[("1", _("Behandelen als klacht")), ("0", _("Geen klacht"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    ground = forms.ChoiceField(label=_("Grond (S2)"), choices=(), required=False)
    reason = forms.CharField(
        label=_("Toelichting"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        from .models import Signal

        super().__init__(*args, **kwargs)
        self.fields["ground"].choices = [("", "—"), *Signal.Ground.choices]
