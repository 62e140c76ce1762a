"""Search never tells anybody anything about what they may not see (issue 6,
acceptance; DESIGN.md "Confidentiality model" and "Search architecture").

One world, built once per module through the services: clients, a complaint with
its handler and an involved colleague, an appeal with its assigned decider, a
mediation before and one after the notary got consent, signals, audit evidence,
dossier files, a deleted file, a live and a draft procedure. Every object carries
distinctive words (``SECRETS``) in the places search looks: a client's name, a
case's description, motivation or reason, a complaint's cause analysis, a file's
name and its extracted text, a complaint's logbook note (found as the
complaint, by those who may see the complaint).

For every person (``SUBJECTS``: one per role, and the relations that matter), for
every word they may not see: the search page finds nothing (no hit, no count, no
kind, year, client or status facet value), a misspelling of it brings no
"Bedoelde u", autocomplete lists nothing of it, and the word appears nowhere in
the response (apart from the search box repeating what was typed). Every word
they may see, they find. One word ("vogelaar") is in every object: searching it
gives exactly the objects the person may see, with facet values from those only.
Grants and revokes count at once, without reindexing.
"""

from __future__ import annotations

import datetime
import json
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client as HttpClient
from django.test import override_settings
from django.utils import timezone
from wagtail.search import index as wagtail_index

from cases.models import Appeal, Audit, Client, Notary, Province
from cases.services import (
    appeal_acknowledge,
    appeal_assign_decider,
    appeal_lodge,
    complaint_assign_handler,
    complaint_update_handling,
    decision_mark_emailed,
    decision_record,
    dossier_access_grant,
    dossier_access_revoke,
    evidence_delete,
    evidence_extract_text,
    evidence_upload,
    mediation_choose,
    mediation_consent,
    mediation_open,
    mediation_propose,
)
from portal.roles import (
    ASSESSOR,
    CERTIFICATION_DECIDER,
    CORE_GROUP,
    EXTERNAL_MEDIATOR,
    MANAGEMENT,
    OFFICE_MANAGER,
    QUALITY_OFFICER,
)
from tests.conftest import _create_empty_search_indexes
from tests.factories import UserFactory
from tests.search.test_search_page import (
    SEARCH,
    SUGGEST,
    make_complaint,
    make_procedure,
    make_signal,
    on_whoosh,
    whoosh_only,
    without_echo,
)

pytestmark = pytest.mark.django_db

COMMON = "vogelaar"
REGISTER = frozenset({"kwaliteit", "officemanager", "directie"})

# Subject key -> roles. The relations are built in `build_world`.
SUBJECTS = {
    "kwaliteit": (QUALITY_OFFICER,),
    "officemanager": (OFFICE_MANAGER,),
    "directie": (MANAGEMENT,),
    "behandelaar": (CORE_GROUP,),  # handles complaint A
    "kerngroep": (CORE_GROUP,),  # core group, not the handler
    "betrokken": (CORE_GROUP,),  # involved in complaint A (C2): sees nothing of it
    "beoordelaar": (ASSESSOR,),  # reported signal E, leads audit G
    "beslisser": (CERTIFICATION_DECIDER,),  # assigned to appeal B (A7)
    "beslisser_origineel": (CERTIFICATION_DECIDER,),  # took the contested decision
    "beslisser_ander": (CERTIFICATION_DECIDER,),  # nothing to do with anything
    "notaris_voor": (EXTERNAL_MEDIATOR,),  # chosen for mediation D, no consent yet
    "notaris_na": (EXTERNAL_MEDIATOR,),  # chosen for mediation C, both consented
}
# Needed to complete the world; not asked anything.
OTHERS = {
    "teamleider": (ASSESSOR,),
    "beslisser_cd": (CERTIFICATION_DECIDER,),
    "notaris_derde": (EXTERNAL_MEDIATOR,),
}


@dataclass(frozen=True)
class Obj:
    """One object of the world, the words only it carries, and who may see it."""

    label: str
    kind: str  # the search kind key
    secrets: tuple[str, ...]
    seen_by: frozenset[str]
    common: bool = True  # carries the common word
    client: str | None = None  # the client key (for the client facet)
    autocomplete: bool = False  # its first secret is in an autocomplete field


def _seen(*keys) -> frozenset[str]:
    return REGISTER | frozenset(keys)


OBJECTS = (
    Obj("client_a", "klant", ("zilverreiger",), _seen("behandelaar"), client="a"),
    Obj(
        "complaint_a",
        "klacht",
        ("koekoeksroep", "kwartelnest"),
        _seen("behandelaar"),
        client="a",
        autocomplete=True,
    ),
    Obj(
        "ev_complaint_a",
        "bestand",
        ("boomvalkrapport.txt", "ijsvogelveer"),
        _seen("behandelaar"),
        client="a",
        autocomplete=True,
    ),
    Obj(
        "ev_dossier_a",
        "bestand",
        ("lijsternota.txt", "spechtroffel"),
        _seen("behandelaar"),
        client="a",
        autocomplete=True,
    ),
    Obj(
        "client_b",
        "klant",
        ("wielewaal",),
        _seen("beslisser", "beslisser_origineel"),
        client="b",
    ),
    Obj("appeal_b", "beroep", ("roerdompveer",), _seen("beslisser"), client="b"),
    Obj(
        "ev_appeal_b",
        "bestand",
        ("gruttobijlage.txt", "tapuitzang"),
        _seen("beslisser"),
        client="b",
        autocomplete=True,
    ),
    Obj("client_c", "klant", ("kemphaan",), _seen("notaris_na"), client="c"),
    Obj(
        "mediation_c",
        "mediation",
        ("lepelaarkuif",),
        _seen("notaris_na"),
        client="c",
        autocomplete=True,
    ),
    Obj(
        "ev_mediation_c",
        "bestand",
        ("kluutnotitie.txt", "kluutsnavel"),
        _seen("notaris_na"),
        client="c",
        autocomplete=True,
    ),
    Obj("client_d", "klant", ("goudplevier",), _seen(), client="d"),
    Obj("mediation_d", "mediation", ("bonteknaap",), _seen(), client="d"),
    Obj(
        "ev_mediation_d",
        "bestand",
        ("strandlopernota.txt", "strandloperpas"),
        _seen(),
        client="d",
    ),
    Obj(
        "signal_e",
        "signaal",
        ("dodaarsroep",),
        _seen("beoordelaar"),
        client="e",
        autocomplete=True,
    ),
    Obj("signal_f", "signaal", ("scholeksterpoot",), _seen(), client="f"),
    Obj("client_f", "klant", ("tureluur",), _seen(), client="f"),
    Obj(
        "ev_dossier_f",
        "bestand",
        ("fazantverslag.txt", "fazantstaart"),
        _seen(),
        client="f",
    ),
    Obj("client_g", "klant", ("boomklever",), _seen("beoordelaar"), client="g"),
    Obj(
        "ev_audit_g",
        "bestand",
        ("mezennotitie.txt", "mezenkast"),
        _seen("beoordelaar"),
        client="g",
        autocomplete=True,
    ),
    # Every member of staff reads it; a notary reads only the procedures of her
    # dispute (E4), and P-80 is none of those.
    Obj(
        "procedure",
        "procedure",
        ("merelzang",),
        frozenset(SUBJECTS) - {"notaris_voor", "notaris_na"},
    ),
    # The logbook is part of its case: a note finds the complaint.
    Obj(
        "logbook_a",
        "klacht",
        ("pelikaandans",),
        _seen("behandelaar"),
        common=False,
        client="a",
    ),
    # Nobody finds these: a draft and a deleted file.
    Obj("draft", "procedure", ("nachtegaalzang",), frozenset()),
    Obj(
        "ev_deleted_f",
        "bestand",
        ("vinkenslag.txt", "vinkenzang"),
        frozenset(),
        common=False,
        client="f",
    ),
)
OBJECTS_BY_LABEL = {o.label: o for o in OBJECTS}
SECRETS = {secret: obj for obj in OBJECTS for secret in obj.secrets}

CLIENTS = {
    "a": "Zilverreiger Zorg",
    "b": "Wielewaal Groep",
    "c": "Kemphaan Thuiszorg",
    "d": "Goudplevier Kinderopvang",
    "e": "Zorggroep Oost",  # the reporter of signal E sees this name on the signal
    "f": "Tureluur Thuiszorg",
    "g": "Boomklever Zorg",
}


# -- the world -------------------------------------------------------------------


def _evidence(client, name, text, *, by, case=None, audit=None):
    evidence = evidence_upload(
        client=client,
        uploaded_file=ContentFile(text.encode(), name=name),
        by=by,
        case=case,
        audit=audit,
    )
    return evidence_extract_text(evidence=evidence)


def _decision(client, *, leader, decider, office):
    now = timezone.now()
    audit = Audit.objects.create(
        client=client,
        kind=Audit.Kind.FOLLOW_UP,
        start_date=datetime.date(2026, 1, 5),
        end_date=datetime.date(2026, 1, 6),
        team_leader=leader,
    )
    decision = decision_record(
        audit=audit,
        decider=decider,
        outcome="continued",
        motivation="Voldoet aan de norm.",
        decided_at=now - datetime.timedelta(days=5),
        by=office,
    )
    return decision_mark_emailed(
        decision=decision, at=now - datetime.timedelta(days=4), by=office
    )


def _mediation(client, reason, *, decision, notary, notaries, office, consent):
    now = timezone.now()
    mediation = mediation_open(
        by=office, claimant=client, reason=reason, decision=decision
    )
    mediation_propose(mediation=mediation, notaries=notaries, by=office)
    mediation = mediation_choose(mediation=mediation, notary=notary, by=office)
    if consent:
        mediation = mediation_consent(
            mediation=mediation,
            by=office,
            claimant_consent_at=now - datetime.timedelta(hours=2),
            organisation_consent_at=now - datetime.timedelta(hours=1),
        )
    return mediation


def build_world() -> dict:
    u = {
        key: UserFactory(username=f"zoek_{key}", roles=list(roles))
        for key, roles in {**SUBJECTS, **OTHERS}.items()
    }
    office, quality = u["officemanager"], u["kwaliteit"]
    clients = {
        key: Client.objects.create(
            name=name,
            region=Province.UTRECHT,
            city="Vogelaar" if key != "e" else "Utrecht",
            contact_email=f"post@klant-{key}.example",
            status=Client.Status.HOLDER,
        )
        for key, name in CLIENTS.items()
    }
    w = {"users": u, "clients": clients}

    complaint = make_complaint(
        clients["a"],
        f"Beschrijving koekoeksroep {COMMON}.",
        cause_analysis="Oorzaak: kwartelnest.",
        office=office,
        quality=quality,
        handler=u["behandelaar"],
        involved=[u["betrokken"]],
    )
    complaint_update_handling(
        complaint=complaint, by=u["behandelaar"], note="Logboek: pelikaandans."
    )
    w["complaint_a"] = w["logbook_a"] = complaint
    w["ev_complaint_a"] = _evidence(
        clients["a"],
        "boomvalkrapport.txt",
        f"Rapport ijsvogelveer {COMMON}.",
        by=u["behandelaar"],
        case=complaint,
    )
    w["ev_dossier_a"] = _evidence(
        clients["a"], "lijsternota.txt", f"Nota spechtroffel {COMMON}.", by=office
    )

    decision_b = _decision(
        clients["b"],
        leader=u["teamleider"],
        decider=u["beslisser_origineel"],
        office=office,
    )
    appeal = appeal_lodge(
        decision=decision_b,
        appellant=clients["b"],
        channel=Appeal.Channel.EMAIL,
        received_at=timezone.now() - datetime.timedelta(days=3),
        motivation=f"Motivering roerdompveer {COMMON}.",
        by=office,
    )
    appeal_acknowledge(appeal=appeal, by=office)
    w["appeal_b"] = appeal_assign_decider(
        appeal=appeal, decider=u["beslisser"], by=office
    )
    w["ev_appeal_b"] = _evidence(
        clients["b"],
        "gruttobijlage.txt",
        f"Bijlage tapuitzang {COMMON}.",
        by=u["beslisser"],
        case=w["appeal_b"],
    )

    notaries = {
        key: Notary.objects.create(
            name=f"mr. {key}", firm="Notariaat", region=Province.UTRECHT, user=u[key]
        )
        for key in ("notaris_voor", "notaris_na", "notaris_derde")
    }
    proposal = list(notaries.values())
    for key, notary, consent, reason, file_name, text in (
        ("c", "notaris_na", True, "lepelaarkuif", "kluutnotitie.txt", "kluutsnavel"),
        (
            "d",
            "notaris_voor",
            False,
            "bonteknaap",
            "strandlopernota.txt",
            "strandloperpas",
        ),
    ):
        decision = _decision(
            clients[key],
            leader=u["teamleider"],
            decider=u["beslisser_cd"],
            office=office,
        )
        mediation = _mediation(
            clients[key],
            f"Reden {reason} {COMMON}.",
            decision=decision,
            notary=notaries[notary],
            notaries=proposal,
            office=office,
            consent=consent,
        )
        w[f"mediation_{key}"] = mediation
        w[f"ev_mediation_{key}"] = _evidence(
            clients[key],
            file_name,
            f"Notitie {text} {COMMON}.",
            by=office,
            case=mediation,
        )

    w["signal_e"] = make_signal(
        clients["e"], f"Melding dodaarsroep {COMMON}.", by=u["beoordelaar"]
    )
    w["signal_f"] = make_signal(
        clients["f"], f"Melding scholeksterpoot {COMMON}.", by=office
    )
    w["ev_dossier_f"] = _evidence(
        clients["f"], "fazantverslag.txt", f"Verslag fazantstaart {COMMON}.", by=office
    )
    deleted = _evidence(
        clients["f"], "vinkenslag.txt", f"Tekst vinkenzang {COMMON}.", by=office
    )
    w["ev_deleted_f"] = evidence_delete(evidence=deleted, by=quality, reason="Fout.")

    audit_g = Audit.objects.create(
        client=clients["g"],
        kind=Audit.Kind.INITIAL,
        start_date=datetime.date(2026, 2, 2),
        team_leader=u["beoordelaar"],
    )
    w["ev_audit_g"] = _evidence(
        clients["g"],
        "mezennotitie.txt",
        f"Notitie mezenkast {COMMON}.",
        by=office,
        audit=audit_g,
    )
    w["procedure"] = make_procedure(
        "Vogelwerkwijze", "P-80", f"Tekst merelzang {COMMON}.", by=quality
    )
    w["draft"] = make_procedure(
        "Conceptwerkwijze", "P-81", f"Concept nachtegaalzang {COMMON}.", live=False
    )
    for key in "abcdfg":
        w[f"client_{key}"] = clients[key]
    # Related text (the client's name in a case) is indexed with the case: index
    # everything once more now that all of it exists.
    for value in w.values():
        if wagtail_index.class_is_indexed(type(value)):
            wagtail_index.insert_or_update_object(value)
    w["ev_deleted_f"].refresh_from_db()
    assert not w["ev_deleted_f"].extracted_text
    return w


def title_of(world, obj: Obj) -> str:
    instance = world[obj.label]
    return {
        "klant": lambda i: i.name,
        "bestand": lambda i: i.original_name,
        "procedure": lambda i: f"{i.code} {i.title}",
    }.get(obj.kind, str)(instance)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world once per module, in a transaction rolled back at the end; each
    test runs in a savepoint inside it."""
    tmp = tmp_path_factory.mktemp("search_security")
    backends = {k: dict(v) for k, v in settings.WAGTAILSEARCH_BACKENDS.items()}
    if "PATH" in backends["default"]:
        backends["default"]["PATH"] = str(tmp / "whoosh")
    storages = {
        **settings.STORAGES,
        "evidence": {
            **settings.STORAGES["evidence"],
            "OPTIONS": {"location": str(tmp / "evidence"), "base_url": None},
        },
    }
    with ExitStack() as stack:
        stack.enter_context(
            override_settings(
                MEDIA_ROOT=tmp / "media",
                DATA_DIR=tmp,
                WAGTAILSEARCH_BACKENDS=backends,
                STORAGES=storages,
            )
        )
        with django_db_blocker.unblock():
            _create_empty_search_indexes()
            atomic = transaction.atomic()
            atomic.__enter__()

            def rollback():
                with django_db_blocker.unblock():
                    transaction.set_rollback(True)
                    atomic.__exit__(None, None, None)

            stack.callback(rollback)
            built = build_world()
        yield built


@pytest.fixture(autouse=True)
def _isolated_files(world):
    """Overrides tests/conftest.py's per-test index: here it is the module's."""


def http_for(world, key) -> HttpClient:
    http = HttpClient()
    http.force_login(world["users"][key])
    return http


def needle(secret: str) -> str:
    """What may not appear in a response: the secret without a file extension."""
    return secret.removesuffix(".txt")


def misspelled(word: str) -> str:
    """One transposition in the middle: near enough for "Bedoelde u"."""
    i = len(word) // 2
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


# -- for every person: nothing of what they may not see ------------------------------


def _assert_nothing_found(response, subject, secrets, typed):
    result = response.context["result"]
    assert result.total == 0, (subject, typed, [h.title for h in result.hits])
    assert result.hits == []
    assert result.kinds == []
    assert result.years == []
    assert result.clients == []
    assert result.statuses == []
    # The search boxes repeat the (cleaned) query; nothing else may.
    body = without_echo(response.content.decode(), response.context["search_query"])
    body = body.lower()
    for secret in secrets:
        assert needle(secret) not in body, (subject, secret)
        assert result.suggestion is None or needle(secret) not in result.suggestion


@pytest.mark.parametrize("subject", list(SUBJECTS))
def test_invisible_words_leave_no_trace(world, subject):
    http = http_for(world, subject)
    invisible = [s for s, obj in SECRETS.items() if subject not in obj.seen_by]
    assert invisible
    # Eight at a time, joined by OR: any one found would show.
    for i in range(0, len(invisible), 8):
        typed = " OR ".join(invisible[i : i + 8])
        response = http.get(SEARCH, {"q": typed})
        assert response.status_code == 200
        _assert_nothing_found(response, subject, invisible, typed)
    for secret in invisible:
        # A near miss brings no "Bedoelde u" with the word.
        typo = misspelled(needle(secret))
        response = http.get(SEARCH, {"q": typo})
        _assert_nothing_found(response, subject, invisible, typo)
        # Nor does the search box's suggestion list.
        reply = http.get(SUGGEST, {"q": needle(secret)[:6]})
        assert reply.status_code == 200
        listed = reply.content.decode().lower()
        assert not any(needle(s) in listed for s in invisible), (subject, secret)


@pytest.mark.parametrize("subject", list(SUBJECTS))
def test_visible_words_are_found(world, subject):
    http = http_for(world, subject)
    visible = [s for s, obj in SECRETS.items() if subject in obj.seen_by]
    # Only the notary before consent sees nothing at all (E4).
    assert visible or subject == "notaris_voor"
    for secret in visible:
        obj = SECRETS[secret]
        title = title_of(world, obj)
        result = http.get(SEARCH, {"q": secret}).context["result"]
        assert title in [h.title for h in result.hits], (subject, secret)
        if secret != obj.secrets[0]:
            continue
        if on_whoosh():
            # A file name's words are words of their own: "Bedoelde u" offers
            # the name without its extension.
            word = needle(secret)
            typo = http.get(SEARCH, {"q": misspelled(word)}).context["result"]
            assert typo.total or typo.suggestion == word, (subject, secret)
        if obj.autocomplete:
            entries = http.get(SUGGEST, {"q": needle(secret)[:6]}).json()["resultaten"]
            assert title in [e["titel"] for e in entries], (subject, secret)


@pytest.mark.parametrize("subject", list(SUBJECTS))
def test_a_word_in_everything_finds_exactly_what_the_person_may_see(world, subject):
    expected = [o for o in OBJECTS if o.common and subject in o.seen_by]
    http = http_for(world, subject)
    hits, bodies, page = [], [], 1
    while True:
        response = http.get(SEARCH, {"q": COMMON, "pagina": page})
        result = response.context["result"]
        hits.extend(result.hits)
        bodies.append(response.content.decode().lower())
        if page >= result.page_count:
            break
        page += 1
    assert result.total == len(expected) == len(hits)
    assert sorted(h.title for h in hits) == sorted(title_of(world, o) for o in expected)
    assert {v.value: v.count for v in result.kinds} == Counter(o.kind for o in expected)
    visible_clients = {CLIENTS[o.client] for o in expected if o.client}
    assert {v.label for v in result.clients} == visible_clients
    hidden = [needle(s) for s, obj in SECRETS.items() if subject not in obj.seen_by]
    hidden += [n.lower() for n in CLIENTS.values() if n not in visible_clients]
    for body in bodies:
        for word in hidden:
            assert word not in body, (subject, word)


def test_the_register_roles_see_everything_but_drafts_and_deleted_files(world):
    result = http_for(world, "directie").get(SEARCH, {"q": COMMON}).context["result"]
    assert result.total == len([o for o in OBJECTS if o.common and o.seen_by])


# -- grants and revokes count at once ----------------------------------------------


@pytest.fixture
def index_writes(monkeypatch):
    """Records every write to the search index during the test (the backends
    log indexing errors instead of raising them, so a recorder, not a trap)."""
    from wagtail.search.backends import get_search_backend

    writes = []
    backend_class = type(get_search_backend())
    for name in ("add", "add_bulk", "delete"):
        original = getattr(backend_class, name)

        def record(self, *args, _name=name, _original=original, **kwargs):
            writes.append((_name, args))
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(backend_class, name, record)
    return writes


def _found(http, word) -> list[str]:
    result = http.get(SEARCH, {"q": word}).context["result"]
    return [h.title for h in result.hits]


def _suggested(http, word) -> list[str]:
    return [e["titel"] for e in http.get(SUGGEST, {"q": word}).json()["resultaten"]]


def test_a_dossier_grant_and_its_revoke_count_in_search_at_once(world, index_writes):
    """Nothing is reindexed: the permission querysets alone change."""
    http = http_for(world, "kerngroep")
    client_f, person = world["clients"]["f"], world["users"]["kerngroep"]
    office = world["users"]["officemanager"]
    assert _found(http, "fazantstaart") == []
    assert _suggested(http, "tureluur") == []
    dossier_access_grant(client=client_f, user=person, by=office, reason="Test")
    assert _found(http, "fazantstaart") == ["fazantverslag.txt"]
    assert "Tureluur Thuiszorg" in _suggested(http, "tureluur")
    dossier_access_revoke(client=client_f, user=person, by=office, reason="Test")
    assert _found(http, "fazantstaart") == []
    assert _suggested(http, "tureluur") == []
    assert _found(http, COMMON) == ["P-80 Vogelwerkwijze"]
    assert index_writes == []


def test_replacing_a_complaint_handler_moves_what_search_shows(world):
    complaint = world["complaint_a"]
    old, new = world["users"]["behandelaar"], world["users"]["kerngroep"]
    words = ("koekoeksroep", "kwartelnest", "ijsvogelveer", "spechtroffel")
    try:
        complaint_assign_handler(
            complaint=complaint, handler=new, by=world["users"]["kwaliteit"]
        )
        for word in words:
            assert _found(http_for(world, "behandelaar"), word) == [], word
            assert _found(http_for(world, "kerngroep"), word), word
    finally:
        # The database change is rolled back after the test; put the index
        # (the handler is a filter field) back the same way.
        wagtail_index.insert_or_update_object(complaint)
    assert old != new


def test_a_notary_finds_the_dossier_from_consent_on(world, index_writes):
    mediation = world["mediation_d"]
    http = http_for(world, "notaris_voor")
    assert _found(http, "bonteknaap") == []
    assert _found(http, "strandloperpas") == []
    try:
        mediation_consent(
            mediation=mediation,
            by=world["users"]["officemanager"],
            claimant_consent_at=timezone.now() - datetime.timedelta(hours=1),
            organisation_consent_at=timezone.now() - datetime.timedelta(minutes=5),
        )
        assert _found(http, "bonteknaap") == [str(mediation)]
        # The file was not reindexed: the grant alone makes it visible.
        assert _found(http, "strandloperpas") == ["strandlopernota.txt"]
        written = {type(args[0]).__name__ for _name, args in index_writes}
        assert "EvidenceFile" not in written
        assert "Goudplevier Kinderopvang" in _suggested(http, "goudpl")
    finally:
        wagtail_index.insert_or_update_object(mediation)


@pytest.mark.parametrize("subject", list(SUBJECTS))
def test_every_hit_opens_for_the_person_who_found_it(world, subject):
    """No dead ends: the link of every hit (case page, dossier, download,
    procedure) answers 200 for the one who found it. The notary, who has no
    admin, is sent to the mediation's client dossier (E4)."""
    http = http_for(world, subject)
    hits, page = [], 1
    while True:
        result = http.get(SEARCH, {"q": COMMON, "pagina": page}).context["result"]
        hits.extend(result.hits)
        if page >= result.page_count:
            break
        page += 1
    # Not vacuous: whoever may see something with the common word finds it.
    assert hits or not any(o.common and subject in o.seen_by for o in OBJECTS)
    for hit in hits:
        response = http.get(hit.url)
        assert response.status_code == 200, (subject, hit.title, hit.url)


# -- a damaged index ------------------------------------------------------------------


@whoosh_only
def test_a_corrupt_index_gives_the_clear_message_with_503(world, settings, tmp_path):
    from search.backends.whoosh.storage import META_FILE

    broken = tmp_path / "kapot"
    for name in ("wagtailcore_page", "cases_complaint", "cases_evidencefile"):
        directory = broken / name
        directory.mkdir(parents=True)
        (directory / "_MAIN_1.toc").write_bytes(b"\x00\xffniet-whoosh" * 40)
        (directory / "MAIN_abc.seg").write_bytes(b"rommel" * 100)
        (directory / META_FILE).write_text("{kapot")
    backends = {k: dict(v) for k, v in settings.WAGTAILSEARCH_BACKENDS.items()}
    backends["default"]["PATH"] = str(broken)
    settings.WAGTAILSEARCH_BACKENDS = backends

    http = http_for(world, "kwaliteit")
    response = http.get(SEARCH, {"q": "koekoeksroep"})
    assert response.status_code == 503
    body = response.content.decode()
    assert "De zoekindex is niet beschikbaar" in body
    assert "manage.py update_index" in body
    assert "koekoeksroep" not in without_echo(body, "koekoeksroep")
    reply = http.get(SUGGEST, {"q": "koekoek"})
    assert reply.status_code == 503
    assert json.loads(reply.content)["resultaten"] == []
