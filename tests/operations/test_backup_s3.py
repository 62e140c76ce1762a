"""Backup and restore with the evidence in an S3-compatible object store (issue 14,
item 6): the archive holds the objects' bytes, a restore writes them back into the
bucket, and the dossier and its download are the same afterwards. Against moto's
S3 server on 127.0.0.1, through manage.py as an operator runs it."""

from __future__ import annotations

import hashlib
import uuid

import boto3
import pytest

from .conftest import BACKUP_REPORT, S3_KEYS, S3_REGION
from .test_restore import DATA, STATE, VIEW, _only_archive

REGION = S3_REGION
KEYS = S3_KEYS


@pytest.fixture
def backup_s3_site(backup_site, s3_endpoint):
    """A portal of its own whose evidence lives in a fresh private bucket."""
    s3 = boto3.client("s3", endpoint_url=s3_endpoint, region_name=REGION, **KEYS)
    bucket = f"bewijs-{uuid.uuid4().hex[:16]}"
    s3.create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    site = backup_site()
    site.env.update(
        PORTAL_EVIDENCE_STORAGE="s3",
        PORTAL_S3_BUCKET=bucket,
        PORTAL_S3_ENDPOINT_URL=s3_endpoint,
        PORTAL_S3_ACCESS_KEY_ID=KEYS["aws_access_key_id"],
        PORTAL_S3_SECRET_ACCESS_KEY=KEYS["aws_secret_access_key"],
        PORTAL_S3_REGION=REGION,
        PORTAL_S3_PREFIX="bewijs",
    )
    return site, s3, bucket


def _objects(s3, bucket) -> dict[str, str]:
    found = {}
    for item in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
        body = s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
        found[item["Key"]] = hashlib.sha256(body).hexdigest()
    return found


@pytest.mark.django_db
def test_backup_and_restore_with_evidence_in_the_object_store(backup_s3_site, tmp_path):
    site, s3, bucket = backup_s3_site
    ids = site.script(DATA)
    in_bucket = _objects(s3, bucket)
    assert hashlib.sha256(BACKUP_REPORT).hexdigest() in in_bucket.values()
    assert not (site.folder / "evidence").exists()  # nothing on this server's disk
    seen = site.script(VIEW, **ids)
    assert seen["download"] == 200
    assert seen["sha256"] == hashlib.sha256(BACKUP_REPORT).hexdigest()
    before = site.script(STATE)

    out = tmp_path / "backups"
    assert "Back-up voltooid." in site.run("backup", "--output", str(out)).stdout
    archive = _only_archive(out)

    # The disaster: the database and the bucket's objects are gone.
    site.wipe()
    for key in in_bucket:
        s3.delete_object(Bucket=bucket, Key=key)
    assert _objects(s3, bucket) == {}

    restored = site.run("restore", str(archive))

    assert "Herstel voltooid en gecontroleerd" in restored.stdout, restored.stderr
    assert _objects(s3, bucket) == in_bucket
    assert site.script(STATE) == before
    assert site.script(VIEW, **ids) == seen


@pytest.mark.django_db
def test_a_damaged_archive_leaves_the_bucket_alone(backup_s3_site, tmp_path):
    site, s3, bucket = backup_s3_site
    site.script(DATA)
    out = tmp_path / "backups"
    site.run("backup", "--output", str(out))
    archive = _only_archive(out)
    archive.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    before = _objects(s3, bucket)

    refused = site.run("restore", "--force", str(archive), check=False)

    assert refused.returncode != 0
    assert _objects(s3, bucket) == before
