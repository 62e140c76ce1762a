from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminPageForm


class ProcedurePageForm(WagtailAdminPageForm):
    """A revision submitted for approval (or published) must say what changed: the
    assessors read it in "Wat is er gewijzigd" (C10)."""

    def clean(self):
        cleaned = super().clean()
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
