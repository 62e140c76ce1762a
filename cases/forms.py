from django import forms
from django.utils.translation import gettext_lazy as _

from .filetypes import ALLOWED_DESCRIPTION


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class EvidenceUploadForm(forms.Form):
    files = MultipleFileField(
        label=_("Bestanden"),
        help_text=ALLOWED_DESCRIPTION,
        error_messages={"required": _("Kies een of meer bestanden.")},
    )
    description = forms.CharField(
        label=_("Omschrijving"),
        widget=forms.Textarea(attrs={"rows": 3}),
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
        self.fields["audit"].queryset = audits


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

    def kinds(self) -> set[str]:
        if self.is_valid() and self.cleaned_data["kind"]:
            return set(self.cleaned_data["kind"])
        return {k for k, _label in TIMELINE_KINDS}
