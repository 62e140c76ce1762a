"""A bounded load run on the production stack (issue 15, item 5: "load held").

    .venv/bin/python scripts/load_run.py [--seconds 120] [--users 20] [--json out.json]

Starts the stack as ``scripts/smoke_production.sh`` does (``scripts/prodstack.py``:
a fresh PostgreSQL database, production settings, gunicorn with two workers,
``manage.py db_worker``), loads ``load_demo`` and ``load_demo_history``, logs in
``--users`` simulated users spread over the demo roles (the second factor as the
smoke does it: the first session of an account enrols an authenticator app, later
ones type the app's code, or a recovery code when that code was used already; the
assessor's role needs no second factor) and
lets each of them, with a short pause between pages, use what their role may see:
the search page with common words, the search suggestions, the register (plain,
filtered, the second page), case pages and dossier pages found on their own
pages, and downloads of the evidence those dossiers list. Meanwhile, in the
background, ``manage.py update_index`` rebuilds the index (again as long as there
is time), and one more user (the office manager) uploads a small PDF to a
dossier every few seconds, whose text the worker extracts.

Talks only to 127.0.0.1, as the TLS proxy would (``smoke_production.ProxiedClient``).
Prints throughput, p50/p95/p99 per kind of request and overall, the status codes
and every error: an answer other than 2xx/3xx (a 500 above all), a page that sends
a logged-in user back to the login, an exception (time-out, refused connection),
a failed ``update_index``, a failed task of the worker, an upload whose text was
not extracted, and ERROR lines or tracebacks in the logs of gunicorn, the worker
and the reindex. Exits 1 if there was any, 2 on a wrong argument. Everything it
started is stopped by pid and the database dropped, also on failure or Ctrl-C.
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import random
import re
import signal
import statistics
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
# The project root too: the PDF builder of the test samples (tests/files/hostile.py).
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))

import smoke_production as smoke
from prodstack import PYTHON, ProductionStack, StackError

PASSWORD = smoke.PASSWORD
#: The demo roles (portal/demo.py), in the order sessions are given out.
ACCOUNTS = (
    "kwaliteit",
    "office",
    "kerngroep",
    "kerngroep2",
    "beslisser",
    "directie",
    "beoordelaar",
)
UPLOADER = "office"
MAX_SECONDS = 120
#: Common words of the demo's texts (and of the history's).
WORDS = (
    "klacht",
    "audit",
    "rapport",
    "beoordelaar",
    "planning",
    "procedure",
    "certificaat",
    "verbeterplan",
    "factuur",
    "kwaliteit",
    "bevindingen",
    "slotgesprek",
    "klant",
    "onderzoek",
    "demo",
)
#: The mix: how often each kind of request is chosen (when the role has it).
WEIGHTS = {
    "zoeken": 30,
    "suggesties": 20,
    "register": 15,
    "zaak": 15,
    "dossier": 10,
    "download": 10,
}
MAX_CASES = 20  # case pages per account, of those its own pages link to
REQUEST_TIMEOUT = 30  # seconds
EXTRACTION_WAIT = 45  # seconds after the load for the worker's last extractions
REINDEX_GRACE = 60  # seconds a running update_index may take after the load
LOG_ERROR = re.compile(r"\bERROR\b|Traceback \(most recent call last\)|\bCRITICAL\b")

CASE_LINK = re.compile(
    r'href="(/admin/klantdossier/(?:klachten|beroepen|mediations)/\d+/|/signalen/\d+/)"'
)
DOSSIER_LINK = re.compile(r'href="/dossiers/(\d+)/"')
EVIDENCE_LINK = re.compile(r'href="(/bewijs/[0-9a-f-]{36}/)"')


def say(text: str = "") -> None:
    print(text, flush=True)


# -- measuring -------------------------------------------------------------------


@dataclass
class Sample:
    kind: str
    ms: float
    status: int  # 0: no answer (exception)
    error: str = ""  # empty: fine
    phase: str = "last"


class Recorder:
    def __init__(self) -> None:
        self.samples: list[Sample] = []
        self.lock = threading.Lock()

    def add(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)

    def timed(self, kind, call, *, phase="last", ok=None):
        """Run ``call()`` (an HTTP request), record it, return the response (None
        after an exception). ``ok(response)`` may name a further error."""
        started = time.perf_counter()
        try:
            response = call()
        except (requests.RequestException, smoke.SmokeFailure) as exc:
            ms = 1000 * (time.perf_counter() - started)
            self.add(Sample(kind, ms, 0, f"{type(exc).__name__}: {exc}", phase))
            return None
        ms = 1000 * (time.perf_counter() - started)
        error = ""
        if response.status_code >= 400:
            error = f"status {response.status_code}"
        elif (
            phase == "last"
            and response.is_redirect
            and "/inloggen/" in response.headers.get("Location", "")
        ):
            error = "terug naar het inloggen (sessie kwijt)"
        elif ok is not None:
            try:
                error = ok(response) or ""
            except (smoke.SmokeFailure, ValueError) as exc:
                error = f"{type(exc).__name__}: {exc}"
        self.add(Sample(kind, ms, response.status_code, error, phase))
        return response


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1]


def summarise(samples: list[Sample]) -> dict:
    times = sorted(s.ms for s in samples)
    return {
        "count": len(samples),
        "errors": sum(1 for s in samples if s.error),
        "server_errors": sum(1 for s in samples if s.status >= 500),
        "p50_ms": round(percentile(times, 0.50), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "p99_ms": round(percentile(times, 0.99), 1),
        "max_ms": round(times[-1], 1) if times else 0.0,
    }


# -- the users ---------------------------------------------------------------------


@dataclass
class SecondFactor:
    """An account's authenticator app (its key) and recovery codes."""

    key: str = ""
    codes: list[str] = field(default_factory=list)
    last_step: int = -1

    def code(self) -> str:
        step = int(time.time() // 30)
        if step > self.last_step:
            self.last_step = step
            return smoke.totp(self.key)
        # The app's code of this half minute is used (django-otp refuses it again).
        if self.codes:
            return self.codes.pop()
        time.sleep((step + 1) * 30 - time.time() + 0.5)  # no recovery code left
        return self.code()


@dataclass
class Account:
    """What one demo account may see, found on its own pages."""

    name: str
    factor: SecondFactor = field(default_factory=SecondFactor)
    register: list[str] = field(default_factory=list)
    cases: list[str] = field(default_factory=list)
    dossiers: list[str] = field(default_factory=list)
    downloads: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def kinds(self) -> list[str]:
        have = {
            "zoeken": True,
            "suggesties": True,
            "register": bool(self.register),
            "zaak": bool(self.cases),
            "dossier": bool(self.dossiers),
            "download": bool(self.downloads),
        }
        return [k for k, v in have.items() if v]


def login(client: smoke.ProxiedClient, account: Account, rec: Recorder) -> None:
    """Password, then the second factor (enrolment or code), as a browser."""
    t = rec.timed
    page = t("aanmelden", lambda: client.get("/inloggen/"), phase="aanmelden")
    smoke.expect(page is not None and page.status_code == 200, "/inloggen/")
    response = t(
        "aanmelden",
        lambda: client.post(
            "/inloggen/",
            data={
                "csrfmiddlewaretoken": smoke.csrf_token(page.text),
                "username": account.name,
                "password": PASSWORD,
                "next": "/",
            },
        ),
        phase="aanmelden",
    )
    smoke.expect(
        response is not None and response.status_code == 302,
        f"{account.name}: wachtwoord niet aanvaard",
    )
    home = t("aanmelden", lambda: client.get("/"), phase="aanmelden")
    smoke.expect(home is not None, f"{account.name}: geen startpagina")
    if home.status_code == 200:
        return  # a role without the second factor (the assessor reads procedures)
    target = smoke.location(home)
    form = t("aanmelden", lambda: client.get(target), phase="aanmelden")
    smoke.expect(form is not None and form.status_code == 200, target)
    if target.startswith("/inloggen/tweede-stap/instellen/"):
        match = re.search(r'data-testid="otp-key">([A-Z2-7 ]+)<', form.text)
        smoke.expect(match, "geen sleutel op de inschrijfpagina")
        account.factor.key = match.group(1).replace(" ", "")
        code = account.factor.code()
    else:
        smoke.expect(target.startswith("/inloggen/tweede-stap/"), target)
        code = account.factor.code()
    response = t(
        "aanmelden",
        lambda: client.post(
            target,
            data={
                "csrfmiddlewaretoken": smoke.csrf_token(form.text),
                "code": code,
                "next": "/",
            },
        ),
        phase="aanmelden",
    )
    smoke.expect(response is not None, f"{account.name}: geen antwoord op de code")
    # The enrolment's answer lists the recovery codes (the code form's own
    # text mentions them too, so a refused code is told apart by the list).
    if response.status_code == 200 and 'data-testid="recovery-codes"' in response.text:
        account.factor.codes = re.findall(
            r"<li><code>([^<]+)</code></li>", response.text
        )
    else:
        smoke.expect(
            response.status_code == 302,
            f"{account.name}: code niet aanvaard (status {response.status_code})",
        )
    home = t("aanmelden", lambda: client.get("/"), phase="aanmelden")
    smoke.expect(
        home is not None and home.status_code == 200,
        f"{account.name}: startpagina na het inloggen",
    )


def discover(client: smoke.ProxiedClient, account: Account, rec: Recorder) -> None:
    """The pages this account works with, from its own pages (counted as
    'verkennen'; a 403 there means the role has no such page, not an error)."""

    def get(path):
        started = time.perf_counter()
        response = client.get(path)
        ms = 1000 * (time.perf_counter() - started)
        error = f"status {response.status_code}" if response.status_code >= 500 else ""
        rec.add(Sample("verkennen", ms, response.status_code, error, "aanmelden"))
        return response

    home = get("/")
    cases = set(CASE_LINK.findall(home.text))
    register = "/admin/klantdossier/register/"
    page = get(register)
    if page.status_code == 200:
        account.register = [
            register,
            register + "?" + urlencode({"kind": "complaint"}),
            register + "?" + urlencode({"kind": "signal"}),
            register + "?" + urlencode({"year": time.localtime().tm_year - 1}),
        ]
        if "?p=2" in page.text or "p=2&" in page.text:
            account.register.append(register + "?p=2")
        cases |= set(CASE_LINK.findall(page.text))
    for path in sorted(cases)[:MAX_CASES]:
        if get(path).status_code == 200:
            account.cases.append(path)
    listing = get("/dossiers/")
    pks = DOSSIER_LINK.findall(listing.text) if listing.status_code == 200 else []
    for pk in pks[:10]:
        for path in (f"/dossiers/{pk}/", f"/admin/klantdossier/{pk}/"):
            response = get(path)
            if response.status_code == 200:
                account.dossiers.append(path)
                account.downloads.update(EVIDENCE_LINK.findall(response.text))


class User(threading.Thread):
    def __init__(self, n, account, client, rec, stop, think):
        super().__init__(name=f"gebruiker-{n}", daemon=True)
        self.account, self.client, self.rec = account, client, rec
        self.stop, self.think = stop, think
        self.rng = random.Random(n)  # noqa: S311 (a load mix, not a secret)

    def run(self) -> None:
        kinds = self.account.kinds()
        weights = [WEIGHTS[k] for k in kinds]
        while not self.stop.is_set():
            kind = self.rng.choices(kinds, weights)[0]
            try:
                path, ok = self.pick(kind)
                self.rec.timed(kind, lambda p=path: self.client.get(p), ok=ok)
            except Exception as exc:  # a bug here is an error too
                self.rec.add(Sample(kind, 0.0, 0, f"lastgenerator: {exc!r}"))
            self.stop.wait(self.rng.uniform(*self.think))

    def pick(self, kind: str):
        rng, account = self.rng, self.account
        if kind == "zoeken":
            words = rng.sample(WORDS, rng.choice((1, 1, 1, 2)))
            return "/zoeken/?" + urlencode({"q": " ".join(words)}), None
        if kind == "suggesties":
            word = rng.choice(WORDS)
            prefix = word[: rng.randint(3, max(3, len(word)))]
            return "/zoeken/suggesties/?" + urlencode({"q": prefix}), _json_ok
        if kind == "register":
            return rng.choice(account.register), None
        if kind == "zaak":
            return rng.choice(account.cases), None
        if kind == "dossier":
            path = rng.choice(account.dossiers)
            return path, lambda r: self.found(r)
        with account.lock:
            path = rng.choice(sorted(account.downloads))
        return path, _download_ok

    def found(self, response) -> str:
        """A dossier page: the evidence it lists may be downloaded next."""
        links = EVIDENCE_LINK.findall(response.text)
        with self.account.lock:
            self.account.downloads.update(links)
        return ""


def _json_ok(response) -> str:
    try:
        response.json()["resultaten"]
    except (ValueError, KeyError):
        return "geen JSON met resultaten"
    return ""


def _download_ok(response) -> str:
    if response.status_code == 200 and "attachment" not in response.headers.get(
        "Content-Disposition", ""
    ):
        return "download niet als bijlage"
    return ""


# -- background work ---------------------------------------------------------------


def tiny_pdf(text: str) -> bytes:
    """A one-page PDF with ``text`` in Helvetica (unique bytes per upload: evidence
    is kept once per file)."""
    from tests.files.hostile import pdf_from_objects

    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    return pdf_from_objects(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        ]
    )


class Uploader(threading.Thread):
    """The office manager adds a small PDF to a dossier every ``every`` seconds."""

    def __init__(self, client, dossier_pk, rec, stop, every):
        super().__init__(name="uploader", daemon=True)
        self.client, self.rec, self.stop, self.every = client, rec, stop, every
        self.dossier = f"/admin/klantdossier/{dossier_pk}/"
        self.names: list[str] = []

    def run(self) -> None:
        for n in itertools.count(1):
            if self.stop.wait(self.every):
                return
            page = self.rec.timed("dossier", lambda: self.client.get(self.dossier))
            if page is None or page.status_code != 200:
                continue
            name = f"lastproef-{n:04d}.pdf"
            pdf = tiny_pdf(f"Lastproef bewijsstuk {n} lastproefverslag {time.time()}")
            data = {
                "csrfmiddlewaretoken": smoke.csrf_token(page.text),
                "description": f"Lastproef {n}",
                "audit": "",
            }
            post = functools.partial(
                self.client.post,
                f"{self.dossier}bewijs-toevoegen/",
                data=data,
                files={"files": (name, pdf, "application/pdf")},
            )
            response = self.rec.timed("upload", post, ok=self.uploaded)
            if response is not None and response.status_code == 302:
                self.names.append(name)

    def uploaded(self, response) -> str:
        if response.status_code != 302 or smoke.location(response) != self.dossier:
            return f"upload niet aanvaard (status {response.status_code})"
        return ""


class Reindex(threading.Thread):
    """``manage.py update_index`` over and over while the load runs (a new one
    only when the last one's duration still fits)."""

    def __init__(self, stack: ProductionStack, stop, deadline):
        super().__init__(name="reindex", daemon=True)
        self.stack, self.stop, self.deadline = stack, stop, deadline
        self.runs: list[dict] = []
        self.running = None

    def run(self) -> None:
        last = 0.0
        while not self.stop.is_set() and time.monotonic() + last < self.deadline:
            started = time.monotonic()
            self.running = self.stack.spawn(
                [str(PYTHON), "manage.py", "update_index"], "reindex.log"
            )
            code = self.running.wait()
            last = time.monotonic() - started
            self.runs.append({"seconds": round(last, 1), "returncode": code})
            self.running = None
            if code:
                return
            self.stop.wait(2)


# -- the run -----------------------------------------------------------------------


def table(rows: dict[str, dict]) -> list[str]:
    head = f"{'soort':<12}{'aantal':>8}{'fouten':>8}{'5xx':>6}"
    head += f"{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}"
    lines = [head, "-" * len(head)]
    for kind, s in rows.items():
        lines.append(
            f"{kind:<12}{s['count']:>8}{s['errors']:>8}{s['server_errors']:>6}"
            f"{s['p50_ms']:>9.0f}{s['p95_ms']:>9.0f}{s['p99_ms']:>9.0f}{s['max_ms']:>9.0f}"
        )
    return lines


def log_errors(stack: ProductionStack) -> dict[str, list[str]]:
    found = {}
    for name in ("gunicorn.log", "worker.log", "reindex.log"):
        path = stack.work / name
        if not path.exists():
            continue
        lines = path.read_text("utf-8", errors="replace").splitlines()
        hits = [line for line in lines if LOG_ERROR.search(line)]
        if hits:
            found[name] = hits
    return found


def after_the_load(uploads: list[str]) -> dict:
    """Through the ORM: the uploads' text extracted, no failed task."""
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    from cases.models import EvidenceFile

    deadline = time.monotonic() + EXTRACTION_WAIT
    files = EvidenceFile.objects.filter(original_name__in=uploads)
    while time.monotonic() < deadline and files.filter(extracted_at=None).exists():
        time.sleep(1)
    not_extracted = sorted(
        files.filter(extracted_at=None).values_list("original_name", flat=True)
    )
    wrong = sorted(
        f.original_name
        for f in files.exclude(extracted_at=None)
        if f.extraction_error or "lastproefverslag" not in f.extracted_text
    )
    tasks = dict(
        DBTaskResult.objects.values_list("status").annotate(n=Count("pk")).order_by()
    )
    failed = [
        f"{t.task_path}: {t.exception_class_path}"
        for t in DBTaskResult.objects.filter(status="FAILED").order_by()[:10]
    ]
    return {
        "uploaded": len(uploads),
        "stored": files.count(),
        "not_extracted": not_extracted,
        "extraction_wrong": wrong,
        "tasks": tasks,
        "failed_tasks": failed,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--seconds", type=float, default=120, help="duur (max 120)")
    parser.add_argument(
        "--users", type=int, default=20, help="gelijktijdige gebruikers"
    )
    parser.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=(0.25, 1.25),
        metavar=("MIN", "MAX"),
        help="pauze tussen twee pagina's van een gebruiker, in s",
    )
    parser.add_argument(
        "--upload-every", type=float, default=5.0, help="s tussen twee uploads"
    )
    parser.add_argument("--no-reindex", action="store_true", help="geen update_index")
    parser.add_argument("--no-history", action="store_true", help="geen demo-historie")
    parser.add_argument("--json", type=Path, help="resultaat ook als JSON hierheen")
    args = parser.parse_args(argv)
    if not 0 < args.seconds <= MAX_SECONDS:
        parser.error(f"--seconds tussen 0 en {MAX_SECONDS}")
    if args.users < 1:
        parser.error("--users minstens 1")

    def terminate(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    smoke.TIMEOUT = REQUEST_TIMEOUT
    stack = ProductionStack(prefix="portal_load", say=say)
    stop = threading.Event()
    failed = True
    try:
        code = run(args, stack, stop)
        failed = code != 0
        return code
    except StackError as exc:
        print(f"FOUT: {exc}", file=sys.stderr, flush=True)
        return 1
    except smoke.SmokeFailure as exc:
        print(f"FOUT: {exc}", file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt:
        print("Afgebroken.", file=sys.stderr, flush=True)
        return 130
    finally:
        stop.set()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: S110 (django may not be set up)
            pass
        stack.stop(failed=failed)
        if not stack.db_created:
            say(f"Processen gestopt; database {stack.db} verwijderd.")


def run(args, stack: ProductionStack, stop: threading.Event) -> int:
    wall = time.monotonic()
    stack.start()
    stack.manage("load_demo")
    if not args.no_history:
        stack.manage("load_demo_history")
    say(f"OK: demogegevens geladen ({time.monotonic() - wall:.0f} s)")
    stack.use_in_this_process()
    smoke.setup_django()
    from cases.models import Client

    dossier = Client.objects.order_by("pk").first()
    smoke.expect(dossier is not None, "geen klantdossier (load_demo?)")
    rec = Recorder()
    smoke.wait_until_up(smoke.ProxiedClient(stack.base_url), smoke.STARTUP_WAIT)

    accounts = {name: Account(name) for name in ACCOUNTS}
    sessions = []
    for n in range(args.users):
        account = accounts[ACCOUNTS[n % len(ACCOUNTS)]]
        client = smoke.ProxiedClient(stack.base_url)
        login(client, account, rec)
        if n < len(ACCOUNTS):
            discover(client, account, rec)
        sessions.append((account, client))
    uploader_account = Account(UPLOADER)
    uploader_account.factor = accounts[UPLOADER].factor
    upload_client = smoke.ProxiedClient(stack.base_url)
    login(upload_client, uploader_account, rec)
    say(
        f"OK: {args.users} gebruikers en de uploader ingelogd (met de tweede "
        "factor waar hun rol die vraagt):"
    )
    for account in accounts.values():
        say(
            f"    {account.name:<12} {sum(1 for a, _ in sessions if a is account)} "
            f"sessie(s); register {len(account.register)}, zaken "
            f"{len(account.cases)}, dossiers {len(account.dossiers)}, "
            f"downloads {len(account.downloads)}"
        )

    started = time.monotonic()
    deadline = started + args.seconds
    threads = [
        User(n, account, client, rec, stop, tuple(args.think))
        for n, (account, client) in enumerate(sessions)
    ]
    uploader = Uploader(upload_client, dossier.pk, rec, stop, args.upload_every)
    reindex = Reindex(stack, stop, deadline)
    background = [uploader] if args.no_reindex else [uploader, reindex]
    say(
        f"Last: {args.users} gebruikers, {args.seconds:.0f} s"
        + ("" if args.no_reindex else ", update_index op de achtergrond")
        + f", een upload per {args.upload_every:g} s ..."
    )
    for thread in [*threads, *background]:
        thread.start()
    while time.monotonic() < deadline:
        time.sleep(min(1.0, max(0.0, deadline - time.monotonic())))
        for name in ("gunicorn", "db_worker"):
            smoke.expect(stack.alive(name), f"{name} is onderweg gestopt")
    stop.set()
    for thread in threads:
        thread.join(REQUEST_TIMEOUT + 5)
    elapsed = time.monotonic() - started
    uploader.join(REQUEST_TIMEOUT * 2 + 5)
    if reindex.is_alive():
        say("Wachten op de lopende update_index ...")
        reindex.join(REINDEX_GRACE)
        if reindex.is_alive() and reindex.running is not None:
            reindex.running.terminate()
            reindex.join(10)
            reindex.runs.append({"seconds": None, "returncode": "afgebroken"})

    checks = after_the_load(uploader.names)
    logs = log_errors(stack)
    return report(args, rec, elapsed, reindex.runs, checks, logs)


def report(args, rec, elapsed, reindex_runs, checks, logs) -> int:
    load = [s for s in rec.samples if s.phase == "last"]
    before = [s for s in rec.samples if s.phase == "aanmelden"]
    kinds = defaultdict(list)
    for s in load:
        kinds[s.kind].append(s)
    rows = {k: summarise(kinds[k]) for k in [*WEIGHTS, "upload"] if k in kinds}
    rows["totaal"] = summarise(load)
    throughput = len(load) / elapsed if elapsed else 0.0
    say("")
    say(
        f"Resultaat: {len(load)} verzoeken in {elapsed:.1f} s = {throughput:.1f} "
        f"verzoeken/s ({args.users} gebruikers, pauze {args.think[0]:g}-"
        f"{args.think[1]:g} s)"
    )
    for line in table(rows):
        say("  " + line)
    setup_rows = {"aanmelden": summarise([s for s in before if s.kind == "aanmelden"])}
    setup_rows["verkennen"] = summarise([s for s in before if s.kind == "verkennen"])
    say("  vooraf (niet in de doorvoer):")
    for line in table(setup_rows)[2:]:
        say("  " + line)
    statuses = Counter(s.status for s in rec.samples)
    say(
        "  statuscodes: "
        + ", ".join(
            f"{'geen antwoord' if c == 0 else c}: {n}"
            for c, n in sorted(statuses.items())
        )
    )
    if reindex_runs:
        say(
            "  update_index op de achtergrond: "
            + ", ".join(
                f"{r['seconds']} s (code {r['returncode']})" for r in reindex_runs
            )
        )
    say(
        f"  uploads: {checks['uploaded']} aanvaard, {checks['stored']} opgeslagen, "
        f"{checks['uploaded'] - len(checks['not_extracted'])} met tekst; taken: "
        f"{checks['tasks']}"
    )

    problems = []
    failures = [s for s in rec.samples if s.error]
    if failures:
        by = Counter((s.kind, s.status, s.error) for s in failures)
        for (kind, _status, error), n in by.most_common(15):
            problems.append(f"{n}x {kind}: {error}")
    bad_reindex = [r for r in reindex_runs if r["returncode"] != 0]
    if bad_reindex:
        problems.append(f"update_index mislukt: {bad_reindex}")
    if checks["not_extracted"]:
        problems.append(f"tekst niet gehaald: {checks['not_extracted'][:5]}")
    if checks["extraction_wrong"]:
        problems.append(f"extractie fout: {checks['extraction_wrong'][:5]}")
    if checks["failed_tasks"]:
        problems.append(f"mislukte taken: {checks['failed_tasks']}")
    for name, lines in logs.items():
        problems.append(f"{len(lines)} foutregel(s) in {name}, o.a.: {lines[0][:200]}")
    server_errors = sum(1 for s in rec.samples if s.status >= 500)
    exceptions = sum(1 for s in rec.samples if s.status == 0)
    errors = (
        len(failures)
        + len(bad_reindex)
        + len(checks["not_extracted"])
        + len(checks["extraction_wrong"])
        + len(checks["failed_tasks"])
        + sum(len(lines) for lines in logs.values())
    )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "seconds": round(elapsed, 1),
                    "users": args.users,
                    "think_s": list(args.think),
                    "requests": len(load),
                    "throughput_rps": round(throughput, 2),
                    "kinds": rows,
                    "before_load": setup_rows,
                    "status_codes": {str(c): n for c, n in sorted(statuses.items())},
                    "errors": errors,
                    "server_errors": server_errors,
                    "exceptions": exceptions,
                    "problems": problems,
                    "reindex": reindex_runs,
                    "uploads": checks,
                    "log_errors": {k: v[:20] for k, v in logs.items()},
                },
                indent=2,
            ),
            "utf-8",
        )
        say(f"  JSON: {args.json}")
    if problems:
        say("")
        say(f"FOUT: {errors} fout(en), waarvan {server_errors} met status 5xx:")
        for line in problems:
            say(f"  - {line}")
        return 1
    say("OK: geen fouten, geen 500")
    return 0


if __name__ == "__main__":
    sys.exit(main())
