"""Opening, creating and locking one Whoosh index directory.

Rules this module enforces:

* Only :meth:`IndexStore.create` (called by ``reset()`` and by the rebuilder)
  ever creates or deletes index files. Opening a missing, unreadable or
  outdated index raises a :class:`SearchIndexUnavailable` subclass instead, so
  a damaged index is never silently replaced by an empty one.
* Beside the Whoosh files lies ``modelsearch-schema.json`` with the schema
  fingerprint the index was built with; a different fingerprint in the code
  means the index is outdated and must be rebuilt.
* Writers take Whoosh's own lock and retry with exponential backoff for at most
  ``lock_timeout`` seconds before raising :class:`SearchIndexLocked`.
* Searchers are cached per thread and refreshed when the index changes, because
  opening an index (unpickling the schema, opening segments) costs more than a
  typical query.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import threading
import time
import uuid
from array import array

from whoosh import index as whoosh_index
from whoosh.columns import NumericColumn
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError

from .exceptions import (
    SearchIndexCorrupt,
    SearchIndexLocked,
    SearchIndexMissing,
    SearchIndexOutdated,
)
from .schema import IndexLayout
from .scoring import PortalBM25F
from .writer import FastSegmentWriter

META_FILE = "modelsearch-schema.json"

_local = threading.local()

#: Filters whose documents are kept per searcher (see ``filter_docs``).
FILTER_DOCS_KEPT = 16


class SharedDocs(set):
    """A set of docnums shared by every search of a thread's searcher: it
    refuses to be changed (a ``set``, not a ``frozenset``, because Whoosh's
    ``filter=`` accepts only the former)."""

    def _refuse(self, *args, **kwargs):
        raise TypeError("SharedDocs is shared between searches: copy it first.")

    add = discard = remove = pop = clear = update = _refuse
    intersection_update = difference_update = symmetric_difference_update = _refuse
    __ior__ = __iand__ = __isub__ = __ixor__ = _refuse


def _cache() -> dict:
    cache = getattr(_local, "searchers", None)
    if cache is None:
        cache = _local.searchers = {}
    return cache


def close_searchers() -> None:
    """Close this thread's cached searchers (tests, or after moving an index)."""
    cache = _cache()
    for entry in cache.values():
        entry["searcher"].close()
    cache.clear()


class IndexStore:
    """One index directory: create, open (checked), search and write."""

    def __init__(
        self,
        path: str,
        layout: IndexLayout,
        *,
        lock_timeout: float = 10.0,
        limitmb: int = 128,
    ) -> None:
        self.path = path
        self.layout = layout
        self.lock_timeout = lock_timeout
        self.limitmb = limitmb

    # ---------------------------------------------------------------- meta

    @property
    def meta_path(self) -> str:
        return os.path.join(self.path, META_FILE)

    def read_meta(self) -> dict:
        try:
            with open(self.meta_path, encoding="utf-8") as handle:
                meta = json.load(handle)
        except FileNotFoundError as exc:
            raise SearchIndexOutdated(path=self.path) from exc
        except (OSError, ValueError) as exc:
            raise SearchIndexCorrupt(path=self.path) from exc
        if not isinstance(meta, dict):
            raise SearchIndexCorrupt(path=self.path)
        return meta

    def _write_meta(self) -> None:
        meta = {
            "schema_version": self.layout.fingerprint,
            "language": self.layout.language,
            "model": self.layout.root._meta.label_lower,
            "instance": uuid.uuid4().hex,
        }
        tmp = self.meta_path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(meta, handle, indent=2, sort_keys=True)
        os.replace(tmp, self.meta_path)

    # ------------------------------------------------------------ lifecycle

    def create(self):
        """Create an empty index, deleting whatever is at ``path``.

        Only the explicit reset / rebuild paths call this.
        """
        close_searchers()
        if os.path.isdir(self.path):
            shutil.rmtree(self.path)
        os.makedirs(self.path, exist_ok=True)
        ix = whoosh_index.create_in(self.path, self.layout.schema())
        self._write_meta()
        return ix

    def open(self):
        """Open the index after checking it exists and has the right schema."""
        if not self._has_toc():
            if os.path.isdir(self.path) and os.listdir(self.path):
                # Files but no table of contents: damaged, not merely absent.
                raise SearchIndexCorrupt(path=self.path)
            raise SearchIndexMissing(path=self.path)
        meta = self.read_meta()
        if meta.get("schema_version") != self.layout.fingerprint:
            raise SearchIndexOutdated(path=self.path)
        try:
            return FileStorage(self.path).open_index()
        except Exception as exc:
            raise SearchIndexCorrupt(path=self.path) from exc

    def _has_toc(self) -> bool:
        # ``whoosh.index.exists_in`` opens the index and so raises on a damaged
        # one; looking for a table-of-contents file does not.
        try:
            names = os.listdir(self.path)
        except FileNotFoundError:
            return False
        return any(n.startswith("_MAIN_") and n.endswith(".toc") for n in names)

    def check(self) -> None:
        """Raise if the index cannot be used; return quietly otherwise."""
        self.searcher()

    # ------------------------------------------------------------ searching

    def _signature(self) -> tuple:
        try:
            st = os.stat(self.path)
            meta = os.stat(self.meta_path)
        except FileNotFoundError:
            return ()
        return (st.st_ino, meta.st_ino, meta.st_mtime_ns)

    def searcher(self):
        """Return an up-to-date searcher for this thread (do not close it)."""
        cache = _cache()
        signature = self._signature()
        entry = cache.get(self.path)
        try:
            if entry is None or entry["signature"] != signature or not signature:
                if entry is not None:
                    entry["searcher"].close()
                    del cache[self.path]
                ix = self.open()
                # Read before the searcher opens: a commit in between only
                # makes the next call refresh once more.
                generation = ix.latest_generation()
                searcher = ix.searcher(weighting=PortalBM25F())
                cache[self.path] = {
                    "signature": signature,
                    "searcher": searcher,
                    "generation": generation,
                }
                return searcher
            searcher = entry["searcher"]
            # The folder's newest table of contents (a listing): Whoosh's own
            # ``refresh`` reads and unpickles the table of contents (schema
            # and analysers included) whenever the reader's generation is not
            # the newest, which for an index without segments is every time.
            generation = searcher._ix.latest_generation()
            if generation == entry.get("generation"):
                return searcher
            fresh = searcher.refresh()
            entry["generation"] = generation
            if fresh is not searcher:
                entry["searcher"] = fresh
                # What was read from the old reader goes with it.
                for derived in ("pk_map", "pk_column", "filter_docs", "columns"):
                    entry.pop(derived, None)
            return fresh
        except (SearchIndexMissing, SearchIndexOutdated, SearchIndexCorrupt):
            raise
        except Exception as exc:
            cache.pop(self.path, None)
            raise SearchIndexCorrupt(path=self.path) from exc

    def pk_column(self, searcher):
        """The ``pk`` column reader of the searcher's reader (cached with it).

        Opening a variable-length column reads its whole offset table, which
        at 100,000 documents costs more than a typical query.
        """
        entry = _cache().get(self.path)
        if entry is not None and entry["searcher"] is searcher:
            column = entry.get("pk_column")
            if column is None:
                column = entry["pk_column"] = searcher.reader().column_reader("pk")
            return column
        return searcher.reader().column_reader("pk")

    def column_values(self, searcher, name: str):
        """Every document's value of a numeric column (a date, a client),
        indexed by docnum, kept with the searcher like ``pk_column``. A facet
        over 20,000 hits read the column value by value (a slice of the file
        and an unpack each); decoded once per searcher, a hit's value is a
        list lookup. Whoosh's default stands where a document has none."""
        entry = _cache().get(self.path)
        kept = entry is not None and entry["searcher"] is searcher
        columns = entry.setdefault("columns", {}) if kept else {}
        values = columns.get(name)
        if values is None:
            values = columns[name] = numeric_column_values(searcher.reader(), name)
        return values

    def filter_docs(self, searcher, query) -> set:
        """The live docnums a filter ``query`` matches in the searcher's
        reader, kept with that searcher (for this thread, until the index
        changes): a filter that holds for nearly every document ("not
        deleted") is listed once, not at every search. Callers pass only
        filters on the index's own structure, the same for every user
        (``results._structural``), never a user's scope."""
        entry = _cache().get(self.path)
        if entry is None or entry["searcher"] is not searcher:
            return set(searcher.docs_for_query(query))
        cache = entry.setdefault("filter_docs", {})
        docs = cache.get(query)
        if docs is None:
            if len(cache) >= FILTER_DOCS_KEPT:
                cache.clear()
            docs = cache[query] = SharedDocs(searcher.docs_for_query(query))
        return docs

    def pk_to_docnum(self, searcher) -> dict[str, int]:
        """Map stored pk -> live docnum for the searcher's reader (cached)."""
        entry = _cache().get(self.path)
        if entry is not None and entry["searcher"] is searcher and "pk_map" in entry:
            return entry["pk_map"]
        reader = searcher.reader()
        column = reader.column_reader("pk")
        deletions = reader.has_deletions()
        mapping = {}
        for docnum, value in enumerate(column):
            if deletions and reader.is_deleted(docnum):
                continue
            mapping[value.decode("utf-8") if isinstance(value, bytes) else value] = (
                docnum
            )
        if entry is not None and entry["searcher"] is searcher:
            entry["pk_map"] = mapping
        return mapping

    # -------------------------------------------------------------- writing

    def writer(self, ix=None, *, bulk: bool = False):
        """Open a writer, waiting (bounded, with backoff) for the write lock.

        The writer is :class:`~.writer.FastSegmentWriter` (standard Whoosh
        files, faster analysis and posting pool) with a memory budget of
        ``limitmb``; ``bulk`` is for rebuilds (see that class).
        """
        ix = ix if ix is not None else self.open()
        deadline = time.monotonic() + self.lock_timeout
        delay = 0.02
        while True:
            try:
                return FastSegmentWriter(ix, limitmb=self.limitmb, bulk=bulk)
            except LockError as exc:
                if time.monotonic() + delay > deadline:
                    raise SearchIndexLocked(path=self.path) from exc
                time.sleep(delay)
                delay = min(delay * 2, 1.0)


def numeric_column_values(reader, name: str) -> array:
    """:meth:`IndexStore.column_values` for ``reader``: each segment's column
    is one run of fixed-size big-endian numbers in the file, read at once."""
    column_type = reader.schema[name].column_type
    values = array(column_type._typecode)
    for leaf, _offset in reader.leaf_readers():
        column = leaf.column_reader(name, translate=False)
        count = leaf.doc_count_all()
        if isinstance(column, NumericColumn.Reader):
            part = array(column._typecode)
            stored = min(column._count, count)
            part.frombytes(column._dbfile.get(column._basepos, stored * part.itemsize))
            if sys.byteorder == "little":
                part.byteswap()
            values.extend(part)
            values.extend([column._default] * (count - stored))
        else:  # a segment without this column: every document has the default
            values.extend(column[docnum] for docnum in range(count))
    return values
