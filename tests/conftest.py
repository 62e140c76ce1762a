import pytest


@pytest.fixture(autouse=True)
def _isolated_files(settings, tmp_path):
    """Every test writes media (and later the search index) below its own tmp dir."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR = tmp_path


@pytest.fixture
def demo(db):
    from portal.demo import load_demo

    load_demo()
