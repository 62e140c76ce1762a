"""E-mail (.eml): the headers a reader looks at, the body, attachment names."""

import email
from email import policy
from email.message import EmailMessage
from typing import BinaryIO

from django.utils.translation import gettext as _

from .base import ExtractionError, logger, require_content
from .text import decode_text, html_to_text

_EMAIL_HEADERS = (
    ("From", "Van"),
    ("To", "Aan"),
    ("Cc", "Cc"),
    ("Date", "Datum"),
    ("Subject", "Onderwerp"),
)


def extract_eml(stream: BinaryIO, max_chars: int) -> str:
    require_content(stream)
    message = email.message_from_binary_file(stream, policy=policy.default)
    if not isinstance(message, EmailMessage) or not message.keys():
        raise ExtractionError(_("het bestand is geen e-mailbericht"))
    lines = []
    for header, label in _EMAIL_HEADERS:
        value = _header_value(message, header)
        if value:
            lines.append(f"{label}: {value}")
    parts = ["\n".join(lines), _email_body(message, max_chars)]
    attachments = _attachment_names(message)
    if attachments:
        parts.append(_("Bijlagen: %(names)s") % {"names": ", ".join(attachments)})
    return "\n\n".join(part for part in parts if part)


def _header_value(message: EmailMessage, name: str) -> str:
    try:
        return str(message.get(name, "") or "")
    except Exception:
        # The stdlib's structured header parser still trips over some malformed
        # headers; fall back to the raw value rather than losing the message.
        logger.info("Malformed %s header; using its raw value", name, exc_info=True)
        for key, value in message.raw_items():
            if key.lower() == name.lower():
                return str(value)
        return ""


def _email_body(message: EmailMessage, max_chars: int) -> str:
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None:
        return ""
    content = _part_text(body)
    if body.get_content_subtype() == "html":
        return html_to_text(content, max_chars)
    return content


def _part_text(part: EmailMessage) -> str:
    try:
        content = part.get_content()
    except (LookupError, ValueError, AssertionError):
        # Unknown or lying charset: decode the bytes ourselves.
        payload = part.get_payload(decode=True) or b""
        return decode_text(payload if isinstance(payload, bytes) else b"")
    return content if isinstance(content, str) else ""


def _attachment_names(message: EmailMessage) -> list[str]:
    names = []
    for part in message.walk():
        try:
            filename = part.get_filename()
        except Exception:
            logger.info("Unreadable attachment name", exc_info=True)
            continue
        if filename:
            names.append(str(filename))
    return names
