"""The HTTP half of ``scripts/smoke_production.sh``: one quality officer's path
through the production stack the shell script started (gunicorn with two workers,
``manage.py db_worker``, PostgreSQL, production settings).

    smoke_production.py http://127.0.0.1:PORT

Health check, a static file from WhiteNoise's manifest, login with the second factor
(enrolling an authenticator app, codes computed here), an evidence PDF uploaded
through the dossier's upload form, its text extracted by the worker, found by the
search page, downloaded byte for byte, and the download in the audit log.

The client talks plain HTTP to gunicorn on 127.0.0.1 exactly as the TLS proxy in
front of it would: it sends ``X-Forwarded-Proto: https`` (production's
SECURE_PROXY_SSL_HEADER), and it keeps the cookies itself, because an HTTP library
never sends cookies marked Secure over plain HTTP while a browser does over HTTPS.
No production setting is changed for the smoke.

Reads the database through the ORM with the same settings as the servers (the
environment the shell script exports). Exits 1 with a message on the first failure.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import os
import re
import struct
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
USERNAME = "kwaliteit"
PASSWORD = "demo-portaal-2026"  # noqa: S105 (demo data of the throwaway database)
# A word only the smoke's PDF contains, and the name it is uploaded under.
WORD = "rookproefverslag"
FILENAME = "rookproef-productie.pdf"
EXTRACTION_WAIT = 60  # seconds
STARTUP_WAIT = 90  # seconds
TIMEOUT = 20  # seconds per request


class SmokeFailure(Exception):
    pass


def ok(message: str) -> None:
    print(f"OK: {message}", flush=True)


def expect(condition, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# -- the client ------------------------------------------------------------------


class ProxiedClient:
    """HTTP to gunicorn as the TLS proxy sends it, with the browser's cookies."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/") + "/"
        self.origin = "https://" + urlsplit(self.base_url).netloc
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, *, proxied=True, **kwargs):
        headers = dict(kwargs.pop("headers", {}))
        if proxied:
            headers["X-Forwarded-Proto"] = "https"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            # What a browser sends with a form on the portal's own https origin.
            headers.setdefault("Origin", self.origin)
            headers.setdefault("Referer", self.origin + path)
        response = requests.request(
            method,
            urljoin(self.base_url, path.lstrip("/")),
            headers=headers,
            allow_redirects=False,
            timeout=TIMEOUT,
            **kwargs,
        )
        for header in response.raw.headers.getlist("Set-Cookie"):
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    # Django deletes a cookie without the Secure flag; harmless.
                    self.cookies.pop(name, None)
                    continue
                expect(morsel["secure"], f"cookie {name} is niet als Secure gemarkeerd")
                self.cookies[name] = morsel.value
        return response

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs):
        return self.request("POST", path, **kwargs)


def csrf_token(page: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    expect(match, "geen CSRF-token in het formulier")
    return match.group(1)


def location(response) -> str:
    target = response.headers.get("Location", "")
    expect(target, f"geen doorverwijzing (status {response.status_code})")
    return urlsplit(target)._replace(scheme="", netloc="").geturl()


def totp(key_base32: str, *, at: float | None = None) -> str:
    """RFC 6238 with the authenticator app's parameters: SHA-1, 30 s, 6 digits."""
    key = base64.b32decode(key_base32 + "=" * (-len(key_base32) % 8))
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def sample_pdf() -> bytes:
    import logging

    # Production logs at INFO; WeasyPrint would narrate its every step, from the
    # import on (its built-in stylesheets).
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    from weasyprint import HTML

    body = (
        f"<h1>Verslag {WORD}</h1>"
        "<p>Dit bewijsstuk is geüpload door de productierookproef.</p>"
    )
    return HTML(string=f"<html lang='nl'><body>{body}</body></html>").write_pdf()


# -- the steps -----------------------------------------------------------------------


def wait_until_up(client: ProxiedClient, seconds: float) -> None:
    """gunicorn's workers load the application after the port opens."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            client.get("/health/", proxied=False)
            return
        except requests.RequestException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def step_health(client: ProxiedClient) -> None:
    # As the load balancer asks it: plain HTTP, no forwarded scheme, no cookie.
    response = client.get("/health/", proxied=False)
    body = response.json()
    expect(
        response.status_code == 200 and body["status"] == "ok",
        f"/health/ antwoordt {response.status_code}: {json.dumps(body)}",
    )
    expect(
        "no-store" in response.headers.get("Cache-Control", ""),
        "/health/ mag niet in een cache",
    )
    expect(not response.headers.get("Set-Cookie"), "/health/ zet een cookie")
    details = "; ".join(f"{k}: {v['detail']}" for k, v in body["checks"].items())
    ok(f"GET /health/ -> 200 ({details})")
    response = client.get("/inloggen/", proxied=False)
    expect(
        response.status_code == 301
        and response.headers["Location"].startswith("https://"),
        "zonder HTTPS wordt /inloggen/ niet naar https doorverwezen",
    )
    ok("gewoon HTTP buiten /health/ -> 301 naar https (SECURE_SSL_REDIRECT)")


def step_static(client: ProxiedClient) -> None:
    from django.conf import settings

    manifest = json.loads((Path(settings.STATIC_ROOT) / "staticfiles.json").read_text())
    paths = manifest["paths"]
    original = next(
        (name for name in sorted(paths) if name.endswith(".css")), sorted(paths)[0]
    )
    url = settings.STATIC_URL + paths[original]
    response = client.get(url)
    expect(response.status_code == 200, f"{url} antwoordt {response.status_code}")
    expect(
        response.content == (Path(settings.STATIC_ROOT) / paths[original]).read_bytes(),
        f"{url}: andere inhoud dan het verzamelde bestand",
    )
    cache = response.headers.get("Cache-Control", "")
    match = re.search(r"max-age=(\d+)", cache)
    expect(
        match and int(match.group(1)) >= 365 * 24 * 3600,
        f"{url}: geen cache voor de verre toekomst ({cache!r})",
    )
    ok(f"WhiteNoise levert {original} als {url} (Cache-Control: {cache})")


def step_login(client: ProxiedClient) -> None:
    page = client.get("/inloggen/")
    expect(page.status_code == 200, f"/inloggen/ antwoordt {page.status_code}")
    response = client.post(
        "/inloggen/",
        data={
            "csrfmiddlewaretoken": csrf_token(page.text),
            "username": USERNAME,
            "password": PASSWORD,
            "next": "/",
        },
    )
    expect(
        response.status_code == 302,
        f"inloggen mislukt (status {response.status_code})",
    )
    expect("sessionid" in client.cookies, "geen sessiecookie na het inloggen")
    # Production requires the second factor: the first login enrols an app.
    target = location(client.get("/"))
    expect(
        target.startswith("/inloggen/tweede-stap/instellen/"),
        f"na het wachtwoord geen tweede stap, maar {target}",
    )
    enrol = client.get(target)
    expect(enrol.status_code == 200, f"{target} antwoordt {enrol.status_code}")
    match = re.search(r'data-testid="otp-key">([A-Z2-7 ]+)<', enrol.text)
    expect(match, "geen sleutel op de inschrijfpagina")
    key = match.group(1).replace(" ", "")
    ok(f"wachtwoord aanvaard; de tweede factor is verplicht ({target})")
    response = client.post(
        target,
        data={
            "csrfmiddlewaretoken": csrf_token(enrol.text),
            "code": totp(key),
            "next": "/",
        },
    )
    expect(
        response.status_code == 200 and "herstelcodes" in response.text,
        f"de code uit de app werd niet aanvaard (status {response.status_code})",
    )
    ok("authenticator-app ingeschreven met een berekende code; herstelcodes getoond")
    home = client.get("/")
    expect(home.status_code == 200, f"de startpagina antwoordt {home.status_code}")
    ok(f"ingelogd als {USERNAME}: de startpagina antwoordt 200")


def step_upload(client: ProxiedClient, client_pk: int) -> bytes:
    dossier_path = f"/admin/klantdossier/{client_pk}/"
    page = client.get(dossier_path)
    expect(page.status_code == 200, f"{dossier_path} antwoordt {page.status_code}")
    action = f"{dossier_path}bewijs-toevoegen/"
    expect(action in page.text, "geen uploadformulier op de dossierpagina")
    pdf = sample_pdf()
    response = client.post(
        action,
        data={
            "csrfmiddlewaretoken": csrf_token(page.text),
            "description": "Productierookproef",
            "audit": "",
        },
        files={"files": (FILENAME, pdf, "application/pdf")},
    )
    expect(
        response.status_code == 302 and location(response) == dossier_path,
        f"upload mislukt (status {response.status_code})",
    )
    page = client.get(dossier_path)
    expect(FILENAME in page.text, "het bestand staat niet in het dossier")
    ok(f"{FILENAME} ({len(pdf)} bytes) geüpload via het formulier van {dossier_path}")
    return pdf


def step_extraction(client: ProxiedClient) -> str:
    """Wait for the worker: the search page finds the PDF by a word in it."""
    from django_tasks_db.models import DBTaskResult

    from cases.models import EvidenceFile

    evidence = EvidenceFile.objects.get(original_name=FILENAME)
    deadline = time.monotonic() + EXTRACTION_WAIT
    search = "/zoeken/?" + urlencode({"q": WORD})
    download = ""
    while time.monotonic() < deadline:
        page = client.get(search)
        expect(page.status_code == 200, f"{search} antwoordt {page.status_code}")
        hit = re.search(r'href="(/bewijs/[0-9a-f-]+/)"', page.text)
        if hit and FILENAME in html.unescape(page.text):
            download = hit.group(1)
            break
        time.sleep(1)
    evidence.refresh_from_db()
    expect(
        evidence.extracted_at,
        f"de worker heeft de tekst niet binnen {EXTRACTION_WAIT} s gehaald",
    )
    expect(not evidence.extraction_error, f"extractiefout: {evidence.extraction_error}")
    expect(WORD in evidence.extracted_text, "het woord staat niet in de tekst")
    task = DBTaskResult.objects.filter(
        task_path="cases.tasks.extract_evidence_text",
        args_kwargs__args=[evidence.pk],
    ).first()
    expect(task is not None, "de extractie liep niet via de takenwachtrij")
    expect(
        task.status == "SUCCESSFUL" and task.worker_ids,
        f"extractietaak {task.status}, workers {task.worker_ids}",
    )
    took = (task.finished_at - task.enqueued_at).total_seconds()
    text = " ".join(evidence.extracted_text.split())
    ok(
        f"de worker ({', '.join(task.worker_ids)}) haalde de tekst uit het bestand, "
        f"{took:.1f} s na de upload: {text[:70]!r}"
    )
    expect(download, f"de zoekpagina vindt {FILENAME} niet op {WORD!r}")
    ok(f"GET {search} vindt {FILENAME} ({download})")
    return download


def step_download(client: ProxiedClient, download: str, pdf: bytes) -> None:
    response = client.get(download)
    expect(response.status_code == 200, f"{download} antwoordt {response.status_code}")
    expect(response.content == pdf, "gedownloade bytes wijken af van de upload")
    expect(
        "attachment" in response.headers.get("Content-Disposition", ""),
        "bewijs wordt niet als bijlage geleverd",
    )
    ok(f"download {download}: {len(pdf)} bytes, gelijk aan de upload")

    from django.utils import timezone
    from wagtail.models import ModelLogEntry

    from cases.models import EvidenceFile

    evidence = EvidenceFile.objects.get(original_name=FILENAME)
    entry = (
        ModelLogEntry.objects.filter(
            action="portal.evidence.download", object_id=str(evidence.pk)
        )
        .select_related("user")
        .order_by("-timestamp")
        .first()
    )
    expect(entry is not None, "de download staat niet in het auditlog")
    expect(
        entry.user and entry.user.username == USERNAME,
        f"auditlog noemt {entry.user} in plaats van {USERNAME}",
    )
    expect(entry.data.get("sha256") == hashlib.sha256(pdf).hexdigest(), "sha256")
    when = timezone.localtime(entry.timestamp)
    ok(
        f"auditlog: portal.evidence.download door {entry.user.username} om "
        f"{when:%H:%M:%S} (sha256 {entry.data['sha256'][:12]}...)"
    )


def run(base_url: str) -> None:
    from cases.models import Client

    dossier = Client.objects.order_by("pk").first()
    expect(dossier is not None, "geen klantdossier in de database (load_demo?)")
    client = ProxiedClient(base_url)
    wait_until_up(client, STARTUP_WAIT)
    step_health(client)
    step_static(client)
    step_login(client)
    pdf = step_upload(client, dossier.pk)
    download = step_extraction(client)
    step_download(client, download, pdf)
    step_queue()


def step_queue() -> None:
    """Everything the worker ran (the demo's indexing included) succeeded."""
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    figures = dict(
        DBTaskResult.objects.values_list("status").annotate(n=Count("pk")).order_by()
    )
    failed = DBTaskResult.objects.filter(status="FAILED")
    expect(
        not failed.exists(),
        "mislukte taken in de wachtrij: "
        + "; ".join(
            f"{t.task_path}: {t.exception_class_path}" for t in failed.order_by()[:5]
        ),
    )
    ok(f"takenwachtrij zonder mislukte taken ({figures})")


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")
    try:
        setup_django()
        if len(argv) == 1:
            run(argv[0])
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except SmokeFailure as exc:
        print(f"FOUT: {exc}", file=sys.stderr, flush=True)
        return 1
    except requests.RequestException as exc:
        print(f"FOUT: het portaal antwoordt niet: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
