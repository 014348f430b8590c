import pytest


@pytest.fixture(autouse=True)
def _demo_pictures_in_tmp(settings, tmp_path):
    """Loading the demo writes product pictures through the default storage: keep them out of var/media."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
