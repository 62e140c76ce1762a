"""What the forms of the register share: date-time input, text areas, files.
The people to choose from: ``people``."""

from django import forms
from django.utils.translation import gettext_lazy as _

DATETIME_INVALID = _("Vul datum en tijd in, bijvoorbeeld 03-02-2026 14:30.")

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%d-%m-%Y %H:%M"]


def datetime_field(label, required=True, help_text=""):
    return forms.DateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=DATETIME_FORMATS,
        error_messages={"invalid": DATETIME_INVALID},
    )


def text_field(label, required=False, rows=3, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


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
