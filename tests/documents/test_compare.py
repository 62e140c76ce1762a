"""Comparing two published versions of a procedure (issue 5, item 3): sections
matched by heading, words marked, title and summary too."""

import datetime

import pytest
from django.urls import reverse

from documents.compare import (
    ADDED,
    CHANGED,
    DELETE,
    EQUAL,
    INSERT,
    REMOVED,
    UNCHANGED,
    DocumentText,
    Segment,
    document_text,
    procedure_compare,
    sections_compare,
    word_diff,
)
from documents.models import HandbookPage, ProcedurePage
from portal.roles import ASSESSOR
from portal.services import site_structure_ensure
from tests.factories import UserFactory

# -- the pure comparison ------------------------------------------------------


def test_changed_words_are_deleted_then_inserted_in_place():
    assert word_diff(
        "De klacht wordt binnen een maand behandeld.",
        "De klacht wordt binnen vier weken behandeld.",
    ) == (
        Segment(EQUAL, "De klacht wordt binnen "),
        Segment(DELETE, "een maand"),
        Segment(INSERT, "vier weken"),
        Segment(EQUAL, " behandeld."),
    )


def test_punctuation_is_compared_apart_from_the_word_it_follows():
    assert word_diff("Binnen een maand.", "Binnen een maand, schriftelijk.") == (
        Segment(EQUAL, "Binnen een maand"),
        Segment(INSERT, ", schriftelijk"),
        Segment(EQUAL, "."),
    )


def test_one_unchanged_word_between_two_changes_is_shown_as_part_of_the_change():
    segments = word_diff(
        "Alle klachten gaan naar Q", "Sommige signalen gaan naar directie"
    )
    assert segments == (
        Segment(DELETE, "Alle klachten"),
        Segment(INSERT, "Sommige signalen"),
        Segment(EQUAL, " gaan naar "),
        Segment(DELETE, "Q"),
        Segment(INSERT, "directie"),
    )
    bridged = word_diff("een rode en groene vlag", "een blauwe en gele vlag")
    assert bridged == (
        Segment(EQUAL, "een "),
        Segment(DELETE, "rode en groene"),
        Segment(INSERT, "blauwe en gele"),
        Segment(EQUAL, " vlag"),
    )


def test_a_change_marks_words_not_the_space_before_them():
    assert word_diff("signalen door", "signalen binnen een dag door") == (
        Segment(EQUAL, "signalen "),
        Segment(INSERT, "binnen een dag"),
        Segment(EQUAL, " door"),
    )


def test_line_breaks_survive_the_diff():
    segments = word_diff("Eerste regel.\nTweede regel.", "Eerste regel.\nTweede regel.")
    assert segments == (Segment(EQUAL, "Eerste regel.\nTweede regel."),)
    assert word_diff("", "") == ()


def test_sections_are_matched_by_heading_and_classified():
    old = [
        ("Doel", "Iedereen werkt met de geldende versie."),
        ("Bemiddeling", "Een notaris bemiddelt."),
        ("Beroep", "Binnen een maand."),
    ]
    new = [
        ("Doel", "Iedereen werkt met de geldende versie."),
        ("Beroep", "Binnen vier weken."),
        ("Registratie", "Alles in het register."),
    ]
    result = sections_compare(old, new)

    assert [(s.heading, s.status) for s in result] == [
        ("Doel", UNCHANGED),
        ("Bemiddeling", REMOVED),  # where it used to be
        ("Beroep", CHANGED),
        ("Registratie", ADDED),
    ]
    assert result[1].segments == (Segment(DELETE, "Een notaris bemiddelt."),)
    assert result[3].segments == (Segment(INSERT, "Alles in het register."),)
    assert Segment(INSERT, "vier weken") in result[2].segments


def test_heading_match_ignores_case_and_spacing_and_pairs_repeated_headings():
    old = [("Werkwijze", "a"), ("Werkwijze", "b")]
    new = [("werkwijze ", "a"), ("Werkwijze", "c"), ("Werkwijze", "d")]
    assert [s.status for s in sections_compare(old, new)] == [
        UNCHANGED,
        CHANGED,
        ADDED,
    ]


def test_procedure_compare_covers_title_and_summary():
    old = DocumentText("Klachten", "Kort.", (("Doel", "x"),))
    new = DocumentText("Klachten en beroep", "Kort.", (("Doel", "x"),))
    comparison = procedure_compare(old, new)

    assert comparison.title.changed
    assert comparison.title.segments == (
        Segment(EQUAL, "Klachten "),
        Segment(INSERT, "en beroep"),
    )
    assert not comparison.summary.changed
    assert comparison.has_changes
    assert not procedure_compare(old, old).has_changes
    assert comparison.changed == comparison.added == comparison.removed == []


# -- against published versions ------------------------------------------------


def _section(heading, *content):
    return ("section", {"heading": heading, "content": list(content)})


@pytest.fixture
def procedure(db):
    site_structure_ensure()
    page = ProcedurePage(
        title="Klachten en beroep",
        code="P-07",
        version_label="2305",
        effective_date=datetime.date(2023, 5, 1),
        summary="Hoe wij omgaan met klachten.",
        body=[
            _section(
                "Klachten",
                ("paragraph", "<p>Binnen <b>een maand</b> behandeld.</p>"),
                ("bullets", ["Schriftelijk", "Met motivering"]),
            ),
            _section("Bemiddeling", ("note", {"text": "Een notaris bemiddelt."})),
        ],
        is_public=True,
    )
    HandbookPage.objects.get().add_child(instance=page)
    page.save_revision().publish()
    return ProcedurePage.objects.get(pk=page.pk)


def _revise(page, **fields):
    draft = page.get_latest_revision_as_object()
    for name, value in fields.items():
        setattr(draft, name, value)
    draft.save_revision().publish()


def test_document_text_reads_paragraphs_bullets_and_notes(procedure):
    text = document_text(procedure)
    assert text.title == "Klachten en beroep"
    assert text.sections == (
        ("Klachten", "Binnen een maand behandeld.\n• Schriftelijk\n• Met motivering"),
        ("Bemiddeling", "Opmerking: Een notaris bemiddelt."),
    )


def test_compare_view_defaults_to_previous_against_current(procedure, client):
    _revise(
        procedure,
        title="Klachten en beroep",
        summary="Hoe wij omgaan met klachten en beroep.",
        body=[
            _section(
                "Klachten",
                ("paragraph", "<p>Binnen <b>vier weken</b> behandeld.</p>"),
                ("bullets", ["Schriftelijk", "Met motivering"]),
            ),
            _section("Registratie", ("paragraph", "<p>In het register.</p>")),
        ],
    )
    labels = list(
        procedure.versions.order_by("-published_at", "-pk").values_list(
            "version_label", flat=True
        )
    )
    client.force_login(UserFactory(roles=[ASSESSOR]))

    response = client.get(reverse("documents:compare", args=["P-07"]))

    assert response.status_code == 200
    assert response.context["old"].version_label == labels[1] == "2305"
    assert response.context["new"].version_label == labels[0]
    body = response.content.decode()
    assert "<del>een maand</del><ins>vier weken</ins>" in body
    assert "klachten <ins>en beroep</ins>." in body  # the summary
    comparison = response.context["comparison"]
    assert [s.heading for s in comparison.changed] == ["Klachten"]
    assert [s.heading for s in comparison.added] == ["Registratie"]
    assert [s.heading for s in comparison.removed] == ["Bemiddeling"]
    assert not comparison.title.changed


def test_compare_view_takes_the_versions_asked_for(procedure, client):
    _revise(procedure, summary="Tweede.")
    _revise(procedure, summary="Derde.")
    first, _second, third = procedure.versions.order_by("published_at", "pk")
    client.force_login(UserFactory(roles=[ASSESSOR]))
    url = reverse("documents:compare", args=["P-07"])

    response = client.get(
        url, {"van": first.version_label, "naar": third.version_label}
    )

    assert response.context["old"] == first
    assert response.context["new"] == third
    assert response.context["comparison"].summary.new == "Derde."
    assert client.get(url, {"van": "0000"}).status_code == 404
    assert client.get(url, {"naar": "0000"}).status_code == 404


def test_compare_view_with_a_single_version_says_there_is_nothing_to_compare(
    procedure, client
):
    client.force_login(UserFactory(roles=[ASSESSOR]))
    response = client.get(reverse("documents:compare", args=["P-07"]))
    assert response.status_code == 200
    assert response.context["comparison"] is None
    assert "nog maar één gepubliceerde versie" in response.content.decode()


def test_anonymous_visitor_compares_public_procedures_only(procedure, client):
    url = reverse("documents:compare", args=["P-07"])
    assert client.get(url).status_code == 200
    ProcedurePage.objects.filter(pk=procedure.pk).update(is_public=False)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/inloggen/?next=")
