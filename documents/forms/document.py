"""The admin form of a document (procedure attachment). Not imported by the
package's ``__init__``: the page models import that at model-load time, and
Wagtail's document forms need the app registry (settings name this module)."""

from django import forms
from django.utils.translation import gettext as _
from wagtail.documents.forms import BaseDocumentForm


class PortalDocumentForm(BaseDocumentForm):
    """Wagtail's document form plus a read-only line saying whether search can
    read the file (issue 6, item 4: a failed extraction is shown, not hidden)."""

    search_text_status = forms.CharField(
        label=_("Doorzoekbare tekst"),
        required=False,
        disabled=True,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["search_text_status"].initial = extraction_status(self.instance)


def extraction_status(document) -> str:
    """One Dutch sentence on the text search has of ``document``."""
    if document is None or not document.pk:
        return _("Na het opslaan wordt de tekst van het bestand doorzoekbaar gemaakt.")
    if document.extraction_error:
        return _(
            "Niet doorzoekbaar. %(error)s Het document zelf is bewaard; vervang het "
            "bestand door een leesbare versie (bijvoorbeeld een PDF met tekst) om "
            "het te laten vinden."
        ) % {"error": document.extraction_error}
    if document.extracted_at is None:
        return _("De tekst is nog niet gelezen.")
    if not document.extracted_text:
        return _(
            "Dit bestand bevat geen tekst om te doorzoeken (bijvoorbeeld een scan)."
        )
    return _("Doorzoekbaar: %(count)s tekens tekst gelezen.") % {
        "count": f"{len(document.extracted_text):,}".replace(",", ".")
    }
