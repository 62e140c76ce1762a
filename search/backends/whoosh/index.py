"""The write side of the backend: one index directory per model hierarchy.

``WhooshIndex`` writes the documents of one root model (a web request saving an
object, or a rebuild's chunks); ``WhooshRebuilder`` builds a fresh directory
beside the live one and swaps it in. Apart from ``results`` because a search
only reads (through an index's store and layout), while this is what saving a
model and ``update_index`` run.
"""

from __future__ import annotations

import os
import shutil
import uuid

from modelsearch.backends.base import BaseIndex
from modelsearch.index import class_is_indexed

from .schema import PK
from .storage import IndexStore, close_searchers

#: Documents per commit when indexing outside a rebuild (``add_bulk`` of a
#: large list); bounds the documents held at once and the loss on a crash.
COMMIT_EVERY = 2_000


def _related(a, b) -> bool:
    """Whether two models of one index can share primary keys (MTI relatives)."""
    return issubclass(a, b) or issubclass(b, a)


class WhooshIndex(BaseIndex):
    """One Whoosh index directory holding a model hierarchy.

    A live index commits every ``add_items`` call (a web request saving one
    object, or ``add_bulk``). A *staging* index, which the rebuilder creates
    for ``update_index``, keeps one writer open for the whole rebuild: the
    documents of each chunk go into the writer's posting pool, which spills to
    temporary run files when it reaches ``LIMITMB``, so memory is bounded by
    that budget and not by the number of objects, and the index is written
    once, as one segment, when the rebuild finishes.
    """

    def __init__(self, backend, root, path: str | None = None, staging=False) -> None:
        super().__init__(backend)
        self.root = root
        self.name = root._meta.label_lower.replace(".", "_")
        self.path = path or os.path.join(backend.path, self.name)
        self.layout = backend.layout_for(root)
        self.store = IndexStore(
            self.path,
            self.layout,
            lock_timeout=backend.lock_timeout,
            limitmb=backend.limitmb,
        )
        self.staging = staging
        self._bulk_writer = None
        self._bulk_models: list[type] = []
        self._bulk_replace = False
        self.indexed_count = 0

    def __str__(self) -> str:
        return self.name

    def get_key(self) -> str:
        return self.name

    def add_model(self, model) -> None:
        """Nothing to do: the schema already covers every model of the root."""

    def refresh(self) -> None:
        """Nothing to do: searchers pick up committed changes by themselves."""

    def reset(self) -> None:
        self.store.create()

    def add_items(self, model, items) -> None:
        if not class_is_indexed(model):
            return
        if self.staging:
            self._add_to_rebuild(model, items)
            return
        chunk: dict[str, dict] = {}
        ix = None
        for obj in items:
            doc = self.layout.document(obj)
            chunk[doc[PK]] = doc
            if len(chunk) >= COMMIT_EVERY:
                ix = ix or self.store.open()
                self._write(ix, chunk.values())
                chunk = {}
        if chunk:
            self._write(ix or self.store.open(), chunk.values())

    def _write(self, ix, docs) -> None:
        writer = self.store.writer(ix)
        try:
            if ix.doc_count_all():
                with writer.searcher() as searcher:
                    for doc in docs:
                        writer.delete_by_term(PK, doc[PK], searcher=searcher)
            for doc in docs:
                writer.add_document(**doc)
        except BaseException:
            writer.cancel()
            raise
        writer.commit(merge=True)

    # -------------------------------------------------------------- rebuild

    def _add_to_rebuild(self, model, items) -> None:
        switching = self._bulk_models and model is not self._bulk_models[-1]
        if switching and any(_related(model, seen) for seen in self._bulk_models):
            # Objects of a parent and a child model may share a primary key:
            # commit what we have, so that from now on each object can replace
            # an earlier version of itself.
            self.commit_rebuild()
            self._bulk_replace = True
        if model not in self._bulk_models:
            self._bulk_models.append(model)
        writer = self._bulk_writer
        if writer is None:
            writer = self._bulk_writer = self.store.writer(bulk=True)
        docs: dict[str, dict] = {}
        for obj in items:
            doc = self.layout.document(obj)
            docs[doc[PK]] = doc
        try:
            if self._bulk_replace:
                with writer.searcher() as searcher:
                    for key in docs:
                        writer.delete_by_term(PK, key, searcher=searcher)
            for doc in docs.values():
                writer.add_document(**doc)
        except BaseException:
            self.cancel_rebuild()
            raise
        self.indexed_count += len(docs)

    def commit_rebuild(self) -> None:
        """Write what the rebuild's writer holds (one segment) and close it."""
        writer, self._bulk_writer = self._bulk_writer, None
        if writer is not None:
            writer.commit(merge=False)

    def cancel_rebuild(self) -> None:
        writer, self._bulk_writer = self._bulk_writer, None
        if writer is not None:
            writer.cancel()

    def delete_item(self, item) -> None:
        if not class_is_indexed(type(item)):
            return
        ix = self.store.open()
        writer = self.store.writer(ix)
        try:
            writer.delete_by_term(PK, str(item.pk))
        except BaseException:
            writer.cancel()
            raise
        writer.commit()


class WhooshRebuilder:
    """Builds a fresh index beside the live one and swaps it in at the end.

    Searches keep using the old index while the new one is built; the swap is
    two directory renames. Writes that reach the old index during the rebuild
    are lost, exactly as with the Elasticsearch backend's atomic rebuilder.
    Leftovers of a rebuild that crashed (a staging directory whose write lock
    nobody holds) are removed when the next rebuild starts.
    """

    def __init__(self, index: WhooshIndex) -> None:
        self.index = index
        self.staging: WhooshIndex | None = None

    def start(self) -> WhooshIndex:
        live = self.index
        _remove_abandoned(live.path)
        staging_path = f"{live.path}.rebuild-{uuid.uuid4().hex[:8]}"
        self.staging = WhooshIndex(
            live.backend, live.root, path=staging_path, staging=True
        )
        self.staging.store.create()
        return self.staging

    def finish(self) -> None:
        staging = self.staging
        live = self.index
        staging.commit_rebuild()
        ix = staging.store.open()
        if len(ix._segments()) > 1:
            ix.optimize()
        old_path = None
        if os.path.exists(live.path):
            old_path = f"{live.path}.old-{uuid.uuid4().hex[:8]}"
            os.rename(live.path, old_path)
        os.rename(staging.path, live.path)
        close_searchers()
        if old_path:
            shutil.rmtree(old_path, ignore_errors=True)


def _remove_abandoned(live_path: str) -> None:
    """Delete staging/old directories of ``live_path`` that no process uses."""
    from whoosh.filedb.filestore import FileStorage

    parent, name = os.path.split(live_path)
    try:
        siblings = os.listdir(parent or ".")
    except FileNotFoundError:
        return
    for sibling in siblings:
        if not sibling.startswith((f"{name}.rebuild-", f"{name}.old-")):
            continue
        path = os.path.join(parent, sibling)
        if not os.path.isdir(path):
            continue
        if sibling.startswith(f"{name}.rebuild-"):
            lock = FileStorage(path).lock("MAIN_WRITELOCK")
            if not lock.acquire(blocking=False):
                continue  # another rebuild is writing it right now
            lock.release()
        shutil.rmtree(path, ignore_errors=True)
