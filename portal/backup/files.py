"""Evidence and media through Django's storage API only (``listdir``, ``open``,
``save``, ``delete``): the same code serves a folder on this server and an object
store (the evidence may live in S3, ``cases.storage``)."""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, storages

from .errors import BackupError

COPY_CHUNK = 1024 * 1024
# Files up to this size are copied in memory, bigger ones through a temporary file.
SPOOL_IN_MEMORY = 8 * 1024 * 1024


def evidence_storage():
    return storages["evidence"]


def media_storage():
    return storages["default"]


def walk(storage, top: str = "") -> Iterator[str]:
    """Every file name below ``top``, depth first, sorted; nothing for a storage
    whose root does not exist yet."""
    try:
        dirs, files = storage.listdir(top)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in sorted(files):
        yield f"{top}/{name}" if top else name
    for sub in sorted(dirs):
        yield from walk(storage, f"{top}/{sub}" if top else sub)


def safe_name(name: str) -> bool:
    """A relative name without ``..`` that stays below its folder."""
    path = PurePosixPath(name)
    return (
        bool(name)
        and not path.is_absolute()
        and "\\" not in name
        and all(part not in ("", ".", "..") for part in name.split("/"))
    )


def spool(storage, name: str, work_dir) -> tuple[tempfile.SpooledTemporaryFile, int]:
    """A private copy of one stored file, and its size. The archive needs the size
    before the bytes; a copy cannot change under the archive writer."""
    # Returned to the caller, who closes it.
    copy = tempfile.SpooledTemporaryFile(  # noqa: SIM115
        max_size=SPOOL_IN_MEMORY, dir=work_dir
    )
    size = 0
    with storage.open(name, "rb") as fh:
        while chunk := fh.read(COPY_CHUNK):
            copy.write(chunk)
            size += len(chunk)
    copy.seek(0)
    return copy, size


class HashingReader:
    """Reads through ``source`` while counting and hashing what passes."""

    def __init__(self, source):
        self._source = source
        self.sha256 = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self._source.read(size)
        self.sha256.update(data)
        self.size += len(data)
        return data

    def hexdigest(self) -> str:
        return self.sha256.hexdigest()


class _ChunkedFile(File):
    """Hands a forward-only stream to ``storage.save`` in chunks."""

    def chunks(self, chunk_size=None):
        while data := self.file.read(chunk_size or COPY_CHUNK):
            yield data

    def multiple_chunks(self, chunk_size=None):
        return True


def save_exact(storage, name: str, stream, size: int) -> None:
    """Store ``stream`` under exactly ``name`` (a restore must give each file its old
    name, which the database rows refer to)."""
    if storage.exists(name):
        storage.delete(name)
    content = _ChunkedFile(stream, name=name)
    content.size = size
    stored = storage.save(name, content)
    if stored != name:
        storage.delete(stored)
        raise BackupError(
            f"Het bestand '{name}' kon niet onder zijn eigen naam worden "
            f"teruggezet (de opslag koos '{stored}')."
        )


def delete_all(storage) -> int:
    count = 0
    for name in list(walk(storage)):
        storage.delete(name)
        count += 1
    return count


def count_files(storage, limit: int | None = None) -> int:
    count = 0
    for _name in walk(storage):
        count += 1
        if limit is not None and count >= limit:
            break
    return count


def protected_folders() -> dict[str, Path]:
    """The folders a backup may never be written into: the served media, the
    evidence (when it is a folder) and the collected static files."""
    folders = {"MEDIA_ROOT (mediabestanden)": Path(settings.MEDIA_ROOT)}
    evidence = evidence_storage()
    if isinstance(evidence, FileSystemStorage):
        folders["de map met bewijsstukken"] = Path(evidence.location)
    elif getattr(settings, "EVIDENCE_ROOT", None):
        folders["de map met bewijsstukken"] = Path(settings.EVIDENCE_ROOT)
    media = media_storage()
    if isinstance(media, FileSystemStorage):
        folders["de opslag van mediabestanden"] = Path(media.location)
    if getattr(settings, "STATIC_ROOT", None):
        folders["STATIC_ROOT (statische bestanden)"] = Path(settings.STATIC_ROOT)
    return folders


def refuse_unsafe_output(output: Path) -> None:
    """Refuse (before anything is written) an output folder inside a folder that
    is served or holds the live files."""
    target = output.expanduser().resolve()
    for label, folder in protected_folders().items():
        root = folder.expanduser().resolve()
        if target == root or root in target.parents:
            raise BackupError(
                f"De back-upmap {target} ligt in {label} ({root}). Daar mag geen "
                "back-up staan: die map wordt geserveerd of bevat de bestanden "
                "zelf. Kies een map daarbuiten (--output of PORTAL_BACKUP_DIR)."
            )
