"""Evidence on an S3-compatible object store (issue 14, item 6): with several web
servers the evidence lives in one private bucket. Against a real S3 API (moto's
server on 127.0.0.1), configured the way a deployment is, through the environment
(PORTAL_EVIDENCE_STORAGE=s3 and PORTAL_S3_*)."""

from __future__ import annotations

import base64
import datetime
import hashlib
import urllib.error
import urllib.request
import uuid

import boto3
import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.http import FileResponse
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from cases.models import EvidenceFile
from cases.models.evidence import evidence_storage
from cases.services import (
    complaint_assign_handler,
    complaint_register,
    evidence_delete,
    evidence_upload,
    evidence_verify,
    signal_qualify,
    signal_record,
)
from cases.storage import EvidenceStorage, S3EvidenceStorage, StreamedObject
from portal.roles import ASSESSOR, CORE_GROUP, OFFICE_MANAGER, QUALITY_OFFICER
from portal.settings.base import _evidence_storage_from_env
from tests.factories import ClientFactory, UserFactory

from .conftest import S3_KEYS, S3_REGION

pytestmark = pytest.mark.django_db

REGION = S3_REGION
PREFIX = "bewijs"
KEYS = S3_KEYS
# Large enough to be read in several blocks, small enough for a quick test.
TEXT = b"".join(b"Regel %05d van het auditverslag.\n" % i for i in range(20_000))


@pytest.fixture
def s3(s3_endpoint):
    return boto3.client("s3", endpoint_url=s3_endpoint, region_name=REGION, **KEYS)


@pytest.fixture
def bucket(s3, s3_endpoint, settings, monkeypatch):
    """A fresh private bucket per test, and the evidence storage pointed at it the
    way a deployment does it: through the environment."""
    name = f"bewijs-{uuid.uuid4().hex[:16]}"
    s3.create_bucket(
        Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    s3.put_public_access_block(
        Bucket=name,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    for var, value in {
        "PORTAL_EVIDENCE_STORAGE": "s3",
        "PORTAL_S3_BUCKET": name,
        "PORTAL_S3_ENDPOINT_URL": s3_endpoint,
        "PORTAL_S3_ACCESS_KEY_ID": KEYS["aws_access_key_id"],
        "PORTAL_S3_SECRET_ACCESS_KEY": KEYS["aws_secret_access_key"],
        "PORTAL_S3_REGION": REGION,
        "PORTAL_S3_PREFIX": PREFIX,
    }.items():
        monkeypatch.setenv(var, value)
    # Changing STORAGES through the settings fixture also empties Django's cache of
    # storage instances (django.test.signals), so evidence_storage() sees it.
    settings.STORAGES = {**settings.STORAGES, "evidence": _evidence_storage_from_env()}
    assert isinstance(evidence_storage(), S3EvidenceStorage)
    return name


@pytest.fixture
def office():
    return UserFactory(roles=[OFFICE_MANAGER])


def _keys(s3, bucket) -> list[str]:
    return [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]


def _body(s3, bucket, name) -> bytes:
    return s3.get_object(Bucket=bucket, Key=f"{PREFIX}/{name}")["Body"].read()


def _upload(by, *, client=None, data=TEXT, name="verslag.txt", **kw):
    return evidence_upload(
        client=client or ClientFactory(),
        uploaded_file=SimpleUploadedFile(name, data),
        by=by,
        **kw,
    )


def _local_files(tmp_path) -> list:
    return [p for p in (tmp_path / "evidence").rglob("*") if p.is_file()]


# -- storing -----------------------------------------------------------------------


def test_upload_lands_in_the_bucket_with_s3s_sha256_equal_to_ours(
    s3, bucket, office, tmp_path
):
    evidence = _upload(office)

    assert _keys(s3, bucket) == [f"{PREFIX}/{evidence.file.name}"]
    assert _body(s3, bucket, evidence.file.name) == TEXT
    assert evidence.sha256 == hashlib.sha256(TEXT).hexdigest()
    assert evidence.size == len(TEXT)
    head = s3.head_object(
        Bucket=bucket, Key=f"{PREFIX}/{evidence.file.name}", ChecksumMode="ENABLED"
    )
    assert base64.b64decode(head["ChecksumSHA256"]).hex() == evidence.sha256
    assert evidence_storage().stored_sha256(evidence.file.name) == evidence.sha256
    # What a FieldFile does with it (the annual review's PDF): reopen, then read.
    with evidence_storage().open(evidence.file.name, "rb") as fh:
        assert fh.open("rb") is fh
        assert fh.read() == TEXT
        with pytest.raises(ValueError, match="cannot be reopened"):
            fh.open("rb")
    assert _local_files(tmp_path) == []  # nothing on this server's disk


def test_a_checksum_s3_disagrees_with_refuses_the_upload_and_leaves_nothing(
    s3, bucket, office, monkeypatch
):
    # As if the bytes had changed between our hash and the store.
    monkeypatch.setattr(S3EvidenceStorage, "stored_sha256", lambda self, name: "0" * 64)
    with pytest.raises(ValidationError, match="niet ongeschonden ontvangen"):
        _upload(office)
    assert _keys(s3, bucket) == []
    assert not EvidenceFile.objects.exists()
    assert not ModelLogEntry.objects.filter(action="portal.evidence.upload").exists()


def test_the_bucket_is_private_and_evidence_has_no_url(s3, s3_endpoint, bucket, office):
    evidence = _upload(office)
    key = f"{PREFIX}/{evidence.file.name}"

    grants = s3.get_object_acl(Bucket=bucket, Key=key)["Grants"]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]
    assert {g["Grantee"]["Type"] for g in grants} == {"CanonicalUser"}  # the owner
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{s3_endpoint}/{bucket}/{key}")  # noqa: S310
    assert refused.value.code == 403
    with pytest.raises(NotImplementedError):
        evidence_storage().url(evidence.file.name)


def test_a_stored_key_is_never_overwritten(s3, bucket, office):
    storage = evidence_storage()
    first = storage.save("2026/x/brief.txt", ContentFile(b"eerste\n"))
    second = storage.save("2026/x/brief.txt", ContentFile(b"tweede\n"))
    assert first != second
    assert _body(s3, bucket, first) == b"eerste\n"
    assert _body(s3, bucket, second) == b"tweede\n"
    # Should two servers pick the same free name at once, the store refuses the
    # second write (If-None-Match) instead of replacing the first.
    with pytest.raises(FileExistsError):
        storage._save(first, ContentFile(b"derde\n"))
    assert _body(s3, bucket, first) == b"eerste\n"

    v1 = _upload(office, data=b"versie 1\n")
    v2 = _upload(office, client=v1.client, data=b"versie 2\n", replaces=v1)
    assert v2.file.name != v1.file.name
    assert _body(s3, bucket, v1.file.name) == b"versie 1\n"
    assert _body(s3, bucket, v2.file.name) == b"versie 2\n"


@pytest.mark.parametrize("isolated", [False, True])
def test_text_is_extracted_from_the_streamed_object(
    bucket, office, django_capture_on_commit_callbacks, settings, isolated
):
    settings.PORTAL_EXTRACTION_ISOLATED = isolated  # in a child process, or not
    with django_capture_on_commit_callbacks(execute=True):
        evidence = _upload(office, data=b"Bevinding over xylofoonbeleid.\n")
    evidence.refresh_from_db()
    assert "xylofoonbeleid" in evidence.extracted_text
    assert evidence.extraction_error == ""


def test_deleting_evidence_removes_the_object(
    s3, bucket, office, django_capture_on_commit_callbacks
):
    evidence = _upload(office)
    with django_capture_on_commit_callbacks(execute=True):
        evidence_delete(
            evidence=evidence,
            by=UserFactory(roles=[QUALITY_OFFICER]),
            reason="Verkeerde klant.",
        )
    assert _keys(s3, bucket) == []


# -- downloading -------------------------------------------------------------------


@pytest.fixture
def complaint_evidence(bucket):
    """Evidence kept with a complaint, uploaded by its handler."""
    klant = ClientFactory(name="Zorggroep Objectopslag")
    office = UserFactory(roles=[OFFICE_MANAGER])
    quality = UserFactory(roles=[QUALITY_OFFICER])
    handler = UserFactory(roles=[CORE_GROUP])
    signal = signal_record(
        by=UserFactory(roles=[ASSESSOR]),
        client=klant,
        channel="email",
        received_at=timezone.now() - datetime.timedelta(days=1),
        description="De klant is boos over het rapport.",
    )
    signal_qualify(
        signal=signal, by=quality, is_complaint=True, ground="a", reason="Mail."
    )
    complaint = complaint_register(
        signal=signal, by=office, description="Rapport te laat.", formal_written=True
    )
    complaint = complaint_assign_handler(
        complaint=complaint, handler=handler, by=quality
    )
    evidence = _upload(handler, client=klant, case=complaint)
    return evidence, handler


def _download_log(evidence):
    return ModelLogEntry.objects.filter(
        action="portal.evidence.download", object_id=str(evidence.pk)
    )


def test_the_download_view_streams_the_object_to_someone_with_a_role_in_the_case(
    client, complaint_evidence, monkeypatch
):
    evidence, handler = complaint_evidence
    reads = []
    read = StreamedObject.read

    def spy(self, size=-1):
        reads.append(size)
        return read(self, size)

    monkeypatch.setattr(StreamedObject, "read", spy)
    client.force_login(handler)
    response = client.get(reverse("cases:evidence_download", args=[evidence.uuid]))

    assert response.status_code == 200
    assert response.streaming
    assert int(response["Content-Length"]) == len(TEXT)
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == TEXT
    # Read from the network block by block, never as a whole.
    assert len(reads) > 1
    assert 0 < max(reads) <= FileResponse.block_size
    assert _download_log(evidence).count() == 1


def test_the_download_view_gives_404_without_a_role_in_the_case(
    client, complaint_evidence
):
    evidence, _handler = complaint_evidence
    client.force_login(UserFactory(roles=[CORE_GROUP]))
    response = client.get(reverse("cases:evidence_download", args=[evidence.uuid]))
    assert response.status_code == 404
    assert not _download_log(evidence).exists()


def test_a_presigned_redirect_comes_only_after_the_check_and_the_log_entry(
    client, complaint_evidence, settings
):
    settings.PORTAL_EVIDENCE_PRESIGNED_SECONDS = 60
    evidence, handler = complaint_evidence
    url = reverse("cases:evidence_download", args=[evidence.uuid])

    client.force_login(UserFactory(roles=[CORE_GROUP]))
    assert client.get(url).status_code == 404
    assert not _download_log(evidence).exists()

    client.force_login(handler)
    response = client.get(url)
    assert response.status_code == 302
    assert _download_log(evidence).count() == 1
    assert "no-store" in response["Cache-Control"]
    link = response["Location"]
    assert "X-Amz-Signature=" in link
    assert "X-Amz-Expires=60" in link
    with urllib.request.urlopen(link) as fetched:  # noqa: S310
        assert fetched.read() == TEXT
        assert fetched.headers["Content-Disposition"].startswith("attachment")


def test_without_the_setting_the_view_streams_even_on_s3(client, complaint_evidence):
    evidence, handler = complaint_evidence
    client.force_login(handler)
    response = client.get(reverse("cases:evidence_download", args=[evidence.uuid]))
    assert response.status_code == 200  # PORTAL_EVIDENCE_PRESIGNED_SECONDS is 0


# -- verifying ---------------------------------------------------------------------


def test_verify_evidence_reads_the_bucket_and_finds_a_changed_and_a_missing_object(
    s3, bucket, office, capsys
):
    good = _upload(office, data=b"goed\n", name="goed.txt")
    changed = _upload(office, data=b"origineel\n", name="a.txt")
    missing = _upload(office, data=b"weg\n", name="b.txt")
    call_command("verify_evidence")
    assert "3 bestand(en) gecontroleerd, 0 probleem" in capsys.readouterr().out

    # Someone with access to the bucket replaces one object and removes another.
    s3.put_object(
        Bucket=bucket, Key=f"{PREFIX}/{changed.file.name}", Body=b"aangepast\n"
    )
    s3.delete_object(Bucket=bucket, Key=f"{PREFIX}/{missing.file.name}")

    checked, problems = evidence_verify()
    assert checked == 3
    assert {(p.evidence.pk, p.problem) for p in problems} == {
        (changed.pk, "altered"),
        (missing.pk, "missing"),
    }
    assert good.pk not in {p.evidence.pk for p in problems}
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_evidence")
    assert exit_info.value.code == 1
    assert "GEWIJZIGD" in capsys.readouterr().out


def test_verify_evidence_compares_the_checksum_the_store_keeps(
    bucket, office, monkeypatch
):
    evidence = _upload(office, data=b"goed\n", name="goed.txt")
    monkeypatch.setattr(S3EvidenceStorage, "stored_sha256", lambda self, name: "f" * 64)
    _checked, problems = evidence_verify()
    assert [(p.evidence.pk, p.problem, p.actual_sha256) for p in problems] == [
        (evidence.pk, "altered", "f" * 64)
    ]


# -- configuration -----------------------------------------------------------------


def test_local_is_the_default_evidence_storage(monkeypatch):
    monkeypatch.delenv("PORTAL_EVIDENCE_STORAGE", raising=False)
    config = _evidence_storage_from_env()
    assert config["BACKEND"] == "cases.storage.EvidenceStorage"
    assert config["OPTIONS"]["base_url"] is None


def test_an_unknown_evidence_storage_is_refused_in_dutch(monkeypatch):
    monkeypatch.setenv("PORTAL_EVIDENCE_STORAGE", "ftp")
    with pytest.raises(ImproperlyConfigured, match="'ftp' is onbekend; kies 'local'"):
        _evidence_storage_from_env()


def test_s3_without_a_bucket_is_refused_in_dutch(monkeypatch):
    monkeypatch.setenv("PORTAL_EVIDENCE_STORAGE", "s3")
    monkeypatch.delenv("PORTAL_S3_BUCKET", raising=False)
    with pytest.raises(ImproperlyConfigured, match="vraagt om PORTAL_S3_BUCKET"):
        _evidence_storage_from_env()


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ({"file_overwrite": True}, "nooit overschreven"),
        ({"default_acl": "public-read"}, "privé"),
        ({"querystring_auth": False}, "zonder openbaar adres"),
        ({"bucket_name": ""}, "bucket nodig"),
    ],
)
def test_the_s3_storage_refuses_to_be_public_or_overwriting(option, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        S3EvidenceStorage(**{"bucket_name": "bewijs", **option})


def test_the_local_storage_keeps_no_checksum_of_its_own(tmp_path):
    assert EvidenceStorage(location=tmp_path).stored_sha256("x.txt") is None
