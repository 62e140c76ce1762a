"""What every kind of case shares (signals, complaints, appeals, mediations).

A case has a number (``S-``, ``K-``, ``B-``, ``M-2026-0001``, gap-free per kind
and year), a state of its kind's life cycle (``cases.transitions``), a logbook
(``CaseEvent``) and a client it is about, reached as ``case.client`` whatever
the kind calls the party (the appellant of an appeal, the claimant of a
mediation). A registered case also records who registered it, when, and which
version of the procedure applied.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.search import index


def logbook_search_field() -> index.RelatedFields:
    """The case's logbook notes (``CaseEvent.note``) in its search document
    (issue 6, item 3): a word written only in the logbook finds the case, for
    exactly those who may see the case. A new note reindexes the case
    (``cases.apps``)."""
    return index.RelatedFields("events", [index.SearchField("note")])


def case_search_fields(*fields, filters=()) -> list:
    """A case's search fields: its number first (boosted, and completed as one
    types), then ``fields``, the name of its kind (``search_kind_words``), its
    logbook notes, and its state and ``filters`` as filter fields."""
    return [
        index.SearchField("number", boost=3),
        index.AutocompleteField("number"),
        *fields,
        # "klacht" finds the complaints themselves, not only texts that say it.
        index.SearchField("search_kind_words", boost=0.5),
        logbook_search_field(),
        index.FilterField("state"),
        *(index.FilterField(name) for name in filters),
    ]


class Case(index.Indexed, models.Model):
    """The abstract case. Each kind sets ``PREFIX`` and its own ``state`` field
    (its life cycle's states)."""

    PREFIX = ""

    number = models.CharField(_("nummer"), max_length=20, unique=True)
    # The logbook. CaseEvent.objects.filter(<kind>=case) reads it by kind.
    events = GenericRelation(
        "cases.CaseEvent",
        content_type_field="case_type",
        object_id_field="case_id",
        related_query_name="%(class)s",
    )

    class Meta:
        abstract = True

    def search_kind_words(self) -> str:
        """The Dutch names of this case's kind (``cases.kinds``: label, plural,
        title and any ``extra["search_words"]``), indexed with the case so the
        kind's name finds it. Not shown: the search page's snippets skip it."""
        from cases import kinds

        try:
            kind = kinds.kind_of(self)
        except KeyError:
            return ""
        words = [kind.label, kind.plural, *kind.extra.get("search_words", ())]
        return " ".join(dict.fromkeys(str(w) for w in words if w))


class RegisteredCase(Case):
    """A case entered in the register by the quality officer or the office manager
    (a signal is *reported*, by anyone, S1)."""

    procedure_version = models.CharField(
        _("geldende procedureversie"), max_length=40, blank=True
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("geregistreerd door"),
    )
    registered_at = models.DateTimeField(_("geregistreerd op"), auto_now_add=True)

    class Meta:
        abstract = True
