"""Headers and throttles (issue 18, item 4): the security headers on the portal,
the admin and the login page; downloads that are saved, never sniffed and never
cached; a bound on searches per user that a person never reaches."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from cases.letters import letter_template
from cases.models import LetterTemplate
from cases.services import evidence_upload
from portal.roles import OFFICE_MANAGER, QUALITY_OFFICER
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db

SEARCH = "/zoeken/"
SUGGEST = "/zoeken/suggesties/"
TOO_MANY = "U hebt in korte tijd erg veel zoekopdrachten gegeven"


@pytest.fixture
def quality():
    return UserFactory(roles=[QUALITY_OFFICER])


@pytest.fixture
def office():
    return UserFactory(roles=[OFFICE_MANAGER])


def _directives(response) -> dict[str, set[str]]:
    policy = response["Content-Security-Policy"]
    parts = (part.split() for part in policy.split(";") if part.strip())
    return {name: set(values) for name, *values in parts}


def _assert_common_headers(response):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    csp = _directives(response)
    assert csp["default-src"] == {"'self'"}
    assert csp["frame-ancestors"] == {"'none'"}
    assert csp["object-src"] == {"'none'"}
    assert csp["base-uri"] == {"'self'"}
    assert csp["form-action"] == {"'self'"}
    assert "'unsafe-eval'" not in csp["script-src"]
    return csp


# -- headers -----------------------------------------------------------------------


def test_the_login_page_has_the_security_headers_and_a_strict_csp(client):
    response = client.get(reverse("portal:login"))
    assert response.status_code == 200
    csp = _assert_common_headers(response)
    assert csp["script-src"] == {"'self'"}
    assert csp["style-src"] == {"'self'"}


def test_a_front_end_page_has_the_security_headers_and_a_strict_csp(client, quality):
    client.force_login(quality)
    response = client.get(reverse("cases:dossier_list"))
    assert response.status_code == 200
    csp = _assert_common_headers(response)
    assert csp["script-src"] == {"'self'"}
    assert csp["style-src"] == {"'self'"}
    assert csp["img-src"] == {"'self'", "data:"}


def test_the_admin_adds_only_its_inline_scripts_and_styles_to_the_csp(client, quality):
    client.force_login(quality)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    csp = _assert_common_headers(response)
    assert csp["script-src"] == {"'self'", "'unsafe-inline'"}
    assert csp["style-src"] == {"'self'", "'unsafe-inline'"}
    assert csp["img-src"] == {"'self'", "data:", "blob:"}


def test_only_wagtails_preview_may_be_framed_and_only_by_the_portal_itself():
    from django.http import HttpResponse
    from django.test import RequestFactory

    from portal.security_headers import ContentSecurityPolicyMiddleware

    def preview(request):
        # As Wagtail's preview: the inner pass already set the page's policy.
        response = HttpResponse("voorbeeld")
        response["Content-Security-Policy"] = (
            "default-src 'self'; frame-ancestors 'none'; script-src 'self'"
        )
        response["X-Frame-Options"] = "SAMEORIGIN"
        return response

    request = RequestFactory().get("/admin/pages/3/edit/preview/")
    response = ContentSecurityPolicyMiddleware(preview)(request)
    assert response["Content-Security-Policy"] == (
        "default-src 'self'; script-src 'self'; frame-ancestors 'self'"
    )


# -- downloads ---------------------------------------------------------------------


def _assert_download(response, filename):
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert filename in disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    cache_control = {v.strip() for v in response["Cache-Control"].split(",")}
    assert {"no-store", "private", "no-cache"} <= cache_control


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("rapport.pdf", None, "application/pdf"),
        (
            "x.html",
            b"<html><script>alert(1)</script></html>",
            "application/octet-stream",
        ),
    ],
)
def test_evidence_is_a_download_never_sniffed_nor_cached(
    client, office, name, data, content_type
):
    if data is None:
        from weasyprint import HTML

        data = HTML(string="<p>rapport</p>").write_pdf()
    evidence = evidence_upload(
        client=ClientFactory(), uploaded_file=ContentFile(data, name=name), by=office
    )
    client.force_login(office)
    response = client.get(reverse("cases:evidence_download", args=[evidence.uuid]))
    _assert_download(response, name)
    assert response["Content-Type"] == content_type
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == data


def test_a_file_name_cannot_break_the_download_header(client, office):
    evidence = evidence_upload(
        client=ClientFactory(),
        uploaded_file=ContentFile(b"tekst", name='verslag"; x=y café.txt'),
        by=office,
    )
    client.force_login(office)
    response = client.get(reverse("cases:evidence_download", args=[evidence.uuid]))
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert '"; x=y' not in disposition
    assert "\n" not in disposition


@pytest.mark.parametrize(("fmt", "ext"), [("csv", "csv"), ("xlsx", "xlsx")])
def test_register_exports_are_downloads_never_sniffed_nor_cached(
    client, office, fmt, ext
):
    client.force_login(office)
    response = client.get(reverse("cases_admin:register"), {"format": fmt})
    _assert_download(response, f".{ext}")


def test_the_letter_preview_is_shown_inline_never_cached_nor_sniffed(client, quality):
    # The portal rendered it itself (made-up data): shown at once in the browser.
    template = letter_template(LetterTemplate.Kind.APPEAL_ACK)
    client.force_login(quality)
    response = client.get(
        reverse("wagtailsnippets_cases_lettertemplate:preview_pdf", args=[template.pk])
    )
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert "voorbeeld-" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_the_read_acknowledgements_export_is_a_download_never_cached(client, quality):
    client.force_login(quality)
    response = client.get(
        reverse("documents_admin:acknowledgements"), {"format": "csv"}
    )
    _assert_download(response, "leesbevestigingen-")


# -- the search bound --------------------------------------------------------------


@pytest.fixture
def bound(settings, monkeypatch):
    """Three searches a minute, at a moment we set."""
    settings.PORTAL_SEARCH_RATE = "3/m"
    clock = {"now": 1_800_000_000.0}
    monkeypatch.setattr("search.throttle._now", lambda: clock["now"])
    return clock


@pytest.mark.parametrize("url", [SEARCH, SUGGEST])
def test_the_search_after_the_bound_is_refused_in_dutch_and_only_for_that_user(
    client, bound, quality, office, url
):
    client.force_login(quality)
    for _ in range(3):
        assert client.get(url, {"q": "klacht"}).status_code == 200
    refused = client.get(url, {"q": "klacht"})
    assert refused.status_code == 429
    assert TOO_MANY in refused.content.decode()
    assert "Wacht een minuut" in refused.content.decode()
    assert int(refused["Retry-After"]) > 0
    assert "no-store" in refused["Cache-Control"]
    if url == SUGGEST:
        assert refused.json()["resultaten"] == []

    # Another user is not affected.
    client.force_login(office)
    assert client.get(url, {"q": "klacht"}).status_code == 200

    # The next minute, the first user searches again.
    client.force_login(quality)
    bound["now"] += 60
    assert client.get(url, {"q": "klacht"}).status_code == 200


def test_the_search_page_and_the_suggestions_count_apart(client, bound, quality):
    """Typing in the search box does not use up the searches of the page."""
    client.force_login(quality)
    for _ in range(3):
        assert client.get(SUGGEST, {"q": "kla"}).status_code == 200
    assert client.get(SUGGEST, {"q": "kla"}).status_code == 429
    assert client.get(SEARCH, {"q": "klacht"}).status_code == 200


def test_without_a_rate_there_is_no_bound(client, settings, quality):
    settings.PORTAL_SEARCH_RATE = None
    client.force_login(quality)
    for _ in range(150):
        assert client.get(SUGGEST, {"q": "kl"}).status_code == 200


def test_the_default_bound_is_one_a_person_never_reaches(settings):
    from search.throttle import parse_rate

    count, seconds = parse_rate(settings.PORTAL_SEARCH_RATE)
    assert count / seconds >= 2  # two searches a second, for a whole minute
