"""Text extraction runs in a child process bounded in time and memory (issue 14).

A zip bomb, a PDF whose stream inflates hugely and a file that takes forever end
as a soft failure ("Tekst niet leesbaar ...: <why>"): the file is kept, the
process that asked survives, and normal files give their text as before.
"""

from __future__ import annotations

import io
import resource
import subprocess
import sys
import time

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from files import extraction
from files.extraction import bounded
from files.extraction.bounded import run_bounded
from tests import samples
from tests.files import hostile

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
UNREADABLE = "Tekst niet leesbaar in "
TOO_SLOW = "het uitlezen duurde langer dan"
TOO_MUCH_MEMORY = "het bestand vraagt te veel geheugen"
CRASHED = "het uitlezen is onverwacht afgebroken"


@pytest.fixture(autouse=True)
def _bounded(settings):
    # Test settings extract in-process (speed); these tests need the child. The
    # time limit leaves room for a busy test machine; tests that hit it set less.
    settings.PORTAL_EXTRACTION_ISOLATED = True
    settings.PORTAL_EXTRACTION_TIMEOUT = 20
    settings.PORTAL_EXTRACTION_MEMORY_MB = 256


@pytest.fixture
def children(monkeypatch):
    """The child processes started during the test."""
    started: list[subprocess.Popen] = []
    popen = subprocess.Popen

    def record(*args, **kwargs):
        child = popen(*args, **kwargs)
        started.append(child)
        return child

    monkeypatch.setattr(bounded.subprocess, "Popen", record)
    return started


def _gone(child: subprocess.Popen) -> bool:
    """Reaped: no process, not even a zombie, is left with its id."""
    try:
        with open(f"/proc/{child.pid}/stat") as stat:
            stat.read()
    except FileNotFoundError:
        return True
    return False


# -- normal files: the same text as before, through the child ---------------------


def test_normal_pdf_yields_the_same_text_through_the_child(children):
    data = samples.pdf()

    run = run_bounded(io.BytesIO(data), content_type=PDF, filename="procedure.pdf")

    assert run.outcome == "ok"
    assert run.result == extraction.extract_text(io.BytesIO(data), content_type=PDF)
    assert samples.DUTCH_WORD in run.result.text
    assert samples.ACCENTED_WORD in run.result.text
    assert len(children) == 1
    assert _gone(children[0])


def test_normal_docx_on_disk_yields_its_text_and_keeps_the_callers_position(
    tmp_path,
):
    path = tmp_path / "verslag.docx"
    path.write_bytes(samples.docx())
    with open(path, "rb") as handle:
        handle.seek(7)
        result = extraction.extract_text_bounded(
            handle, content_type=DOCX, filename="verslag.docx"
        )
        assert handle.tell() == 7

    assert result.error == ""
    assert samples.TABLE_WORD in result.text
    assert samples.ACCENTED_WORD in result.text


def test_a_stream_that_cannot_seek_is_copied_for_the_child():
    class ObjectStoreBody:
        """Like an object store's streaming body: read() only."""

        def __init__(self, data: bytes):
            self._stream = io.BytesIO(data)

        def read(self, size: int = -1) -> bytes:
            return self._stream.read(size)

    result = extraction.extract_text_bounded(
        ObjectStoreBody(samples.docx()), content_type="", filename="verslag.docx"
    )

    assert samples.DUTCH_WORD in result.text


def test_a_broken_file_keeps_its_own_reason_through_the_child():
    result = extraction.extract_text_bounded(
        io.BytesIO(samples.garbage_pdf()), content_type=PDF
    )

    assert result.text == ""
    assert result.error == (
        "Tekst niet leesbaar in dit PDF-bestand: het bestand is beschadigd."
    )


def test_a_type_without_text_starts_no_child(children):
    run = run_bounded(io.BytesIO(b"\x89PNG\r\n"), content_type="image/png")

    assert run.outcome == "skipped"
    assert run.result == extraction.ExtractionResult()
    assert children == []


def test_with_isolation_off_extraction_runs_in_this_process(settings, children):
    settings.PORTAL_EXTRACTION_ISOLATED = False

    result = extraction.extract_text_bounded(
        io.BytesIO(samples.pdf()), content_type=PDF
    )

    assert samples.DUTCH_WORD in result.text
    assert children == []


# -- hostile files: a soft failure that says why ----------------------------------


def test_docx_zip_bomb_of_a_few_hundred_kb_fails_soft():
    bomb = hostile.docx_zip_bomb()
    assert len(bomb) < 400_000  # unpacks to 2 GiB

    result = extraction.extract_text_bounded(
        io.BytesIO(bomb), content_type=DOCX, filename="bom.docx"
    )

    assert result.text == ""
    assert result.error == (
        "Tekst niet leesbaar in dit Word-bestand: het bestand is te groot om te "
        "doorzoeken."
    )


def test_docx_that_needs_too_much_memory_stops_at_the_memory_limit():
    docx = hostile.docx_one_huge_paragraph()
    assert len(docx) < 200_000

    run = run_bounded(io.BytesIO(docx), content_type=DOCX, memory_mb=192)

    assert run.result.error == (
        f"Tekst niet leesbaar in dit Word-bestand: {TOO_MUCH_MEMORY}."
    )
    assert run.peak_rss_kb < 192 * 1024


def test_pdf_whose_stream_inflates_hugely_stops_at_the_memory_limit():
    pdf = hostile.pdf_huge_stream()
    assert len(pdf) < 200_000  # inflates to 70 MiB of text operators

    run = run_bounded(io.BytesIO(pdf), content_type=PDF, memory_mb=128)

    assert run.outcome == "ok"  # the child reported it itself
    assert run.result.error == (
        f"Tekst niet leesbaar in dit PDF-bestand: {TOO_MUCH_MEMORY}."
    )


def test_slow_pdf_is_stopped_at_the_time_limit(settings, children):
    settings.PORTAL_EXTRACTION_TIMEOUT = 2
    started = time.monotonic()

    result = extraction.extract_text_bounded(
        io.BytesIO(hostile.pdf_slow()), content_type=PDF, filename="traag.pdf"
    )

    assert time.monotonic() - started < 8
    assert result.error == (
        "Tekst niet leesbaar in dit PDF-bestand: het uitlezen duurde langer dan "
        "2 seconden."
    )
    assert _gone(children[0])


def test_a_child_that_never_ends_is_killed_at_the_wall_clock(settings, children):
    settings.PORTAL_EXTRACTION_TEST_SLEEP = 600  # asleep: no CPU limit would fire
    started = time.monotonic()

    run = run_bounded(
        io.BytesIO(b"Gewoon een verslag."), content_type="text/plain", timeout=1
    )

    assert time.monotonic() - started < 6
    assert run.outcome == "timeout"
    assert run.result.error == (
        f"Tekst niet leesbaar in dit tekstbestand: {TOO_SLOW} 1 seconde."
    )
    assert children[0].returncode < 0
    assert _gone(children[0])


def test_the_calling_process_neither_grows_nor_waits_longer_than_the_limit():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()

    for data in (hostile.pdf_huge_stream(), hostile.pdf_slow()):
        result = run_bounded(io.BytesIO(data), content_type=PDF, timeout=2).result
        assert result.error.startswith(UNREADABLE)

    assert time.monotonic() - started < 15
    # The samples are built in a few MB here (their streams compressed piece by
    # piece); parsing them (hundreds of MB) happened in the children. The high-water
    # mark can only show growth above this worker's earlier peak, so the samples
    # must not raise it themselves.
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kb < 120 * 1024


# -- a child that misbehaves: never an exception to the user ----------------------


@pytest.mark.parametrize(
    ("script", "reason"),
    [
        ("import sys; sys.exit(7)", CRASHED),
        ("print('geen JSON')", CRASHED),
        ('print(\'{"text": 3, "error": [], "log": []}\')', CRASHED),
        ("import os, signal; os.kill(os.getpid(), signal.SIGSEGV)", CRASHED),
        ("import os, signal; os.kill(os.getpid(), signal.SIGXCPU)", TOO_SLOW),
        ("import os; os._exit(3)", TOO_MUCH_MEMORY),
        ("import sys; sys.stdout.write('x' * 3_000_000)", CRASHED),
    ],
    ids=["exit", "garbage", "wrong-types", "segfault", "cpu", "memory", "flood"],
)
def test_a_misbehaving_child_is_a_soft_failure(settings, monkeypatch, script, reason):
    settings.PORTAL_EXTRACTION_MAX_CHARS = 100_000  # caps its answer at 1.6 MB
    monkeypatch.setattr(
        bounded, "_child_command", lambda: [sys.executable, "-c", script]
    )

    result = extraction.extract_text_bounded(io.BytesIO(b"%PDF-1.7"), content_type=PDF)

    assert result.text == ""
    assert result.error.startswith(UNREADABLE + "dit PDF-bestand: " + reason)


def test_a_child_that_cannot_be_started_is_a_soft_failure(monkeypatch):
    monkeypatch.setattr(
        bounded, "_child_command", lambda: ["/nonexistent/python-voor-extractie"]
    )

    result = extraction.extract_text_bounded(io.BytesIO(b"%PDF-1.7"), content_type=PDF)

    assert result.error == f"Tekst niet leesbaar in dit PDF-bestand: {CRASHED}."


def test_a_file_that_cannot_be_read_is_a_soft_failure():
    class Unreadable(io.RawIOBase):
        def readable(self):
            return True

        def readinto(self, buffer):
            raise OSError("verbinding met de opslag verbroken")

    result = extraction.extract_text_bounded(Unreadable(), content_type=PDF)

    assert result.error == (
        "Tekst niet leesbaar in dit PDF-bestand: het bestand kon niet worden gelezen."
    )


# -- through the services: the evidence and its bytes are kept --------------------


@pytest.fixture
def dossier(db):
    from tests.factories import ClientFactory

    return ClientFactory(name="Zorginstelling Grenslaan")


def _upload(dossier, data: bytes, name: str, capture):
    from cases.services import evidence_upload
    from portal.roles import OFFICE_MANAGER
    from tests.factories import UserFactory

    office = UserFactory(roles=[OFFICE_MANAGER])
    with capture(execute=True):
        evidence = evidence_upload(
            client=dossier, uploaded_file=ContentFile(data, name=name), by=office
        )
    evidence.refresh_from_db()
    return evidence


def test_hostile_evidence_is_kept_with_the_reason_shown_to_the_quality_officer(
    dossier, client, settings, django_capture_on_commit_callbacks
):
    from cases.models.evidence import evidence_storage
    from portal.roles import QUALITY_OFFICER
    from tests.factories import UserFactory

    settings.PORTAL_EXTRACTION_TIMEOUT = 2
    data = hostile.pdf_slow()

    evidence = _upload(dossier, data, "traag.pdf", django_capture_on_commit_callbacks)

    assert evidence.extracted_text == ""
    assert evidence.extraction_error == (
        "Tekst niet leesbaar in dit PDF-bestand: het uitlezen duurde langer dan "
        "2 seconden."
    )
    with evidence_storage().open(evidence.file.name, "rb") as stored:
        assert stored.read() == data
    client.force_login(UserFactory(roles=[QUALITY_OFFICER]))
    page = client.get(reverse("cases:dossier", args=[dossier.pk]))
    assert evidence.extraction_error in page.content.decode()


def test_zip_bomb_evidence_is_kept_and_a_normal_pdf_is_searchable(
    dossier, django_capture_on_commit_callbacks
):
    bomb = _upload(
        dossier, hostile.docx_zip_bomb(), "bom.docx", django_capture_on_commit_callbacks
    )
    normal = _upload(
        dossier, samples.pdf(), "procedure.pdf", django_capture_on_commit_callbacks
    )

    assert bomb.extraction_error.startswith(UNREADABLE + "dit Word-bestand")
    assert bomb.size == len(hostile.docx_zip_bomb())
    assert normal.extraction_error == ""
    assert samples.DUTCH_WORD in normal.extracted_text


def test_hostile_procedure_attachment_is_kept_with_its_reason(db, settings):
    from documents.models import PortalDocument

    settings.PORTAL_EXTRACTION_MEMORY_MB = 128

    document = PortalDocument.objects.create(
        title="Model", file=ContentFile(hostile.pdf_huge_stream(), name="model.pdf")
    )

    document.refresh_from_db()
    assert document.extraction_error == (
        f"Tekst niet leesbaar in dit PDF-bestand: {TOO_MUCH_MEMORY}."
    )
    assert document.extracted_text == ""
    assert document.file.size > 0
