"""Letters and e-mails the quality officer words in the admin."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class LetterTemplate(models.Model):
    """A letter or e-mail the quality officer can word in the admin (C3, C7, A3/A4,
    A6, A8, E2, E6). Placeholders such as ``{{ zaaknummer }}`` are filled in from a
    fixed list; anything else is refused when the template is saved."""

    class Kind(models.TextChoices):
        COMPLAINT_ACK = "complaint_ack", _("Ontvangstbevestiging klacht")
        COMPLAINT_OUTCOME = "complaint_outcome", _("Uitkomst klacht")
        APPEAL_ACK = "appeal_ack", _("Ontvangstbevestiging beroep")
        APPEAL_OUTCOME = "appeal_outcome", _("Uitkomst beroep")
        APPEAL_INADMISSIBLE = (
            "appeal_inadmissible",
            _("Niet-ontvankelijk beroep"),
        )
        MEDIATION_PROPOSAL = "mediation_proposal", _("Voorstel drie notarissen")
        MEDIATION_STEP = "mediation_step", _("Stapbericht aan de eiser")

    kind = models.CharField(
        _("soort brief"), max_length=30, choices=Kind.choices, unique=True
    )
    subject = models.CharField(_("onderwerp"), max_length=200)
    body = models.TextField(_("tekst"))
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)

    class Meta:
        verbose_name = _("briefsjabloon")
        verbose_name_plural = _("briefsjablonen")
        ordering = ["kind"]

    def __str__(self):
        return self.get_kind_display()

    def allowed_placeholders(self) -> tuple[str, ...]:
        from ..letters import letter_placeholders

        return letter_placeholders(self.kind) if self.kind else ()

    def clean(self):
        # Only the fixed placeholders of this kind are filled in (cases.letters);
        # anything else would reach the client as literal braces.
        from ..letters import letter_text_problems

        if not self.kind:
            return
        allowed = ", ".join(f"{{{{ {name} }}}}" for name in self.allowed_placeholders())
        errors = {}
        for field in ("subject", "body"):
            problems = letter_text_problems(getattr(self, field) or "", self.kind)
            if problems:
                errors[field] = gettext(
                    "Onbekende plaatshouder: %(found)s. In deze brief kunt u alleen "
                    "deze plaatshouders gebruiken: %(allowed)s. Let op de dubbele "
                    "accolades aan beide kanten."
                ) % {"found": ", ".join(dict.fromkeys(problems)), "allowed": allowed}
        if errors:
            raise ValidationError(errors)


class LetterDraft(models.Model):
    """What the sender adjusted in a letter before sending it (C3, C7, A3/A4, A6,
    A8, E2): one draft per case and kind of letter, kept until the letter is sent,
    so that a reload or a refused send loses nothing. The case is any kind
    (``cases.kinds``), reached generically like the logbook's."""

    case_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, related_name="+"
    )
    case_id = models.PositiveBigIntegerField()
    kind = models.CharField(
        _("soort brief"), max_length=30, choices=LetterTemplate.Kind.choices
    )
    fields = models.JSONField(_("aangepaste tekst"), default=dict, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gewijzigd door"),
    )
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)

    class Meta:
        verbose_name = _("conceptbrief")
        verbose_name_plural = _("conceptbrieven")
        constraints = [
            models.UniqueConstraint(
                fields=["case_type", "case_id", "kind"], name="letterdraft_unique"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.case_id})"
