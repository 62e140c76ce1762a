"""Reading a backup archive, and verifying it completely before anything is
written: decryptable, a well-formed manifest, every member present with the
SHA-256 and size the manifest names, and nothing the manifest does not name."""

from __future__ import annotations

import hashlib
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from . import crypto, files, manifest
from .errors import BackupError

READ_CHUNK = 1024 * 1024
MANIFEST_LIMIT = 256 * 1024 * 1024
_ROOTS = ("database/", "evidence/", "media/")


@dataclass
class Verified:
    path: Path
    manifest: dict
    encrypted: bool
    member_count: int
    total_size: int


def _damaged(path: Path, after: str | None, err: Exception) -> BackupError:
    where = f"na '{after}'" if after else "aan het begin"
    return BackupError(
        f"Het archief {path.name} is beschadigd of afgebroken ({where}): {err}. "
        "Gebruik een andere back-up."
    )


@contextmanager
def _tar(path: Path, key: bytes | None) -> Iterator[tarfile.TarFile]:
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"Het archief {path} bestaat niet.")
    encrypted = crypto.is_encrypted(path)
    if encrypted and key is None:
        raise BackupError(
            f"Het archief {path.name} is versleuteld. Zet de sleutel waarmee het is "
            f"gemaakt in {crypto.KEY_ENV} en probeer het opnieuw."
        )
    with open(path, "rb") as raw:
        stream = crypto.DecryptingReader(raw, key) if encrypted else raw
        try:
            tar = tarfile.open(fileobj=stream, mode="r|")  # noqa: SIM115
        except (tarfile.TarError, EOFError) as err:
            raise _damaged(path, None, err) from None
        with tar:
            yield tar


def members(path: Path, key: bytes | None) -> Iterator[tuple[str, object, int]]:
    """(name, readable stream, size) of each member in archive order; the stream
    must be read before the next member is asked for."""
    path = Path(path)
    previous = None
    with _tar(path, key) as tar:
        iterator = iter(tar)
        while True:
            try:
                info = next(iterator)
            except StopIteration:
                return
            except (tarfile.TarError, EOFError, OSError) as err:
                raise _damaged(path, previous, err) from None
            name = info.name
            if not info.isfile():
                raise BackupError(
                    f"Het archief {path.name} bevat '{name}', dat geen gewoon "
                    "bestand is; zo'n archief wordt niet teruggezet."
                )
            if name not in (manifest.MANIFEST, manifest.MANIFEST_SUM) and not (
                name.startswith(_ROOTS) and files.safe_name(name)
            ):
                raise BackupError(
                    f"Het archief {path.name} bevat een onverwacht bestand '{name}'."
                )
            try:
                yield name, tar.extractfile(info), info.size
            except (tarfile.TarError, EOFError) as err:
                raise _damaged(path, name, err) from None
            previous = name


def _digest(stream, name: str, path: Path) -> tuple[str, int, bytes | None]:
    """SHA-256 and size of one member; the bytes themselves only for the
    manifest files."""
    digest = hashlib.sha256()
    size = 0
    keep = name in (manifest.MANIFEST, manifest.MANIFEST_SUM)
    kept = bytearray()
    try:
        while chunk := stream.read(READ_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            if keep:
                if size > MANIFEST_LIMIT:
                    raise BackupError("Het manifest van het archief is te groot.")
                kept += chunk
    except (tarfile.TarError, EOFError) as err:
        raise _damaged(path, name, err) from None
    return digest.hexdigest(), size, bytes(kept) if keep else None


def verify(path: Path, *, key: bytes | None, progress=None) -> Verified:
    """Read the whole archive once and compare it with its manifest. Raises a
    BackupError naming the member and what was expected and found."""
    path = Path(path)
    found: dict[str, tuple[str, int]] = {}
    raw_manifest = raw_sum = None
    total = 0
    if progress:
        progress.step(f"Archief controleren: {path.name}")
    for name, stream, _size in members(path, key):
        if name in found or (name == manifest.MANIFEST and raw_manifest is not None):
            raise BackupError(f"Het archief bevat '{name}' twee keer.")
        digest, size, kept = _digest(stream, name, path)
        total += size
        if name == manifest.MANIFEST:
            raw_manifest = kept
        elif name == manifest.MANIFEST_SUM:
            raw_sum = kept
        else:
            found[name] = (digest, size)
    if raw_manifest is None or raw_sum is None:
        raise BackupError(
            f"Het archief {path.name} is onvolledig: "
            f"{manifest.MANIFEST if raw_manifest is None else manifest.MANIFEST_SUM} "
            "ontbreekt (het archief is afgebroken of geen back-up van dit portaal)."
        )
    expected_sum = raw_sum.decode("ascii", "replace").strip()
    actual_sum = hashlib.sha256(raw_manifest).hexdigest()
    if expected_sum != actual_sum:
        raise BackupError(
            f"Het manifest van {path.name} is beschadigd: SHA-256 verwacht "
            f"{expected_sum}, gevonden {actual_sum}."
        )
    data = manifest.parse(raw_manifest)
    _compare(data, found, path)
    if progress:
        progress.note(
            f"{len(found)} bestand(en) gecontroleerd, alle SHA-256 en groottes "
            "gelijk aan het manifest."
        )
    return Verified(path, data, crypto.is_encrypted(path), len(found), total)


def _compare(data: dict, found: dict[str, tuple[str, int]], path: Path) -> None:
    listed = data["files"]
    for name, entry in sorted(listed.items()):
        if name not in found:
            raise BackupError(
                f"Het archief {path.name} mist '{name}', dat in het manifest staat."
            )
        digest, size = found[name]
        if digest != entry["sha256"] or size != entry["size"]:
            raise BackupError(
                f"'{name}' in {path.name} is beschadigd: verwacht SHA-256 "
                f"{entry['sha256']} ({entry['size']} bytes), gevonden {digest} "
                f"({size} bytes)."
            )
    extra = sorted(set(found) - set(listed))
    if extra:
        raise BackupError(
            f"Het archief {path.name} bevat '{extra[0]}', dat niet in het manifest "
            "staat."
        )
    for entry in data["evidence"]:
        member = entry.get("member")
        if entry["status"] != "ok":
            continue
        if member not in listed:
            raise BackupError(
                f"Bewijsstuk '{entry['name']}' staat in het manifest, maar zijn "
                "bestand niet in het archief."
            )
        if listed[member]["sha256"] != entry["sha256"]:
            raise BackupError(
                f"Bewijsstuk '{entry['name']}': de SHA-256 in het archief "
                f"({listed[member]['sha256']}) is niet die van de upload "
                f"({entry['sha256']})."
            )
