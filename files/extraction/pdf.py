"""PDF: pypdf, which opens files that only restrict printing or copying."""

from typing import BinaryIO

from django.utils.translation import gettext as _

from .base import ExtractionError, logger, require_content


def extract_pdf(stream: BinaryIO, max_chars: int) -> str:
    from pypdf import PdfReader
    from pypdf.errors import (
        DependencyError,
        FileNotDecryptedError,
        PdfReadError,
        PyPdfError,
    )

    require_content(stream)
    try:
        reader = PdfReader(stream, strict=False)
        if reader.is_encrypted and not _decrypt_without_password(reader):
            raise ExtractionError(_("het bestand is beveiligd met een wachtwoord"))
        pages: list[str] = []
        length = 0
        for page in reader.pages:
            page_text = page.extract_text() or ""
            pages.append(page_text)
            length += len(page_text)
            if length > max_chars:
                break
    except (FileNotDecryptedError, DependencyError) as exc:
        logger.warning("Cannot decrypt PDF: %s", exc)
        raise ExtractionError(_("het bestand is beveiligd met een wachtwoord")) from exc
    except PdfReadError as exc:
        logger.warning("Broken PDF: %s", exc)
        raise ExtractionError(_("het bestand is beschadigd")) from exc
    except PyPdfError as exc:
        # pypdf's own bounds (e.g. LimitReachedError: too many tokens or bytes in
        # one stream, pypdf >= 6) stop a file that is too big to read.
        if type(exc).__name__ != "LimitReachedError":
            raise
        logger.warning("PDF beyond pypdf's limits: %s", exc)
        raise ExtractionError(_("het bestand is te groot om te doorzoeken")) from exc
    return "\n\n".join(pages)


def _decrypt_without_password(reader) -> bool:
    """Open PDFs that only restrict printing or copying (empty user password)."""
    from pypdf import PasswordType

    return reader.decrypt("") != PasswordType.NOT_DECRYPTED


# DOCX
