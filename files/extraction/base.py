"""What the extractors of each format share: the Dutch failure, the logger."""

import logging
from typing import BinaryIO

from django.utils.translation import gettext as _

# One logger for every format, named for the package.
logger = logging.getLogger("files.extraction")


class ExtractionError(Exception):
    """A failure the user should be told about, with the reason in Dutch."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _is_empty(stream: BinaryIO) -> bool:
    position = stream.tell()
    empty = not stream.read(1)
    stream.seek(position)
    return empty


def require_content(stream: BinaryIO) -> None:
    if _is_empty(stream):
        raise ExtractionError(_("het bestand is leeg"))
