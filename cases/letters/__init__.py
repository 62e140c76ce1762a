"""Letters to clients (C3, C7, A3/A4, A6, A8, E2, E6): wording from the admin,
rendered to PDF (filed and e-mailed by ``cases.services.letters``).

The quality officer words each letter in the admin (`LetterTemplate`). Their text is
never run through the Django template engine: only the placeholders listed in
`PLACEHOLDERS` are replaced, by a regular expression, with values computed here from
the case. Everything else in the text stays literal, and a template naming anything
else is refused when it is saved."""

from .compose import (
    Letter,
    letter_for_case,
    letter_pdf,
    letter_preview_pdf,
    letter_render,
    letter_sample_values,
    render_pdf,
)
from .placeholders import (
    PLACEHOLDERS,
    letter_placeholders,
    letter_placeholders_help,
    letter_text_problems,
)
from .values import (
    case_client,
    client_address_block,
    client_salutation,
    dutch_date,
    letterhead,
    organisation_name,
)
from .wording import (
    FILE_WORDS,
    case_model_of_letter,
    letter_default,
    letter_template,
    letter_templates_ensure,
)

__all__ = [
    "FILE_WORDS",
    "PLACEHOLDERS",
    "Letter",
    "case_client",
    "case_model_of_letter",
    "client_address_block",
    "client_salutation",
    "dutch_date",
    "letter_default",
    "letter_for_case",
    "letter_pdf",
    "letter_placeholders",
    "letter_placeholders_help",
    "letter_preview_pdf",
    "letter_render",
    "letter_sample_values",
    "letter_template",
    "letter_templates_ensure",
    "letter_text_problems",
    "letterhead",
    "organisation_name",
    "render_pdf",
]
