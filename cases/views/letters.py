"""The letter templates in the admin: the quality officer words the letters to
clients; the placeholders each letter allows are shown with the text, and a saved
template can be previewed as PDF with made-up data."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.widgets import Button, HeaderButton
from wagtail.snippets.views.snippets import EditView, IndexView

from ..letters import (
    letter_placeholders_help,
    letter_preview_pdf,
    letter_templates_ensure,
)
from ..models import LetterTemplate
from .admin_base import PortalSnippetViewSet
from .downloads import as_download

PREVIEW_LABEL = gettext_lazy("Voorbeeld (PDF)")


class LetterTemplateForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kind = self.instance.kind
        if self.instance.pk and "kind" in self.fields:
            # The kind is what the portal sends the letter for; only the text moves.
            self.fields["kind"].disabled = True
        if kind:
            allowed = letter_placeholders_help(kind)
            self.fields["subject"].help_text = _(
                "U kunt dezelfde plaatshouders gebruiken als in de tekst."
            )
            self.fields["body"].help_text = _(
                "Een lege regel begint een nieuwe alinea. Plaatshouders (met de "
                "dubbele accolades) worden bij het versturen ingevuld; andere zijn "
                "niet toegestaan. Voor deze brief: %(allowed)s."
            ) % {"allowed": allowed}


def _preview_url(instance) -> str:
    return reverse(
        "wagtailsnippets_cases_lettertemplate:preview_pdf", args=[instance.pk]
    )


class LetterTemplateIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.permission_policy.user_has_permission(self.request.user, "change"):
            buttons.append(
                Button(
                    PREVIEW_LABEL,
                    url=_preview_url(instance),
                    icon_name="doc-full",
                    attrs={"target": "_blank", "rel": "noopener"},
                    priority=15,
                )
            )
        return buttons


class LetterTemplateEditView(EditView):
    @cached_property
    def header_buttons(self):
        return [
            *super().header_buttons,
            HeaderButton(
                PREVIEW_LABEL,
                url=_preview_url(self.object),
                icon_name="doc-full",
                attrs={"target": "_blank", "rel": "noopener"},
            ),
        ]


class LetterTemplateViewSet(PortalSnippetViewSet):
    """C3, C7, A3/A4, A6, A8, E2, E6: seven letters, one template each. Plain model
    permissions: only the quality officer has `change_lettertemplate`."""

    model = LetterTemplate
    icon = "mail"
    menu_label = gettext_lazy("Briefsjablonen")
    url_prefix = "register/briefsjablonen"
    list_display = ["__str__", "subject", "updated_at"]
    index_view_class = LetterTemplateIndexView
    edit_view_class = LetterTemplateEditView
    # There is one template per kind and all exist; nothing to add, copy or delete.
    add_view_enabled = False
    copy_view_enabled = False
    edit_handler = ObjectList(
        [FieldPanel("kind"), FieldPanel("subject"), FieldPanel("body")],
        base_form_class=LetterTemplateForm,
    )

    def get_queryset(self, request):
        # The listing is where the quality officer looks for them: make sure all
        # seven exist, worded by default, before it is shown.
        letter_templates_ensure()
        return LetterTemplate.objects.all()

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("preview-pdf/<int:pk>/", self.preview_pdf_view, name="preview_pdf"),
        ]

    def preview_pdf_view(self, request, pk):
        if not self.permission_policy.user_has_permission(request.user, "change"):
            raise PermissionDenied
        template = get_object_or_404(LetterTemplate, pk=pk)
        response = HttpResponse(letter_preview_pdf(template), "application/pdf")
        # Rendered here from the template with made-up data: shown in the browser.
        return as_download(response, f"voorbeeld-{template.kind}.pdf", inline=True)
