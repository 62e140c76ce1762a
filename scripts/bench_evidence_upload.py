"""Benchmark (not a test): memory of one large evidence upload over real HTTP.

Run from the project root:

    .venv/bin/python scripts/bench_evidence_upload.py [--mb 50] [--kind pdf|txt]

Acceptance: uploading a 50 MB file grows the process's peak memory by less than
30 MB. Everything happens in a throw-away folder (SQLite database, evidence storage,
search index) that is removed afterwards; the developer's data folder is not touched.

What is measured. A Django WSGI server (django.core.servers.basehttp, the server of
`runserver`) runs in a thread of this process on 127.0.0.1. The upload is a real
multipart POST to the admin view `cases_admin:evidence_upload`, logged in as an
office manager (session made with `force_login`, CSRF token taken from the dossier
page). The request body is streamed from the file on disk with http.client in
256 KB chunks, so the client side holds one chunk at a time and what grows is the
server side: Django's upload handlers (a temporary file above
FILE_UPLOAD_MAX_MEMORY_SIZE), the type sniffer, hashing and copying to the evidence
storage, the database row, and, with the portal's default immediate task backend,
the text extraction that runs inside the same request.

- tracemalloc peak: the most Python heap allocated at once during the step, above
  what was allocated when it started (all threads; measured in its own run,
  because tracing slows Python down).
- RSS growth: the kernel's resident-set high-water mark (VmHWM, reset before each
  step through /proc/self/clear_refs) minus the RSS at the start of the step; it
  includes C allocations (SQLite, zlib, OpenSSL) that tracemalloc does not see.
  Where the reset is not allowed, ru_maxrss growth is shown instead (marked *): a
  lower bound, since it only moves once the earlier high-water mark is passed.
- time: wall-clock of the untraced run.

A small upload first warms the process up (imports, URL configuration, templates,
PDF library, search index), so the figures are about the big file, not start-up.

Exit status is 0 whether or not the target is met: this is a benchmark.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import http.client
import os
import re
import resource
import shutil
import sys
import tempfile
import threading
import time
import tracemalloc
import uuid
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIB = 1024 * 1024
CHUNK = 256 * 1024
TARGET_MB = 30.0


# Measuring


def _proc_status_kb(field: str) -> int | None:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_high_water_mark() -> bool:
    """Reset VmHWM to the current RSS (Linux >= 4.0); False if not allowed."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        return False
    return True


def _maxrss_kb() -> int:
    # ru_maxrss is in kilobytes on Linux (bytes on macOS).
    value = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return value // 1024 if sys.platform == "darwin" else value


@dataclass
class Measurement:
    seconds: float = 0.0
    traced_peak_mb: float | None = None
    rss_growth_mb: float | None = None
    rss_exact: bool = True
    result: object = None


def measure(step, *, trace: bool) -> Measurement:
    """Run ``step()`` once and measure it (tracemalloc only when ``trace``)."""
    gc.collect()
    exact = _reset_high_water_mark()
    rss_before = _proc_status_kb("VmRSS")
    maxrss_before = _maxrss_kb()
    if trace:
        tracemalloc.start()
        tracemalloc.reset_peak()
        traced_before, _ = tracemalloc.get_traced_memory()
    started = time.perf_counter()
    try:
        result = step()
    finally:
        seconds = time.perf_counter() - started
        if trace:
            _, traced_peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
    out = Measurement(seconds=seconds, result=result, rss_exact=exact)
    if trace:
        out.traced_peak_mb = (traced_peak - traced_before) / MIB
    hwm = _proc_status_kb("VmHWM")
    if exact and hwm is not None and rss_before is not None:
        out.rss_growth_mb = (hwm - rss_before) / 1024
    else:
        out.rss_exact = False
        out.rss_growth_mb = (_maxrss_kb() - maxrss_before) / 1024
    return out


# The file


def write_pdf(path: Path, size: int) -> str:
    """A valid one-page PDF of about ``size`` bytes, most of it an uncompressed image
    of random pixels (like a scan), written in chunks. Returns its SHA-256."""
    digest = hashlib.sha256()
    offsets = []
    width = 1000

    with open(path, "wb") as fh:

        def put(data: bytes) -> None:
            fh.write(data)
            digest.update(data)

        def obj(number: int, body: bytes) -> None:
            offsets.append(fh.tell())
            put(b"%d 0 obj\n" % number + body + b"\nendobj\n")

        put(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        obj(1, b"<< /Type /Catalog /Pages 2 0 R >>")
        obj(2, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
        obj(
            3,
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 4 0 R >> /XObject << /Im1 6 0 R >> >> "
            b"/Contents 5 0 R >>",
        )
        obj(4, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
        content = (
            b"BT /F1 14 Tf 72 780 Td (Benchmark bewijsstuk: gescand rapport) Tj ET\n"
            b"q 451 0 0 600 72 120 cm /Im1 Do Q\n"
        )
        obj(5, b"<< /Length %d >>\nstream\n" % len(content) + content + b"endstream")
        trailer_room = 400  # xref table and trailer
        height = max(1, (size - fh.tell() - trailer_room) // width)
        length = width * height
        offsets.append(fh.tell())
        put(
            b"6 0 obj\n<< /Type /XObject /Subtype /Image /Width %d /Height %d "
            b"/ColorSpace /DeviceGray /BitsPerComponent 8 /Length %d >>\nstream\n"
            % (width, height, length)
        )
        remaining = length
        while remaining:
            chunk = os.urandom(min(MIB, remaining))
            put(chunk)
            remaining -= len(chunk)
        put(b"\nendstream\nendobj\n")
        xref = fh.tell()
        put(b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1))
        for offset in offsets:
            put(b"%010d 00000 n \n" % offset)
        put(
            b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(offsets) + 1, xref)
        )
    return digest.hexdigest()


def write_text(path: Path, size: int) -> str:
    """A plain-text file of exactly ``size`` bytes (Dutch-looking lines)."""
    digest = hashlib.sha256()
    line = (
        "Regel {:08d}: de klachtenregistratie op locatie Noord is gecontroleerd; "
        "geen afwijkingen gevonden.\n"
    )
    written = 0
    number = 0
    with open(path, "wb") as fh:
        while written < size:
            block = "".join(line.format(number + i) for i in range(2000)).encode()
            number += 2000
            block = block[: size - written]
            fh.write(block)
            digest.update(block)
            written += len(block)
    return digest.hexdigest()


# Django


def setup_django(workdir: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.test"
    os.environ["PORTAL_DATA_DIR"] = str(workdir / "data")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    (workdir / "data").mkdir()

    import django
    from django.conf import settings

    # The test settings point evidence storage at a folder of their own; use ours.
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            **settings.STORAGES["evidence"],
            "OPTIONS": {"location": str(workdir / "evidence"), "base_url": None},
        },
    }
    settings.MEDIA_ROOT = workdir / "media"
    django.setup()

    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    _create_empty_search_indexes()


def _create_empty_search_indexes() -> None:
    # As tests/conftest.py: the Whoosh backend does not create a missing index.
    from modelsearch.index import get_indexed_models
    from wagtail.search.backends import get_search_backend

    backend = get_search_backend()
    if not hasattr(backend, "layout_for"):
        return
    seen = set()
    for model in get_indexed_models():
        index = backend.get_index_for_model(model)
        if index.path not in seen:
            seen.add(index.path)
            index.reset()


def make_fixtures():
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client as TestClient

    from cases.models import Client
    from portal.roles import OFFICE_MANAGER, role_group

    client = Client.objects.create(
        name="Benchmark Zorg B.V.", region="UT", city="Utrecht", status="holder"
    )
    user = get_user_model().objects.create_user(
        "bench-office", first_name="Olga", last_name="Benchmark"
    )
    user.groups.add(role_group(OFFICE_MANAGER))
    browser = TestClient()
    browser.force_login(user)
    return client, browser.cookies[settings.SESSION_COOKIE_NAME].value


class Server:
    """Django's development WSGI server in a daemon thread of this process."""

    def __init__(self):
        from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
        from django.core.wsgi import get_wsgi_application

        class QuietHandler(WSGIRequestHandler):
            def log_message(self, *args):
                pass

        self.httpd = WSGIServer(("127.0.0.1", 0), QuietHandler)
        self.httpd.set_app(get_wsgi_application())
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class Browser:
    """Just enough of a browser: cookies, a CSRF token, a streamed multipart POST."""

    def __init__(self, port: int, session: str):
        from django.conf import settings

        self.port = port
        self.cookies = {settings.SESSION_COOKIE_NAME: session}
        self.csrf_token = ""

    def _connection(self):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=900)

    def _cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def _keep_cookies(self, response) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value

    def get(self, path: str) -> tuple[int, str]:
        conn = self._connection()
        try:
            conn.request("GET", path, headers={"Cookie": self._cookie_header()})
            response = conn.getresponse()
            body = response.read().decode("utf-8", "replace")
            self._keep_cookies(response)
        finally:
            conn.close()
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if match:
            self.csrf_token = match.group(1)
        return response.status, body

    def post_file(self, path: str, file_path: Path, filename: str, mime: str):
        boundary = uuid.uuid4().hex

        def field(name: str, value: str) -> bytes:
            return (
                f"--{boundary}\r\nContent-Disposition: form-data; "
                f'name="{name}"\r\n\r\n{value}\r\n'
            ).encode()

        head = (
            field("csrfmiddlewaretoken", self.csrf_token)
            + field("description", "Benchmark: groot bestand.")
            + field("audit", "")
            + (
                f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
                f'filename="{filename}"\r\nContent-Type: {mime}\r\n\r\n'
            ).encode()
        )
        tail = f"\r\n--{boundary}--\r\n".encode()
        length = len(head) + file_path.stat().st_size + len(tail)
        conn = self._connection()
        try:
            conn.putrequest("POST", path)
            conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
            conn.putheader("Content-Length", str(length))
            conn.putheader("Cookie", self._cookie_header())
            conn.endheaders()
            conn.send(head)
            with open(file_path, "rb") as fh:
                while chunk := fh.read(CHUNK):
                    conn.send(chunk)
            conn.send(tail)
            response = conn.getresponse()
            response.read()
            self._keep_cookies(response)
            return response.status, response.getheader("Location", "")
        finally:
            conn.close()


# The benchmark


def run(args, workdir: Path) -> None:
    size = int(args.mb * MIB)
    suffix, mime = (
        (".pdf", "application/pdf")
        if args.kind == "pdf"
        else (
            ".txt",
            "text/plain",
        )
    )
    writer = write_pdf if args.kind == "pdf" else write_text
    big = workdir / f"groot-bewijsstuk{suffix}"
    small = workdir / f"klein-bewijsstuk{suffix}"
    print(f"Bestanden maken in {workdir} ...", flush=True)
    big_sha = writer(big, size)
    small_sha = writer(small, 2 * MIB)
    print("Django opzetten (tijdelijke SQLite-database, migraties) ...", flush=True)
    setup_django(workdir)

    from django.conf import settings
    from django.urls import reverse

    import cases.services.evidence as evidence_service
    from cases.models import EvidenceFile
    from cases.services import evidence_extract_text

    client, session = make_fixtures()
    server = Server()
    browser = Browser(server.port, session)
    dossier = reverse("cases_admin:dossier", args=[client.pk])
    upload = reverse("cases_admin:evidence_upload", args=[client.pk])
    print(
        f"Server op 127.0.0.1:{server.port}; evidence_upload={upload}; "
        f"PORTAL_EVIDENCE_MAX_BYTES={settings.PORTAL_EVIDENCE_MAX_BYTES:,}; "
        f"FILE_UPLOAD_MAX_MEMORY_SIZE={settings.FILE_UPLOAD_MAX_MEMORY_SIZE:,}; "
        f"taken: {settings.TASKS['default']['BACKEND'].rsplit('.', 1)[-1]}",
        flush=True,
    )

    def do_upload(path: Path, expected_sha: str):
        status, _body = browser.get(dossier)  # fresh CSRF token, like a user would
        if status != 200:
            raise SystemExit(f"Dossierpagina gaf HTTP {status}")
        before = set(EvidenceFile.objects.values_list("pk", flat=True))

        def step():
            return browser.post_file(upload, path, path.name, mime)

        return step, before, expected_sha

    def upload_row(label: str, path: Path, expected_sha: str, *, trace: bool):
        step, before, sha = do_upload(path, expected_sha)
        m = measure(step, trace=trace)
        status, location = m.result
        new = list(EvidenceFile.objects.exclude(pk__in=before))
        if status != 302 or location != dossier or len(new) != 1:
            _, page = browser.get(dossier)
            errors = [
                re.sub(r"<[^>]+>|\s+", " ", e).strip()
                for e in re.findall(r'<li class="error">(.*?)</li>', page, re.S)
            ]
            raise SystemExit(
                f"{label}: upload mislukt (HTTP {status}, {location!r}); {errors}"
            )
        m.result = new[0]
        m.result.sha_ok = new[0].sha256 == sha and new[0].size == path.stat().st_size
        return m

    rows = []
    try:
        print("Opwarmen met een klein bestand ...", flush=True)
        upload_row("opwarmen", small, small_sha, trace=False)
        upload_row("opwarmen", small, small_sha, trace=True)

        # 1. The upload itself, text extraction held back (as with a task queue).
        queued = []
        real_enqueue = evidence_service._enqueue_extraction
        evidence_service._enqueue_extraction = queued.append
        try:
            print("1. Upload, extractie uitgesteld ...", flush=True)
            plain = upload_row("upload", big, big_sha, trace=False)
            traced = upload_row("upload", big, big_sha, trace=True)
        finally:
            evidence_service._enqueue_extraction = real_enqueue
        rows.append(("upload (extractie uitgesteld)", plain, traced))

        # 2. The extraction task on that stored file, as a worker would run it.
        print("2. Tekstextractie van het opgeslagen bestand ...", flush=True)
        stored = plain.result

        def extract():
            evidence = EvidenceFile.objects.get(pk=stored.pk)
            return evidence_extract_text(evidence=evidence)

        ex_plain = measure(extract, trace=False)
        ex_traced = measure(extract, trace=True)
        ex_plain.result.sha_ok = None
        rows.append(("tekstextractie (taak)", ex_plain, ex_traced))
        extraction_note = ex_plain.result.extraction_error or (
            f"{len(ex_plain.result.extracted_text):,} tekens tekst"
        )

        # 3. The request as the portal is configured: extraction inside it.
        print("3. Upload zoals geconfigureerd (extractie in de request) ...")
        full_plain = upload_row("volledig", big, big_sha, trace=False)
        full_traced = upload_row("volledig", big, big_sha, trace=True)
        rows.append(("upload + extractie (immediate)", full_plain, full_traced))
    finally:
        server.close()

    report(rows, big.stat().st_size, args.kind, extraction_note)


def report(rows, size: int, kind: str, extraction_note: str) -> None:
    print()
    print(
        f"Bestand: {size / MIB:.1f} MiB ({size:,} bytes), {kind.upper()}; "
        f"doel: piekgroei < {TARGET_MB:.0f} MB (MB = MiB hier)."
    )
    print(f"Extractie: {extraction_note}.")
    header = (
        f"{'stap':<32} {'grootte':>9} {'tijd':>7} {'tracemalloc':>12} "
        f"{'RSS-groei':>10} {'SHA-256':>8}  oordeel"
    )
    print(header)
    print("-" * len(header))
    worst = 0.0
    for label, plain, traced in rows:
        rss = plain.rss_growth_mb or 0.0
        peak = max(rss, traced.traced_peak_mb or 0.0)
        sha_ok = plain.result.sha_ok
        sha = "n.v.t." if sha_ok is None else ("ja" if sha_ok else "NEE")
        star = "" if plain.rss_exact else "*"
        verdict = "OK" if peak < TARGET_MB else "TE HOOG"
        worst = max(worst, peak) if "upload" in label else worst
        print(
            f"{label:<32} {size / MIB:>6.1f} MB {plain.seconds:>6.2f}s "
            f"{traced.traced_peak_mb:>9.1f} MB {rss:>7.1f} MB{star:1} {sha:>7}  "
            f"{verdict}"
        )
    if any(not plain.rss_exact for _, plain, _ in rows):
        print("* ru_maxrss-groei: ondergrens (VmHWM kon niet worden gereset).")
    print()
    verdict = "GEHAALD" if worst < TARGET_MB else "NIET GEHAALD"
    print(
        f"Oordeel: doel < {TARGET_MB:.0f} MB {verdict} "
        f"(hoogste piek van de uploadstappen: {worst:.1f} MB)."
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument(
        "--mb", type=float, default=50, help="file size in MiB (default 50)"
    )
    parser.add_argument(
        "--kind",
        choices=("pdf", "txt"),
        default="pdf",
        help="a PDF with a large scanned-like image (default) or plain text",
    )
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="bench-evidence-"))
    settings_tmp = None
    try:
        run(args, workdir)
    finally:
        try:
            from django.conf import settings

            if settings.configured:
                # portal.settings.test makes a temporary folder of its own on import.
                settings_tmp = Path(settings.DATA_DIR)
        except Exception:  # noqa: S110 - cleanup only
            pass
        shutil.rmtree(workdir, ignore_errors=True)
        if settings_tmp and settings_tmp.name.startswith("portal-test-"):
            shutil.rmtree(settings_tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
