"""Exceptions the portal can catch to show a friendly message.

All of them derive from :class:`SearchIndexUnavailable`, so a view needs one
``except`` clause. The messages are Dutch because they end up in front of
administrators; they say what to do.
"""


class SearchIndexUnavailable(Exception):
    """The index cannot be used; nothing has been deleted or recreated."""

    default_message = (
        "De zoekindex is beschadigd of ontbreekt. Voer 'manage.py update_index' "
        "uit om hem opnieuw op te bouwen."
    )

    def __init__(self, message: str | None = None, *, path: str = "") -> None:
        self.path = path
        super().__init__(message or self.default_message)


class SearchIndexMissing(SearchIndexUnavailable):
    """No index exists yet at the configured path."""

    default_message = (
        "De zoekindex ontbreekt. Voer 'manage.py update_index' uit om hem op te bouwen."
    )


class SearchIndexCorrupt(SearchIndexUnavailable):
    """The index files cannot be read."""


class SearchIndexOutdated(SearchIndexUnavailable):
    """The index was built for another schema version than the code's."""

    default_message = (
        "De zoekindex is verouderd (ander schema dan de code). Voer "
        "'manage.py update_index' uit om hem opnieuw op te bouwen."
    )


class SearchIndexLocked(SearchIndexUnavailable):
    """Another process kept the write lock for longer than the retry budget."""

    default_message = (
        "De zoekindex wordt door een ander proces bijgewerkt. Probeer het over "
        "enkele ogenblikken opnieuw."
    )
