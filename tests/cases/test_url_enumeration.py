"""Probes that find their kind by enumeration (issue 11).

The permission matrices list the ways in that someone thought of; Wagtail adds
views that nobody listed (bulk actions, the choosers' create, copy, usage,
move-confirm, the page chooser's search). These tests take the ways in from the
URL resolver instead, for the world of the register matrix and every one of its
subjects:

- every URL pattern that names an object is requested for an object in the
  subject's scope, one outside it and one that does not exist: outside answers
  exactly as missing (status and redirect target) and carries no name, number or
  text of an object outside the scope, in body or headers; nothing answers 500;
- every pattern without an object argument (listings, choosers, exports,
  reports, search) is requested plain and with search words: nothing outside the
  scope shows, nothing answers 500;
- every create/edit/bulk endpoint is POSTed with invalid and with out-of-scope
  data: never a 500, never a changed row.

A pattern the resolver yields that the tables below do not classify fails
`test_every_url_pattern_is_classified`: a new view is probed before it ships.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from wagtail.models import Page

from cases.models import (
    Appeal,
    Audit,
    CertificationDecision,
    Client,
    Complaint,
    EvidenceFile,
    Mediation,
    Signal,
)
from documents.models import HandbookPage, ProcedurePage
from insights.models import CoreGroupMeeting
from insights.services import meeting_plan
from portal.scoping import object_scope, pages_known_to
from tests.cases import test_register_matrix as matrix

pytestmark = pytest.mark.django_db

# The register matrix's world, built once for this module (its fixture).
world = matrix.world
_isolated_files = matrix._isolated_files

LIVE_TITLE = "Procedure live LIVEPROC-OMEGA-12"
DRAFT_TITLE = "Conceptprocedure CONCEPTTITEL-ZETA-57"
DRAFT_CODE = "P-CONCEPT-57"
LIVE_CODE = "P-LIVE-12"
MISSING_INT = 987_654_321


# -- the URL patterns ------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    route: str  # the whole pattern, as the resolver joins it
    name: str  # namespace:name ("" for unnamed)
    args: tuple[str, ...]  # keyword arguments (or positional group numbers)

    def url(self, values: dict[str, object]) -> str:
        """The path with ``values`` put in for its arguments."""
        if self.name == "wagtail_serve":
            return "/" + str(values["0"])
        text = self.route
        for arg in self.args:
            value = str(values[arg])
            text = re.sub(rf"\(\?P<{arg}>[^)]*\)", value, text)
            text = re.sub(rf"<(?:\w+:)?{arg}>", value, text)
        if "(" in text:  # positional groups (Wagtail's document serving)
            for arg in self.args:
                text = re.sub(r"\((?!\?)[^)]*\)", str(values[arg]), text, count=1)
        text = text.replace("^", "").replace("$", "").replace("\\.", ".")
        return "/" + text


def _walk(patterns, prefix="", namespace=None) -> Iterator[Route]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = p.name or ""
            if namespace and name:
                name = f"{namespace}:{name}"
            regex = p.pattern.regex
            args = tuple(regex.groupindex) or tuple(str(i) for i in range(regex.groups))
            # Groups of the prefixes (resolvers) count too.
            full = prefix + str(p.pattern)
            named = tuple(re.findall(r"<(?:\w+:)?(\w+)>", full)) + tuple(
                re.findall(r"\(\?P<(\w+)>", full)
            )
            if named:
                args = tuple(dict.fromkeys(named))
            yield Route(full, name, args)


def all_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns))


# -- which object a pattern names --------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One way to fill a pattern: the model whose object its arguments name, and
    how to name one (``key(obj)``: the values of the arguments; obj None: missing)."""

    route: Route
    model: type[Model]
    key: Callable[[object | None], dict]
    label: str = ""

    @property
    def id(self) -> str:
        what = self.label or self.model.__name__
        return f"{self.route.name or self.route.route}[{what}]"


def _pk_key(*args: str, **fixed) -> Callable[[object | None], dict]:
    def key(obj):
        pk = MISSING_INT if obj is None else obj.pk
        return {**dict.fromkeys(args, pk), **fixed}

    return key


def _uuid_key(obj):
    return {"uuid": uuid.UUID(int=MISSING_INT) if obj is None else obj.uuid}


def _code_key(*, label: bool = False):
    def key(obj):
        values = {"code": "P-ONBEKEND-99" if obj is None else obj.code}
        if label:
            values["label"] = "2305" if obj is None else obj.version_label
        return values

    return key


def _serve_key(obj):
    return {"0": "bestaat-niet/" if obj is None else obj.url_path.split("/", 2)[2]}


# Our own views, by name: the model they name and how.
OWN = {
    "cases:dossier": (Client, _pk_key("pk")),
    "cases:evidence_download": (EvidenceFile, _uuid_key),
    "cases:signal": (Signal, _pk_key("pk")),
    "cases_admin:dossier": (Client, _pk_key("pk")),
    "cases_admin:evidence_upload": (Client, _pk_key("pk")),
    # The Toegang panel (POST only; the colleague is any user, the dossier decides).
    "cases_admin:access_grant": (Client, _pk_key("pk")),
    "cases_admin:access_revoke": (Client, _pk_key("pk", user_pk=MISSING_INT)),
    "cases_admin:appeal": (Appeal, _pk_key("pk")),
    "cases_admin:complaint_register": (Signal, _pk_key("signal_pk")),
    "cases_admin:complaint": (Complaint, _pk_key("pk")),
    "cases_admin:mediation": (Mediation, _pk_key("pk")),
    "cases_admin:complaint_upload": (Complaint, _pk_key("pk")),
    "cases_admin:mediation_upload": (Mediation, _pk_key("pk")),
    "cases_admin:decision_mark_emailed": (CertificationDecision, _pk_key("pk")),
    "cases_admin:decision_supersede": (CertificationDecision, _pk_key("pk")),
    "cases_admin:evidence_delete": (EvidenceFile, _pk_key("pk")),
    # The preview of a letter step and its PDF (issue 16): the case decides.
    "cases_admin:complaint_letter": (Complaint, _pk_key("pk", action="acknowledge")),
    "cases_admin:complaint_letter_pdf": (
        Complaint,
        _pk_key("pk", action="acknowledge"),
    ),
    "cases_admin:appeal_letter": (Appeal, _pk_key("pk", action="acknowledge")),
    "cases_admin:appeal_letter_pdf": (Appeal, _pk_key("pk", action="acknowledge")),
    "cases_admin:mediation_letter": (Mediation, _pk_key("pk", action="propose")),
    "cases_admin:mediation_letter_pdf": (Mediation, _pk_key("pk", action="propose")),
    "documents_admin:change_request_new": (Complaint, _pk_key("complaint_pk")),
    "documents:procedure": (ProcedurePage, _code_key()),
    "documents:version_pdf": (ProcedurePage, _code_key(label=True)),
    "documents:draft_pdf": (ProcedurePage, _code_key()),
    "documents:compare": (ProcedurePage, _code_key()),
    "documents_quality:acknowledge": (ProcedurePage, _code_key(label=True)),
    "wagtail_serve": (Page, _serve_key),
    # The core-group meetings (C11): the meeting decides, each case on it is
    # shown as its own scope says (tests/insights/test_meetings.py).
    "insights_admin:meeting": (CoreGroupMeeting, _pk_key("pk")),
    "insights_admin:meeting_action": (
        CoreGroupMeeting,
        _pk_key("pk", action="aanvullen"),
    ),
    "insights_admin:meeting_agenda_pdf": (CoreGroupMeeting, _pk_key("pk")),
    "insights_admin:meeting_minutes_pdf": (CoreGroupMeeting, _pk_key("pk")),
    "insights_admin:meeting_xlsx": (CoreGroupMeeting, _pk_key("pk")),
}
LOGBOOK_KINDS = {
    "signal": Signal,
    "complaint": Complaint,
    "appeal": Appeal,
    "mediation": Mediation,
}
PAGE_KWARGS = (
    "page_id",
    "parent_page_id",
    "page_to_move_id",
    "destination_id",
    "page_pk",
)
# The other arguments of page URLs (a revision, a task...): any value; the page
# decides the answer.
PAGE_FILLERS = {
    "revision_id": MISSING_INT,
    "task_state_id": MISSING_INT,
    "task_id": MISSING_INT,
    "workflow_state_id": MISSING_INT,
    "workflow_pk": MISSING_INT,
    "action_name": "approve",
    "revision_id_a": "earliest",
    "revision_id_b": "latest",
    "content_type_app_name": "documents",
    "content_type_model_name": "procedurepage",
}

# Patterns with arguments that name nothing of the register or the quality
# documents, and why that is so.
NOT_CONFIDENTIAL = {
    "wagtailadmin_collections:": "collections of Wagtail documents, no case data",
    "wagtailadmin_workflows:": "workflow definitions (page ones are probed)",
    "wagtailsites:": "site records",
    "wagtailusers_users:": "staff accounts; the users app is the register's peer",
    "wagtailusers_groups:": "role groups (portal.roles)",
    "wagtailredirects:": "redirects",
    "wagtailimages": "images: the portal keeps none with cases",
    "wagtailsettings:": "organisation settings",
    "wagtaildocs": "procedure attachments, readable by every member of staff",
    "wagtailadmin_api:documents": "procedure attachments (as above)",
    "wagtailadmin_api:images": "images (as above)",
    "wagtailadmin_tag_model_autocomplete": "tags per model, no objects",
    "wagtailadmin_editing_sessions:release": "the user's own editing session",
    "wagtailadmin_password_reset_confirm": "a password reset token",
    "portal_security:": "staff accounts' lockouts and second factor (register "
    "roles only: tests/portal/test_accounts_lockout.py, test_second_factor.py)",
    "wagtailcore_authenticate_with_password": "page view restrictions (none used)",
    "wagtailadmin_pages:type_use": "page types in use, no page",
    "wagtailadmin_pages:choose_parent": "a page type, no page",
    "insights_admin:review": "a year's management review: counts, for the register "
    "roles only (tests/insights/test_review.py probes every role)",
}


def _classified_as_not_confidential(route: Route) -> bool:
    return any(route.name.startswith(prefix) for prefix in NOT_CONFIDENTIAL)


def _snippet_model(name: str) -> type[Model] | None:
    for prefix in ("wagtailsnippets_", "wagtailsnippetchoosers_"):
        if name.startswith(prefix):
            app_label, _sep, rest = name.removeprefix(prefix).partition("_")
            return apps.get_model(app_label, rest.split(":")[0])
    return None


def _is_page_route(route: Route) -> bool:
    return any(a in route.args for a in PAGE_KWARGS) or route.name in (
        "wagtailadmin_pages:revisions_compare",
        "wagtailadmin_api:pages:detail",
        "wagtailadmin_api:pages:action",
    )


def targets_of(route: Route) -> list[Target] | None:
    """The objects a pattern can name; [] for a pattern without arguments; None
    when the pattern is not classified (a test failure)."""
    if not route.args:
        return []
    if route.name in OWN:
        model, key = OWN[route.name]
        return [Target(route, model, key)]
    if route.name in ("cases_admin:logbook_export", "cases_admin:logbook"):
        return [
            Target(route, model, _pk_key("pk", kind=kind), label=kind)
            for kind, model in LOGBOOK_KINDS.items()
        ]
    if route.name in ("wagtail_bulk_action", "wagtailadmin_editing_sessions:ping"):
        return _per_model_targets(route)
    model = _snippet_model(route.name)
    if model is not None and route.args == ("pk",):
        return [Target(route, model, _pk_key("pk"))]
    if _is_page_route(route):
        page_args = [a for a in route.args if a in (*PAGE_KWARGS, "pk")]
        fillers = {a: PAGE_FILLERS.get(a, 1) for a in route.args if a not in page_args}
        if "action_name" in route.args and route.name.endswith("pages:action"):
            fillers["action_name"] = "copy"
        return [Target(route, Page, _pk_key(*page_args, **fillers))]
    if _classified_as_not_confidential(route):
        return []
    return None


def _scoped_models() -> list[type[Model]]:
    return [*matrix_models(), Page]


def matrix_models() -> list[type[Model]]:
    return [Client, Audit, CertificationDecision, EvidenceFile, Appeal, Signal]


def _per_model_targets(route: Route) -> list[Target]:
    targets = []
    for model in _scoped_models():
        meta = model._meta
        if route.name == "wagtail_bulk_action":
            fixed = {
                "app_label": meta.app_label,
                "model_name": meta.model_name,
                "action": "delete",
            }
            key = _query_key(fixed, "id")
        else:
            fixed = {
                "app_label": meta.app_label,
                "model_name": meta.model_name,
                "session_id": MISSING_INT,
            }
            key = _pk_key("object_id", **fixed)
        targets.append(Target(route, model, key, label=meta.model_name))
    return targets


def _query_key(fixed: dict, param: str) -> Callable[[object | None], dict]:
    def key(obj):
        return {**fixed, "?": {param: MISSING_INT if obj is None else obj.pk}}

    return key


# -- the world's pages and who may know of what --------------------------------------


@pytest.fixture(scope="module")
def pages(world, django_db_blocker):
    """A live procedure and a never-published draft, in the matrix's world."""
    with django_db_blocker.unblock():
        handbook = HandbookPage.objects.get()
        live = ProcedurePage(
            code=LIVE_CODE,
            title=LIVE_TITLE,
            version_label="2305",
            effective_date=datetime.date(2023, 5, 1),
            change_summary="Eerste versie.",
        )
        handbook.add_child(instance=live)
        live.save_revision().publish()
        draft = ProcedurePage(
            code=DRAFT_CODE,
            title=DRAFT_TITLE,
            version_label="2612",
            effective_date=datetime.date(2026, 12, 1),
            change_summary="Concept.",
            live=False,
        )
        handbook.add_child(instance=draft)
        draft.save_revision()
        # A core-group meeting over the world's cases (C11), for the probes of
        # the meeting's views: its page shows each case as the reader's scope says.
        keeper = world.users["kwaliteit"]
        meeting_plan(by=keeper, held_on=datetime.date(2026, 12, 31), period_start=None)
        return {
            "live": ProcedurePage.objects.get(pk=live.pk),
            "draft": ProcedurePage.objects.get(pk=draft.pk),
        }


def _scope(user, model) -> set:
    if user is None:
        return set()
    if issubclass(model, Page):
        return set(pages_known_to(user).values_list("pk", flat=True))
    selector = object_scope(model)
    if selector is None:
        return set(model.objects.values_list("pk", flat=True))
    return set(selector(user).values_list("pk", flat=True))


def _pool(model, pages) -> list:
    if issubclass(model, Page):
        return [pages["live"], pages["draft"]]
    return list(model.objects.order_by("pk"))


def _in_and_out(user, model, pages):
    scope = _scope(user, model)
    pool = _pool(model, pages)
    inside = next((o for o in pool if o.pk in scope), None)
    outside = next((o for o in pool if o.pk not in scope), None)
    return inside, outside


def _marks(obj) -> list[str]:
    """What would give an object away: its number, name or title."""
    marks = []
    # Not the case number: a complaint names the signal it came from (C1) and a
    # letter in a visible dossier carries its case's number in its file name (the
    # register matrix checks numbers on the case pages).
    for attr in ("original_name", "title"):
        value = getattr(obj, attr, None)
        if value:
            marks.append(str(value))
    if isinstance(obj, Client):
        marks.append(obj.name)
    return marks


def invisible_marks(world, subject, user, pages) -> list[tuple[str, str]]:
    """Every distinctive string of an object ``subject`` may not see."""
    marks = list(world.invisible_secrets(subject))
    for model in (Signal, Complaint, Appeal, Mediation, EvidenceFile):
        scope = _scope(user, model)
        for obj in model.objects.exclude(pk__in=scope):
            marks.extend((f"{model.__name__}:{obj.pk}", m) for m in _marks(obj))
    for model in (Audit, CertificationDecision):
        # Their titles name the client, the kind and the date.
        for obj in model.objects.exclude(pk__in=_scope(user, model)):
            marks.append((f"{model.__name__}:{obj.pk}", str(obj)))
    if pages["draft"].pk not in _scope(user, Page):
        marks.append(("draft page", DRAFT_TITLE))
    return marks


# -- requesting ------------------------------------------------------------------------


def _request(http, method: str, target: Target, obj, data=None):
    values = target.key(obj)
    query = values.pop("?", None)
    path = target.route.url(values)
    if method == "get":
        response = http.get(path, query or {})
    else:
        if query:
            path += "?" + "&".join(f"{k}={v}" for k, v in query.items())
        response = http.post(path, data or {})
    return path, response


def _signature(path: str, response) -> tuple:
    """Status and redirect target, with the requested URL (which names the
    object) taken out of the target."""
    location = response.get("Location", "")
    full = response.wsgi_request.get_full_path()
    for named in (full, path):
        location = location.replace(quote(named, safe=""), "{path}")
        location = location.replace(quote(named), "{path}").replace(named, "{path}")
    return response.status_code, location


def _body(response) -> str:
    if getattr(response, "streaming", False):
        raw = b"".join(response.streaming_content)
    else:
        raw = response.content
    headers = "\n".join(f"{k}: {v}" for k, v in response.items())
    return headers + "\n" + raw.decode("utf-8", errors="replace")


def _leaks(response, marks) -> list[tuple[str, str]]:
    body = _body(response)
    return [(label, m) for label, m in marks if m in body]


def _rows_digest() -> str:
    """Every row of the register and the quality documents, as one hash."""
    digest = hashlib.sha256()
    for app in ("cases", "documents"):
        for model in apps.get_app_config(app).get_models():
            rows = model.objects.order_by("pk").values_list()
            digest.update(repr(list(rows)).encode())
    for model in (Page,):
        digest.update(repr(list(model.objects.order_by("pk").values_list())).encode())
    return digest.hexdigest()


def _post_data(user) -> dict:
    """A payload that every create/edit/upload form half-accepts."""
    return {
        "files": [SimpleUploadedFile("probe.txt", b"probe\n", "text/plain")],
        "description": "Probe",
        "reason": "Probe",
        "note": "Probe",
        "decider": getattr(user, "pk", ""),
        "outcome": "granted",
        "motivation": "Probe",
    }


SKIP_ROUTES = {
    # Ends the session the probes run in (and is no object's view).
    "portal:logout": "logs out",
    "wagtailadmin_logout": "logs out",
    "wagtailadmin_error_test": "Wagtail's page that fails on purpose (error pages)",
}

# -- the probes ----------------------------------------------------------------------


def test_every_url_pattern_is_classified():
    unclassified = [
        r.route
        for r in all_routes()
        if r.name not in SKIP_ROUTES and targets_of(r) is None
    ]
    assert not unclassified, (
        "URL patterns naming an object that no probe knows: classify them in "
        f"tests/cases/test_url_enumeration.py: {unclassified}"
    )


def _object_targets() -> list[Target]:
    return [
        t
        for r in all_routes()
        if r.name not in SKIP_ROUTES
        for t in targets_of(r) or []
    ]


def test_the_probes_cover_wagtails_own_object_views():
    """The enumeration reaches what the outside probe found unlisted."""
    names = {t.route.name for t in _object_targets()}
    for expected in (
        "wagtail_bulk_action",
        "wagtailsnippets_cases_client:copy",
        "wagtailsnippets_cases_client:usage",
        "wagtailadmin_pages:move_confirm",
        "wagtailsnippetchoosers_cases_appeal:chosen",
        "cases_admin:complaint",
        "cases:evidence_download",
    ):
        assert expected in names, expected
    assert len(names) >= 100


@pytest.mark.parametrize("subject_key", [s.key for s in matrix.SUBJECTS])
def test_out_of_scope_objects_answer_exactly_like_missing_ones(
    subject_key, world, pages, client
):
    client.raise_request_exception = False
    subject = matrix.SUBJECTS_BY_KEY[subject_key]
    user = matrix.login(client, world, subject)
    marks = invisible_marks(world, subject, user, pages)
    problems = []
    for target in _object_targets():
        inside, outside = _in_and_out(user, target.model, pages)
        if inside is not None:
            path, response = _request(client, "get", target, inside)
            if response.status_code >= 500:
                problems.append((target.id, "in scope", path, response.status_code))
            leaked = _leaks(response, marks)
            if leaked:
                problems.append((target.id, "in scope leaks", path, leaked))
        if outside is None:
            continue
        path, response = _request(client, "get", target, outside)
        missing_path, missing = _request(client, "get", target, None)
        got, want = _signature(path, response), _signature(missing_path, missing)
        if got != want:
            problems.append((target.id, "out of scope != missing", path, got, want))
        if response.status_code >= 500 or missing.status_code >= 500:
            problems.append((target.id, "500", path, response.status_code))
        leaked = _leaks(response, marks)
        if leaked:
            problems.append((target.id, "out of scope leaks", path, leaked))
    assert not problems, "\n".join(map(repr, problems))


@pytest.mark.parametrize("subject_key", [s.key for s in matrix.SUBJECTS])
def test_posting_to_out_of_scope_objects_changes_nothing(
    subject_key, world, pages, client
):
    client.raise_request_exception = False
    subject = matrix.SUBJECTS_BY_KEY[subject_key]
    user = matrix.login(client, world, subject)
    marks = invisible_marks(world, subject, user, pages)
    problems = []
    before = _rows_digest()
    for target in _object_targets():
        _inside, outside = _in_and_out(user, target.model, pages)
        if outside is None:
            continue
        path, response = _request(client, "post", target, outside, _post_data(user))
        missing_path, missing = _request(client, "post", target, None, _post_data(user))
        got, want = _signature(path, response), _signature(missing_path, missing)
        if got != want:
            problems.append((target.id, "out of scope != missing", path, got, want))
        if response.status_code >= 500 or missing.status_code >= 500:
            problems.append((target.id, "500", path, response.status_code))
        leaked = _leaks(response, marks)
        if leaked:
            problems.append((target.id, "leaks", path, leaked))
    assert not problems, "\n".join(map(repr, problems))
    assert _rows_digest() == before, "a POST to an out-of-scope object changed rows"


# -- listings, choosers, exports, search -----------------------------------------------


def _listing_routes() -> list[Route]:
    return [
        r
        for r in all_routes()
        if not r.args and r.name not in SKIP_ROUTES and r.name != ""
    ]


def _search_words() -> list[str]:
    # A word of every client's name, of every evidence file's name, the draft's
    # title and a case number prefix.
    return ["Register", "stuk", "CONCEPTTITEL", "K-2026"]


@pytest.mark.parametrize("subject_key", [s.key for s in matrix.SUBJECTS])
def test_listings_choosers_and_exports_show_nothing_out_of_scope(
    subject_key, world, pages, client
):
    client.raise_request_exception = False
    subject = matrix.SUBJECTS_BY_KEY[subject_key]
    user = matrix.login(client, world, subject)
    marks = invisible_marks(world, subject, user, pages)
    out_ids = {
        model: [o.pk for o in _pool(model, pages) if o.pk not in _scope(user, model)]
        for model in _scoped_models()
    }
    problems = []
    for route in _listing_routes():
        path = route.url({})
        queries: list[dict] = [{}] + [{"q": w} for w in _search_words()]
        if route.name.endswith("chosen_multiple"):
            model = _snippet_model(route.name) or Page
            if model in out_ids:
                queries.append({"id": out_ids[model] or [MISSING_INT]})
        for query in queries:
            response = client.get(path, query)
            if response.status_code >= 500:
                problems.append((route.name, query, response.status_code))
                continue
            leaked = _leaks(response, marks)
            if leaked:
                problems.append((route.name, query, leaked))
    assert not problems, "\n".join(map(repr, problems))


def _form_routes() -> list[Route]:
    """Every create form of the register (snippet add, chooser create) and our
    own registration forms."""
    names = (":add", ":create", "appeal_lodge", "mediation_open", "signal_new")
    return [r for r in _listing_routes() if r.name.endswith(names)]


def _hostile_payloads(user, world) -> list[dict]:
    """Invalid data, and valid-looking data naming objects out of the user's scope
    (another team's audit with the user as decider, another client...)."""
    out = {
        model: next(
            (
                o
                for o in model.objects.order_by("pk")
                if o.pk not in _scope(user, model)
            ),
            None,
        )
        for model in (Client, Audit, CertificationDecision, Signal, Complaint)
    }
    now = timezone.localtime()
    valid_looking = {
        "audit": getattr(out[Audit], "pk", MISSING_INT),
        "client": getattr(out[Client], "pk", MISSING_INT),
        "decision": getattr(out[CertificationDecision], "pk", MISSING_INT),
        "appellant": getattr(out[Client], "pk", MISSING_INT),
        "claimant": getattr(out[Client], "pk", MISSING_INT),
        "signal": getattr(out[Signal], "pk", MISSING_INT),
        "complaint": getattr(out[Complaint], "pk", MISSING_INT),
        "decider": getattr(user, "pk", ""),
        "team_leader": getattr(user, "pk", ""),
        "outcome": "granted",
        "motivation": "Probe",
        "decided_at": now.strftime("%Y-%m-%d %H:%M"),
        "received_at": now.strftime("%Y-%m-%dT%H:%M"),
        "channel": "email",
        "kind": "initial",
        "start_date": "2026-01-05",
        "end_date": "2026-01-06",
        "name": "Probe BV",
        "number": "CERT-PROBE-1",
        "scope": "Probe",
        "valid_from": "2026-01-01",
        "valid_until": "2029-01-01",
        "reason": "Probe",
        "description": "Probe",
    }
    garbage = dict.fromkeys(valid_looking, "\x00' OR 1=1 --") | {"decided_at": "99-99"}
    return [{}, garbage, valid_looking]


# Forms whose valid data create a row for every member of staff, whatever client
# they name (S1: anyone passes a signal on): probed with invalid data only.
OPEN_TO_STAFF = ("cases:signal_new",)


@pytest.mark.parametrize("subject_key", [s.key for s in matrix.SUBJECTS])
def test_create_forms_refuse_invalid_and_out_of_scope_data(
    subject_key, world, pages, client
):
    client.raise_request_exception = False
    subject = matrix.SUBJECTS_BY_KEY[subject_key]
    user = matrix.login(client, world, subject)
    marks = invisible_marks(world, subject, user, pages)
    problems = []
    before = _rows_digest()
    for route in _form_routes():
        payloads = _hostile_payloads(user, world)
        if subject.register or route.name in OPEN_TO_STAFF:
            # Nothing is out of scope for the register; valid data would create.
            payloads = payloads[:2]
        for n, payload in enumerate(payloads):
            response = client.post(route.url({}), payload)
            if response.status_code >= 500:
                problems.append((route.name, n, response.status_code))
            leaked = _leaks(response, marks)
            if leaked:
                problems.append((route.name, n, leaked))
    assert not problems, "\n".join(map(repr, problems))
    assert _rows_digest() == before, "a refused create form changed rows"
