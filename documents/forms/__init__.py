from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminPageForm

from portal.formatting import format_date


class ProcedurePageForm(WagtailAdminPageForm):
    """A revision submitted for approval (or published) must say what changed: the
    assessors read it in "Wat is er gewijzigd" (C10)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        page = self.instance
        self._last_version = None
        if page.pk is None or "effective_date" not in self.fields:
            return
        self._last_version = last = page.versions.order_by(
            "-published_at", "-pk"
        ).first()
        if last is None:
            return
        # "Geldig vanaf" of a revision: the publication date unless the editor
        # chooses a later day than the version in force (services.effective_date_for).
        field = self.fields["effective_date"]
        field.required = False
        field.help_text = _(
            "Leeg laten: de datum waarop de herziening wordt gepubliceerd. Vult u "
            "een datum in na %(date)s (de huidige versie), dan geldt die."
        ) % {"date": format_date(last.effective_date, year=True)}
        if self.is_bound:
            return
        if page.effective_date is None or page.effective_date <= last.effective_date:
            self.initial["effective_date"] = None
        # The review date moved on by a review or a publication lives on the live
        # row; the draft may still carry the older one.
        stored = (
            type(page)
            ._default_manager.filter(pk=page.pk)
            .values_list("review_date", flat=True)
            .first()
        )
        if stored and (page.review_date is None or page.review_date < stored):
            self.initial["review_date"] = stored

    def clean(self):
        cleaned = super().clean()
        last = self._last_version
        if last is not None and not cleaned.get("effective_date"):
            # Not later than the version in force: publication sets the date.
            cleaned["effective_date"] = last.effective_date
        submitting = any(
            key in self.data
            for key in ("action-submit", "action-publish", "action-restart-workflow")
        )
        page = self.instance
        if not submitting or page.pk is None:
            return cleaned
        last = page.versions.order_by("-published_at", "-pk").first()
        if last is None:
            return cleaned
        summary = (cleaned.get("change_summary") or "").strip()
        if not summary or summary == last.change_summary.strip():
            self.add_error(
                "change_summary",
                _(
                    "Beschrijf wat er in deze herziening is gewijzigd; de "
                    "beoordelaars lezen dit bij de nieuwe versie."
                ),
            )
        return cleaned
