"""What every download of the register carries (issue 18, item 4): saved as a file
under a safe name, never sniffed into something a browser runs, never kept in a
cache (evidence, exports and letters are confidential)."""

from __future__ import annotations

from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header


def as_download(response, filename: str, *, inline: bool = False):
    """``inline`` only for PDFs the portal rendered itself (a letter template's
    preview), which a reader wants to see at once; uploads are always saved."""
    # content_disposition_header quotes the name and encodes anything outside
    # ASCII (RFC 6266), so a client's file name cannot break the header.
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=not inline, filename=filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
    return response
