"""Where evidence bytes live: a folder on this server, or a private bucket of an
S3-compatible object store when several web servers share the evidence
(``PORTAL_EVIDENCE_STORAGE``, portal/settings/base.py).

Both answer the same storage API, and nothing outside this module knows which one is
configured: code reads evidence with ``open()`` (a forward-only stream on S3), writes
it with ``save()`` (never overwriting) and asks ``stored_sha256()`` for the checksum
the store computed itself, if it keeps one.
"""

from __future__ import annotations

import base64
import tempfile

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files import File
from django.core.files.storage import FileSystemStorage
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

_NO_URL = "Evidence has no public URL; link to cases:evidence_download instead."


class EvidenceStorage(FileSystemStorage):
    """Evidence on local disk with no public URL: the only way to its bytes is the
    permission-checked download view (cases.views.dossier.evidence_download)."""

    def url(self, name):
        raise NotImplementedError(_NO_URL)

    def stored_sha256(self, name: str) -> str | None:
        """A file system keeps no checksum of its own."""
        return None


class S3EvidenceStorage(S3Storage):
    """Evidence in a private bucket, the same for every web server.

    Private and written once whatever the project's ``AWS_*`` settings say: no ACL
    (the bucket's own, private, policy applies), no public URL, never overwriting (a
    name that exists gets a new one, and the store itself refuses to replace a key,
    ``If-None-Match: *``). S3 computes a SHA-256 of every object it stores
    (``stored_sha256``), which the evidence service compares with its own. Reading
    streams the object from the network; it is never held whole in memory."""

    def get_default_settings(self):
        return {
            **super().get_default_settings(),
            # Not inherited from AWS_* settings meant for other storages.
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
            "object_parameters": {},
            "gzip": False,
            "custom_domain": None,
            "location": "",
            # Signed links in the current scheme (SigV2 is retired at AWS).
            "signature_version": "s3v4",
        }

    def __init__(self, **options):
        super().__init__(**options)
        if not self.bucket_name:
            raise ImproperlyConfigured(
                "Voor bewijsstukken in een objectopslag is een bucket nodig "
                "(PORTAL_S3_BUCKET)."
            )
        if self.file_overwrite:
            raise ImproperlyConfigured(
                "Bewijsstukken worden nooit overschreven: file_overwrite moet uit "
                "staan."
            )
        if self.default_acl not in (None, "private"):
            raise ImproperlyConfigured(
                f"Bewijsstukken blijven privé: een openbare ACL ({self.default_acl}) "
                "is niet toegestaan."
            )
        if self.gzip or self.custom_domain or not self.querystring_auth:
            # Compressed objects would carry a checksum of other bytes than ours; a
            # custom domain or unsigned URLs would be public links.
            raise ImproperlyConfigured(
                "Bewijsstukken worden ongecomprimeerd en zonder openbaar adres "
                "opgeslagen (gzip, custom_domain en querystring_auth)."
            )

    @property
    def _client(self):
        return self.connection.meta.client

    def _key(self, name: str) -> str:
        return self._normalize_name(clean_name(name))

    def _save(self, name, content):
        cleaned = clean_name(name)
        key = self._normalize_name(cleaned)
        params = self._get_write_parameters(key, content)
        # Reading through chunks() is what lets the caller hash exactly the bytes
        # stored. The spool on local disk gives boto3 a seekable body of known
        # length: one PUT with S3's checksum, no part checksums to combine, and
        # the file never in memory.
        with tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR) as spool:
            for chunk in content.chunks():
                spool.write(chunk)
            spool.seek(0)
            try:
                self._client.put_object(
                    Bucket=self.bucket_name,
                    Key=key,
                    Body=spool,
                    ChecksumAlgorithm="SHA256",
                    IfNoneMatch="*",
                    **params,
                )
            except ClientError as err:
                if _status(err) == 412:
                    raise FileExistsError(
                        f"Evidence {cleaned!r} exists already; it is never replaced."
                    ) from err
                raise
        return cleaned

    def _open(self, name, mode="rb"):
        if any(flag in mode for flag in "wax+"):
            raise ValueError("Evidence is written once, through save().")
        try:
            response = self._client.get_object(
                Bucket=self.bucket_name, Key=self._key(name)
            )
        except ClientError as err:
            if _status(err) == 404:
                raise FileNotFoundError(f"No evidence stored as {name!r}.") from err
            raise
        return StreamedObject(
            response["Body"], name=clean_name(name), size=response["ContentLength"]
        )

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise NotImplementedError(_NO_URL)

    def presigned_download_url(
        self, name: str, *, content_disposition: str, content_type: str, expire: int
    ) -> str:
        """A signed link to one object, valid for ``expire`` seconds, that makes the
        store answer with our download headers. Only for the download view, after
        it checked the user's rights and wrote the audit-log entry."""
        return super().url(
            name,
            parameters={
                "ResponseContentDisposition": content_disposition,
                "ResponseContentType": content_type,
                "ResponseCacheControl": "no-store, private",
            },
            expire=expire,
        )

    def stored_sha256(self, name: str) -> str | None:
        """The SHA-256 (hex) S3 computed when it stored ``name``; None when it keeps
        none (an object written by another tool, or one put in parts, whose
        checksum is a checksum of checksums)."""
        head = self._client.head_object(
            Bucket=self.bucket_name, Key=self._key(name), ChecksumMode="ENABLED"
        )
        value = head.get("ChecksumSHA256") or ""
        if not value or "-" in value or head.get("ChecksumType") == "COMPOSITE":
            return None
        return base64.b64decode(value).hex()


class StreamedObject(File):
    """An object's body read straight from the network, forward only: the download
    view and the checks read it in blocks; whoever must seek (text extraction)
    copies it first."""

    def __init__(self, body, *, name: str, size: int):
        super().__init__(body, name=name)
        self.size = size

    def seekable(self) -> bool:
        return False

    def open(self, mode=None):
        # A FieldFile "reopens" a file it already holds; fine before the first read.
        if self.closed or self.file.tell():
            raise ValueError("A streamed evidence file cannot be reopened.")
        return self

    def read(self, size=-1):
        try:
            return self.file.read(None if size is None or size < 0 else size)
        except (BotoCoreError, ClientError) as exc:
            # botocore checks S3's checksum at the end of the body; a mismatch or a
            # broken connection is a failed read, like a disk error.
            raise OSError(f"Reading evidence {self.name!r} failed: {exc}") from exc

    def chunks(self, chunk_size=None):
        while data := self.read(chunk_size or self.DEFAULT_CHUNK_SIZE):
            yield data

    def multiple_chunks(self, chunk_size=None):
        return True


def _status(err: ClientError) -> int:
    return err.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
