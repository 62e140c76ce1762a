"""What every download of the register carries (issue 18, item 4): saved as a file
under a safe name, never sniffed into something a browser runs, never kept in a
cache (evidence, exports and letters are confidential)."""

from __future__ import annotations

from portal.downloads import as_download

__all__ = ["as_download"]
