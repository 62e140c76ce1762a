"""Names under which evidence is stored: never the uploader's name as given."""

import re
import unicodedata
from pathlib import PurePath

_UNSAFE_CHARACTERS = re.compile(r"[^A-Za-z0-9._-]+")
_WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{n}" for n in range(1, 10)}
    | {f"lpt{n}" for n in range(1, 10)}
)
MAX_STORAGE_NAME = 100


def safe_storage_name(original: str) -> str:
    """A file name safe on any disk and in any URL, close to the uploader's name.

    Directory parts (browsers on Windows may send ``C:\\...``), control characters
    and everything outside ASCII letters, digits, ``.``, ``_`` and ``-`` are removed
    (accents are folded: ``café`` becomes ``cafe``); the extension is kept and
    lowercased; the result is at most 100 characters. The original name is kept
    separately for display.
    """
    name = original.replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    extension = _UNSAFE_CHARACTERS.sub("", extension).lower()[:10]
    stem = _UNSAFE_CHARACTERS.sub("-", stem.strip())
    stem = re.sub(r"[-.]{2,}", "-", stem).strip("._-")
    if not stem:
        stem = "bestand"
    suffix = f".{extension}" if extension else ""
    stem = stem[: MAX_STORAGE_NAME - len(suffix)].rstrip("._-") or "bestand"
    if stem.lower().split(".", 1)[0] in _WINDOWS_RESERVED:
        stem = f"{stem}_"  # still a device name on Windows, e.g. in a backup
    return f"{stem}{suffix}"


def _extension(filename: str) -> str:
    suffix = PurePath(filename.replace("\\", "/")).suffix
    return suffix[1:].lower()


_SCRIPT_EXTENSIONS = frozenset(
    {
        "bat",
        "cmd",
        "com",
        "hta",
        "js",
        "jse",
        "lnk",
        "msc",
        "ps1",
        "psm1",
        "reg",
        "scr",
        "sh",
        "url",
        "vbe",
        "vbs",
        "wsf",
        "wsh",
    }
)
