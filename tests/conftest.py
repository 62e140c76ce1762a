import pytest


@pytest.fixture(autouse=True)
def _isolated_files(settings, tmp_path):
    """Every test writes media and its search index below its own tmp dir."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR = tmp_path
    backends = {k: dict(v) for k, v in settings.WAGTAILSEARCH_BACKENDS.items()}
    if "PATH" in backends["default"]:
        backends["default"]["PATH"] = str(tmp_path / "whoosh")
    settings.WAGTAILSEARCH_BACKENDS = backends
    _create_empty_search_indexes()
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "cases.storage.EvidenceStorage",
            "OPTIONS": {"location": str(tmp_path / "evidence"), "base_url": None},
        },
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    """Counters kept in the cache (the search bound, the password-reset bound)
    start at zero in every test: user ids repeat between tests."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _session_clock_still(monkeypatch):
    """The idle-session check writes a session at most once a minute; a minute
    turning over in the middle of a test would add that write to a request whose
    queries the test counts. Held still here (tests/portal/test_sessions.py moves
    it on purpose)."""
    import time

    from portal.accounts import middleware

    now = time.time()
    monkeypatch.setattr(middleware, "clock", lambda: now)


@pytest.fixture
def demo(db):
    from portal.demo import load_demo

    load_demo()


def _create_empty_search_indexes():
    """A fresh, empty index per test, as `update_index` leaves it on a new install:
    the backend never creates a missing index by itself (it says so instead)."""
    from modelsearch.index import get_indexed_models
    from wagtail.search.backends import get_search_backend

    backend = get_search_backend()
    if not hasattr(backend, "layout_for"):  # not the Whoosh backend
        return
    seen = set()
    for model in get_indexed_models():
        index = backend.get_index_for_model(model)
        if index.path not in seen:
            seen.add(index.path)
            index.reset()
