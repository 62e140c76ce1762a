"""The forms of the correction steps (issue 16, item 2): reopening a complaint
and correcting a recorded fact."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..services.corrections import correctable_fields
from .fields import datetime_field, text_field


class ReopenForm(forms.Form):
    reason = text_field(
        _("Reden van heropenen"),
        required=True,
        help_text=_(
            "Bijvoorbeeld: de klant meldt dat het probleem terugkomt. De reden komt "
            "in het logboek."
        ),
    )


class CorrectionForm(forms.Form):
    """Which fact, its right value and why. A date goes in "Juiste datum en
    tijd", a choice in "Juiste waarde"; ``value`` in the cleaned data is the
    value as the register stores it."""

    field = forms.ChoiceField(label=_("Welk gegeven is verkeerd vastgelegd?"))
    new_moment = datetime_field(_("Juiste datum en tijd"), required=False)
    new_choice = forms.ChoiceField(label=_("Juiste waarde"), required=False)
    reason = text_field(
        _("Reden van de correctie"),
        required=True,
        help_text=_(
            "Bijvoorbeeld: ontvangstdatum overgenomen van de verkeerde e-mail. De "
            "oude en de nieuwe waarde en de reden komen in het logboek."
        ),
    )

    def __init__(self, data=None, *, case, **kwargs):
        super().__init__(data, **kwargs)
        self.specs = {s.name: s for s in correctable_fields(type(case))}
        self.fields["field"].choices = [("", "---------")] + [
            (s.name, s.label) for s in self.specs.values()
        ]
        self.fields["new_choice"].choices = [("", "---------")] + [
            (
                s.label,
                [(f"{s.name}:{i}", label) for i, (_v, label) in enumerate(s.choices)],
            )
            for s in self.specs.values()
            if not s.is_moment
        ]

    def clean(self):
        cleaned = super().clean()
        spec = self.specs.get(cleaned.get("field"))
        if spec is None:
            return cleaned
        if spec.is_moment:
            if cleaned.get("new_moment") is None and "new_moment" not in self.errors:
                self.add_error(
                    "new_moment",
                    _("Vul de juiste datum en tijd in voor “%(field)s”.")
                    % {"field": spec.label},
                )
            cleaned["value"] = cleaned.get("new_moment")
            return cleaned
        name, _sep, index = (cleaned.get("new_choice") or "").partition(":")
        if name != spec.name:
            self.add_error(
                "new_choice",
                _("Kies de juiste waarde bij “%(field)s”.") % {"field": spec.label},
            )
            return cleaned
        cleaned["value"] = spec.choices[int(index)][0]
        return cleaned
