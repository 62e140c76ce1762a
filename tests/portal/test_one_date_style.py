"""One date style (issue 17, item 2): Dutch month names in lower case, the year
only when it is not the current one (always in letters and records), a time only
where the time matters, and sizes with a decimal comma. The pages themselves are
checked in test_navigation_links (every page each role reaches) and
test_no_rule_ids_on_screen (the case pages of every kind)."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import timezone

from portal.formatting import format_date, format_moment, format_month, format_size

THIS_YEAR = timezone.localdate().year


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


def test_a_date_this_year_reads_without_the_year_and_in_lower_case():
    assert format_date(datetime.date(THIS_YEAR, 10, 5)) == "5 oktober"
    assert format_date(datetime.date(THIS_YEAR, 5, 1)) == "1 mei"


def test_a_date_in_another_year_names_the_year():
    assert format_date(datetime.date(THIS_YEAR - 1, 3, 1)) == f"1 maart {THIS_YEAR - 1}"
    assert (
        format_date(datetime.date(THIS_YEAR + 1, 1, 1)) == f"1 januari {THIS_YEAR + 1}"
    )


def test_letters_and_records_always_carry_the_year():
    day = datetime.date(THIS_YEAR, 10, 5)
    assert format_date(day, year=True) == f"5 oktober {THIS_YEAR}"
    assert render("{{ d|datum_jaar }}", d=day) == f"5 oktober {THIS_YEAR}"


def test_a_moment_counts_in_amsterdam_and_shows_its_time():
    # 23:30 UTC on 31 October is already 1 November (00:30) in Amsterdam.
    moment = datetime.datetime(THIS_YEAR, 10, 31, 23, 30, tzinfo=datetime.UTC)
    assert format_moment(moment) == "1 november om 00:30"
    assert format_date(moment) == "1 november"
    assert render("{{ m|datumtijd }}", m=moment) == "1 november om 00:30"


def test_a_date_given_where_a_moment_is_asked_reads_as_a_date():
    assert format_moment(datetime.date(THIS_YEAR, 2, 3)) == "3 februari"


def test_month_and_size_filters():
    assert format_month(datetime.date(2026, 10, 12)) == "oktober 2026"
    assert render("{{ d|maand }}", d=datetime.date(2026, 10, 12)) == "oktober 2026"
    assert format_size(int(57.2 * 1024 * 1024)) == "57,2 MB"
    assert render("{{ n|bestandsgrootte }}", n=int(57.2 * 1024 * 1024)) == "57,2 MB"


@pytest.mark.parametrize("empty", [None, ""])
def test_an_empty_value_renders_as_nothing(empty):
    assert (
        render(
            "[{{ v|datum }}{{ v|datumtijd }}{{ v|maand }}{{ v|bestandsgrootte }}]",
            v=empty,
        )
        == "[]"
    )
