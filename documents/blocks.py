from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class NoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("tekst"))

    class Meta:
        icon = "warning"
        label = _("opmerking")
        template = "documents/blocks/note.html"


class SectionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("kop"), max_length=200)
    content = blocks.StreamBlock(
        [
            (
                "paragraph",
                blocks.RichTextBlock(
                    label=_("alinea"), features=["bold", "italic", "link", "ol", "ul"]
                ),
            ),
            ("bullets", blocks.ListBlock(blocks.CharBlock(), label=_("opsomming"))),
            ("note", NoteBlock()),
        ],
        label=_("inhoud"),
    )

    class Meta:
        icon = "doc-full"
        label = _("paragraaf")
        template = "documents/blocks/section.html"
