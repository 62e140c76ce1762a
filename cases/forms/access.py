"""The forms of the dossier's "Toegang" panel: a colleague's access and its end.

The fields are optional here on purpose: the service
(`dossier_access_grant_to_colleague`, `dossier_access_withdraw`) judges them and
answers with every refusal at once, so the form shows what the rule says."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..services.grants import grant_max_days


class ColleagueChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, seeing=(), **kwargs):
        self.seeing = set(seeing)
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        roles = ", ".join(g.name for g in obj.groups.all())
        label = f"{obj} ({roles})" if roles else str(obj)
        if obj.pk in self.seeing:
            label = _("%(label)s – ziet (een deel van) dit dossier al") % {
                "label": label
            }
        return label


class AccessGrantForm(forms.Form):
    user = ColleagueChoiceField(
        label=_("Collega"),
        queryset=None,
        required=False,
        empty_label=_("(kies een collega)"),
        error_messages={"invalid_choice": _("Kies een collega uit de lijst.")},
    )
    reason = forms.CharField(
        label=_("Reden"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=255,
        help_text=_("Waarom heeft deze collega het dossier nodig?"),
    )
    until = forms.DateField(
        label=_("Tot en met"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Vul een geldige datum in (dd-mm-jjjj).")},
    )

    def __init__(self, *args, colleagues, seeing=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        field.queryset = colleagues
        field.seeing = set(seeing)
        self.fields["until"].help_text = _(
            "De toegang eindigt vanzelf na deze dag; ten hoogste %(days)s dagen "
            "vooruit."
        ) % {"days": grant_max_days()}


class AccessRevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reden"), required=False, max_length=255)
