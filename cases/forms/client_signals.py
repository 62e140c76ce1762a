"""Forms of client signals: reporting one (S1, S5), qualifying it (S3)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from files.filetypes import ALLOWED_DESCRIPTION

from ..models import Signal
from .fields import DATETIME_INVALID, MultipleFileField


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
        help_text=_(
            "Wanneer de klant het zei of schreef. De portefeuillehouder Q beslist "
            "binnen 48 uur nadat het signaal haar bereikt: vanaf nu, als u het nu "
            "doorgeeft."
        ),
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
    ground = forms.ChoiceField(label=_("Grond"), choices=(), required=False)
    reason = forms.CharField(
        label=_("Toelichting"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ground"].choices = [("", "—"), *Signal.Ground.choices]
