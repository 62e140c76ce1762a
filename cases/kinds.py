"""The registry of case kinds: what the register knows of each kind of case.

A kind is one model on the abstract case (``cases.models.base``), one life cycle
(a transition table and its opening, ``cases.transitions``) and one `CaseKind`
entry here. The parts of the register that treat every kind alike (opening and
moving a case, who sees it, its page, its logbook, its client, its reminders,
its letters) read this registry instead of listing the kinds themselves.

This module imports nothing of the app, so every module may read it; the
procedure's own four kinds are registered when the app is ready
(``cases.case_kinds``, from ``CasesConfig.ready``). A kind is looked up at call
time, never at import time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class CaseKind:
    key: str  # the model's name: "signal", "complaint"... (the logbook's field)
    model: type
    transitions: tuple  # the life cycle: (state, action) -> target rows
    opening: Any  # transitions.Opening: how a case of this kind begins
    selector: Callable  # (user) -> QuerySet of the cases the user may see
    route: str  # URL name of the case page (one argument: the pk)
    client_field: str  # the foreign key to the client the case is about
    date_field: str  # when the case came in (orders lists, counts periods)
    deadline_field: str | None = None  # the date the next step is due by
    deadline_states: tuple[str, ...] = ()  # the states in which that date runs
    # (case) -> [user, ...]: who is reminded of the deadline (send_reminders).
    responsible: Callable | None = None
    related: tuple[str, ...] = ()  # select_related for lists of this kind
    # The member of staff who handles it (the register's "behandelaar" column and
    # filter), and how the register shows that person.
    responsible_field: str | None = None
    responsible_format: str = "%(name)s"
    # (queryset) -> (queryset annotated with uninformed_steps, {row_resp_first,
    # row_resp_last, row_resp_username: expression}): the register's own columns
    # of this kind, or None for the defaults.
    register_annotate: Callable | None = None
    letter_kinds: tuple[str, ...] = ()  # the letters sent about this kind
    # (case) -> {placeholder: text}: what this kind's letters say of the case.
    letter_values: Callable | None = None
    # How the logbook names each step of this kind, done ("Beroep geregistreerd").
    event_labels: dict = field(default_factory=dict, compare=False, hash=False)
    label: str = ""  # in a sentence: "klacht"
    plural: str = ""
    title: str = ""  # as a heading or list column: "Klacht"
    # The search page: the kind's word in its URL (?soort=klacht) and its place
    # among the kinds of result.
    search_key: str = ""
    search_rank: int = 100
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def closed_states(self) -> tuple[str, ...]:
        """The states in which a case of this kind is done: those its life cycle
        never leaves (a qualified signal, a closed appeal), and "closed" even when
        a step may reopen it. ``extra["closed_states"]`` may say otherwise."""
        explicit = self.extra.get("closed_states")
        if explicit is not None:
            return tuple(explicit)
        leaving = {t.source for t in self.transitions if t.target != t.source}
        return tuple(
            state
            for state in self.model.State.values
            if state not in leaving or state == "closed"
        )

    def state_label(self, state: str) -> str:
        choices = self.model.State
        return str(choices(state).label) if state in choices.values else state


_KINDS: dict[str, CaseKind] = {}


def register(kind: CaseKind) -> CaseKind:
    """Add ``kind`` (replacing one with the same key: re-registering is safe)."""
    _KINDS[kind.key] = kind
    return kind


def unregister(key: str) -> None:
    _KINDS.pop(key, None)


def all_kinds() -> Iterator[CaseKind]:
    """Every kind, in the order registered."""
    return iter(list(_KINDS.values()))


def keys() -> list[str]:
    return list(_KINDS)


def by_key(key: str) -> CaseKind:
    return _KINDS[key]


def kind_of(case_or_model) -> CaseKind:
    """The kind of a case (or of a case model). KeyError for anything else."""
    model = case_or_model if isinstance(case_or_model, type) else type(case_or_model)
    for kind in _KINDS.values():
        if kind.model is model:
            return kind
    raise KeyError(f"Not a registered case kind: {model!r}")


def is_case_model(model) -> bool:
    return any(kind.model is model for kind in _KINDS.values())
