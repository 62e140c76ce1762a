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


@pytest.fixture
def demo(db):
    from portal.demo import load_demo

    load_demo()
