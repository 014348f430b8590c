import pytest
from django.test import override_settings


@pytest.fixture(scope="module", autouse=True)
def _demo_pictures_in_tmp(tmp_path_factory):
    """Loading the demo writes product pictures through the default storage: keep them out of var/media.
    Module-scoped, so a module that loads the demo once reads its pictures back from the same place."""
    with override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media"))):
        yield
