"""Streaming encryption of a backup archive (``PORTAL_BACKUP_KEY``).

The key is 32 random bytes written as URL-safe base64 (44 characters;
``manage.py backup --new-key`` prints one). The archive is cut into chunks of
1 MiB, each sealed with AES-256-GCM, so neither writing nor reading ever holds
the whole archive in memory.

Layout::

    header   = MAGIC (8) | version (1) | chunk size (4) | nonce prefix (8)
    check    = GCM tag over the header with the reserved counter (16)
    record*  = final flag (1) | length (4) | ciphertext with its tag

The nonce of chunk *i* is the random prefix followed by *i* (4 bytes); the
header, *i* and the final flag are authenticated with each chunk, so chunks cannot
be reordered, dropped or appended, and an archive cut short (no final chunk) is
detected. The check value tells a wrong key apart from a damaged archive.
"""

from __future__ import annotations

import base64
import binascii
import os
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .errors import BackupError

MAGIC = b"KPBACKUP"
VERSION = 1
CHUNK_SIZE = 1024 * 1024
_HEADER = struct.Struct(">8sBI8s")
_RECORD = struct.Struct(">BI")
_CHECK_COUNTER = 0xFFFFFFFF
_TAG = 16
KEY_ENV = "PORTAL_BACKUP_KEY"


def new_key() -> str:
    """A fresh key in the format ``PORTAL_BACKUP_KEY`` expects."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode("ascii")


def parse_key(text: str) -> bytes:
    """The 32 key bytes of ``text``; a Dutch BackupError for anything else."""
    try:
        raw = base64.urlsafe_b64decode(text.strip().encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raw = b""
    if len(raw) != 32:
        raise BackupError(
            f"{KEY_ENV} is geen geldige sleutel: verwacht worden 32 bytes in "
            "URL-veilige base64 (44 tekens). Maak er een met "
            "'manage.py backup --new-key'."
        )
    return raw


def key_from_env() -> bytes | None:
    """The key from the environment, or None when encryption is not configured."""
    text = os.environ.get(KEY_ENV, "").strip()
    return parse_key(text) if text else None


def is_encrypted(path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(len(MAGIC)) == MAGIC


def _nonce(prefix: bytes, counter: int) -> bytes:
    return prefix + counter.to_bytes(4, "big")


class EncryptingWriter:
    """A write-only file object that encrypts into ``raw`` chunk by chunk."""

    def __init__(self, raw, key: bytes, chunk_size: int = CHUNK_SIZE):
        self._raw = raw
        self._aead = AESGCM(key)
        self._chunk_size = chunk_size
        self._prefix = os.urandom(8)
        self._header = _HEADER.pack(MAGIC, VERSION, chunk_size, self._prefix)
        self._buffer = bytearray()
        self._counter = 0
        self._closed = False
        check = self._aead.encrypt(
            _nonce(self._prefix, _CHECK_COUNTER), b"", self._header
        )
        raw.write(self._header + check)

    def write(self, data) -> int:
        self._buffer += data
        while len(self._buffer) > self._chunk_size:
            self._seal(bytes(self._buffer[: self._chunk_size]), final=False)
            del self._buffer[: self._chunk_size]
        return len(data)

    def _seal(self, chunk: bytes, *, final: bool) -> None:
        if self._counter >= _CHECK_COUNTER:
            raise BackupError("Het archief is te groot voor één sleutelstroom.")
        flag = 1 if final else 0
        aad = self._header + struct.pack(">QB", self._counter, flag)
        sealed = self._aead.encrypt(_nonce(self._prefix, self._counter), chunk, aad)
        self._raw.write(_RECORD.pack(flag, len(sealed)) + sealed)
        self._counter += 1

    def close(self) -> None:
        """Seal the rest as the final chunk; the raw file stays open."""
        if not self._closed:
            self._seal(bytes(self._buffer), final=True)
            self._buffer.clear()
            self._closed = True


class DecryptingReader:
    """A read-only file object over an archive written by EncryptingWriter."""

    def __init__(self, raw, key: bytes):
        self._raw = raw
        header = raw.read(_HEADER.size)
        if len(header) != _HEADER.size:
            raise BackupError("Het versleutelde archief is leeg of afgebroken.")
        magic, version, chunk_size, prefix = _HEADER.unpack(header)
        if magic != MAGIC or version != VERSION:
            raise BackupError(
                "Dit is geen versleuteld archief van het kwaliteitsportaal, of een "
                "versie die deze code niet kent."
            )
        self._aead = AESGCM(key)
        self._header = header
        self._prefix = prefix
        self._max_record = chunk_size + _TAG
        check = raw.read(_TAG)
        try:
            self._aead.decrypt(_nonce(prefix, _CHECK_COUNTER), check, header)
        except InvalidTag:
            raise BackupError(
                f"De sleutel past niet bij dit archief: {KEY_ENV} is niet de sleutel "
                "waarmee de back-up is versleuteld (of de kop van het archief is "
                "beschadigd)."
            ) from None
        self._counter = 0
        self._plain = b""
        self._offset = 0
        self._done = False

    def _next_chunk(self) -> None:
        position = self._raw.tell() if hasattr(self._raw, "tell") else None
        head = self._raw.read(_RECORD.size)
        if len(head) < _RECORD.size:
            raise BackupError(
                "Het versleutelde archief is afgebroken: het laatste deel ontbreekt."
            )
        flag, length = _RECORD.unpack(head)
        if flag not in (0, 1) or not _TAG <= length <= self._max_record:
            raise BackupError(
                f"Het versleutelde archief is beschadigd (bij byte {position})."
            )
        sealed = self._raw.read(length)
        if len(sealed) < length:
            raise BackupError(
                "Het versleutelde archief is afgebroken: het laatste deel ontbreekt."
            )
        aad = self._header + struct.pack(">QB", self._counter, flag)
        try:
            plain = self._aead.decrypt(_nonce(self._prefix, self._counter), sealed, aad)
        except InvalidTag:
            raise BackupError(
                f"Het versleutelde archief is beschadigd: deel {self._counter + 1} "
                f"(bij byte {position}) klopt niet met zijn controlecode."
            ) from None
        self._counter += 1
        if flag == 1:
            if self._raw.read(1):
                raise BackupError(
                    "Het versleutelde archief is beschadigd: er staan gegevens na "
                    "het laatste deel."
                )
            self._done = True
        self._plain, self._offset = plain, 0

    def read(self, size: int = -1) -> bytes:
        parts = []
        wanted = size if size is not None and size >= 0 else None
        while wanted is None or wanted > 0:
            if self._offset >= len(self._plain):
                if self._done:
                    break
                self._next_chunk()
                continue
            end = len(self._plain) if wanted is None else self._offset + wanted
            part = self._plain[self._offset : end]
            self._offset += len(part)
            parts.append(part)
            if wanted is not None:
                wanted -= len(part)
        return b"".join(parts)
